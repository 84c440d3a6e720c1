"""Home page sections for access: the person's own requests, and approvals for admins."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .policies import policy


def access_section(request: HttpRequest) -> dict[str, Any] | None:
    """Someone without roles sees why and what happens next; anyone with a pending request sees it."""
    no_access = not policy.can(request.user, "hold_roles")
    pending = list(selectors.own_access_requests(request.user).filter(status="pending"))  # type: ignore[arg-type]
    if no_access:
        requests = list(selectors.own_access_requests(request.user)[:10])  # type: ignore[arg-type]
        return {"no_access": True, "requests": requests}
    if pending:
        return {"no_access": False, "requests": pending}
    return None


def approvals_section(request: HttpRequest) -> dict[str, Any] | None:
    if not policy.can(request.user, "view_approvals"):
        return None
    pending = selectors.pending_requests_for(request.user)
    oldest = pending.values_list("created_at", flat=True).first()
    return {"count": pending.count(), "oldest": oldest}
