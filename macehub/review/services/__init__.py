"""Every write in the review layer: keyword-only, policy-checked, validated, one transaction,
an audit event inside it, e-mail after commit. One module per part of the review."""
