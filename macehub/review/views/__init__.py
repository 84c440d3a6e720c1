"""Review pages, one module per part of the review (each view: selector, policy, service, render)."""
