"""Who may see and retry background jobs and unsent e-mail (operations app policy)."""

from __future__ import annotations

from typing import Any

from macehub.core.access import access_for
from macehub.core.policies import Policy, predicate


@predicate
def is_system_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_system_admin


class OperationsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_jobs", is_system_admin)
        self.rule("retry_jobs", is_system_admin)


policy = OperationsPolicy()
