"""docs/architecture.md says where each access rule lives: the page must name every aggregate
policy and each of its actions, so a new rule cannot be added without saying where it is."""

from __future__ import annotations

import re
from pathlib import Path

from macehub.core.policies import record_policies

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_every_record_policy_and_action_is_in_the_architecture_page() -> None:
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `([a-z_]+\.[a-z_]+)` \|[^|]*\| ([^|]*) \|", DOC.read_text(), re.MULTILINE)
    }
    missing = []
    for policy in record_policies():
        documented = {a.strip() for a in rows.get(policy.name, "").split(",")}
        if policy.name not in rows:
            missing.append(f"{policy.name} (no row)")
        missing += [f"{policy.name}.{action}" for action in policy.scopes if action not in documented]
        app = policy.name.split(".")[0]
        assert (DOC.parents[1] / "macehub" / app / "policies.py").exists()
    assert not missing, "docs/architecture.md does not say where these rules are: " + ", ".join(missing)
