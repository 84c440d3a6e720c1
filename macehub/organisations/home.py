"""The "Your panels" section of the home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from macehub.core.acting import acting_context

from .models import LocalAuthority, Panel, Partnership
from .policies import panels, policy


def panels_section(request: HttpRequest) -> dict[str, Any] | None:
    """Panels where the person holds a panel or partnership role, in the partnership they act for."""
    if not policy.can(request.user, "view_own_panels"):
        return None
    acting = acting_context(request)
    mine = panels.visible(request.user, "work_on", Panel.objects.select_related("partnership"))
    if acting.partnership_id is not None:
        mine = mine.filter(partnership_id=acting.partnership_id)
    return {"panels": list(mine), "acting": acting.label}


def london_section(request: HttpRequest) -> dict[str, Any] | None:
    """London-wide roles see the shape of London's arrangements (no identifiable data)."""
    if not policy.can(request.user, "view_london_overview"):
        return None
    return {
        "partnerships": Partnership.objects.filter(is_active=True).count(),
        "authorities": LocalAuthority.objects.count(),
        "panels": Panel.objects.filter(is_active=True).count(),
    }
