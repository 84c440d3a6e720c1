"""Helpers shared by the review services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from ..policies import policy


def require(actor: Any, action: str, obj: Any = None) -> None:
    """Services check the policy themselves: a view forgetting to is still safe."""
    if not policy.can(actor, action, obj):
        raise PermissionDenied(action)


def lead_emails(partnership_ids: list[int]) -> dict[int, list[str]]:
    """The active strategic leads' and borough admins' e-mail addresses, by partnership."""
    from macehub.accounts.models import Membership

    from ..policies import LEAD_ROLES

    result: dict[int, list[str]] = {}
    rows = (
        Membership.objects.filter(
            partnership_id__in=partnership_ids,
            panel__isnull=True,
            role__in=[r.value for r in LEAD_ROLES],
            ended_at__isnull=True,
            user__is_active=True,
        )
        .values_list("partnership_id", "user__email")
        .order_by("user__email")
    )
    for partnership_id, email in rows:
        if email not in result.setdefault(partnership_id, []):
            result[partnership_id].append(email)
    return result
