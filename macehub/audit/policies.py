"""Who may read and export the audit trail (audit app policy). Nobody may change it."""

from __future__ import annotations

from typing import Any

from macehub.core.access import Role, access_for
from macehub.core.policies import Policy, predicate


@predicate
def is_auditor(user: Any, obj: Any = None) -> bool:
    profile = access_for(user)
    return profile.is_system_admin or bool(profile.partnership_ids(Role.BOROUGH_ADMIN))


class AuditPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_events", is_auditor)
        self.rule("export_events", is_auditor)


policy = AuditPolicy()
