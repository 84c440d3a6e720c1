"""The "Registers" section of the home page: each panel register the person works on, and for
partnership analysts, strategic leads and borough admins the register summaries (counts only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from macehub.core.access import PARTNERSHIP_ROLES, access_for
from macehub.core.acting import acting_context
from macehub.organisations.models import Panel

from . import selectors
from .models import Kind, Status
from .policies import register_panel_ids


def register_section(request: HttpRequest) -> dict[str, Any] | None:
    panel_ids = register_panel_ids(request.user)
    partnership_ids = access_for(request.user).partnership_ids(*PARTNERSHIP_ROLES)
    if not panel_ids and not partnership_ids:
        return None
    acting = acting_context(request)
    panels = Panel.objects.filter(pk__in=panel_ids).annotate(
        open_children=Count("subjects", filter=Q(subjects__kind=Kind.CHILD, subjects__status=Status.OPEN)),
        listed=Count("subjects", filter=Q(subjects__for_next_meeting=True) & ~Q(subjects__status=Status.MERGED)),
    )
    summaries = Panel.objects.filter(partnership_id__in=partnership_ids).exclude(pk__in=panel_ids)
    if acting.partnership_id is not None:
        panels = panels.filter(partnership_id=acting.partnership_id)
        summaries = summaries.filter(partnership_id=acting.partnership_id)
    rows = [{"panel": p, "alerts": selectors.alert_count(request.user, p)} for p in panels.order_by("name")]
    return {"rows": rows, "summaries": list(summaries.order_by("name"))}
