"""The "Your panels" section of the home page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from macehub.core.access import LONDON_ROLES, PANEL_ROLES, PARTNERSHIP_ROLES, access_for
from macehub.core.acting import acting_context

from .models import LocalAuthority, Panel, Partnership


def panels_section(request: HttpRequest) -> dict[str, Any] | None:
    """Panels where the person holds a panel or partnership role, in the partnership they act for."""
    profile = access_for(request.user)
    panel_ids = profile.panel_ids(*PANEL_ROLES)
    partnership_ids = profile.partnership_ids(*PARTNERSHIP_ROLES)
    if not panel_ids and not partnership_ids:
        return None
    acting = acting_context(request)
    panels = Panel.objects.filter(Q(pk__in=panel_ids) | Q(partnership_id__in=partnership_ids)).select_related(
        "partnership"
    )
    if acting.partnership_id is not None:
        panels = panels.filter(partnership_id=acting.partnership_id)
    return {"panels": list(panels), "acting": acting.label}


def london_section(request: HttpRequest) -> dict[str, Any] | None:
    """London-wide roles see the shape of London's arrangements (no identifiable data)."""
    if not access_for(request.user).has_role(*LONDON_ROLES):
        return None
    return {
        "partnerships": Partnership.objects.filter(is_active=True).count(),
        "authorities": LocalAuthority.objects.count(),
        "panels": Panel.objects.filter(is_active=True).count(),
    }
