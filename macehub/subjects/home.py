"""The "Registers" section of the home page: each panel register the person works on, and for
partnership analysts, strategic leads and borough admins the register summaries (counts only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from macehub.core.acting import acting_context

from . import selectors
from .models import Kind, Status
from .policies import registers


def register_section(request: HttpRequest) -> dict[str, Any] | None:
    # The summary is for everyone who may browse a register and for the partnership's roles.
    if not registers.visible(request.user, "summary").exists():
        return None
    on_panels = registers.visible(request.user)
    summaries = registers.visible(request.user, "summary").exclude(pk__in=on_panels.values("pk"))
    acting = acting_context(request)
    panels = on_panels.annotate(
        open_children=Count("subjects", filter=Q(subjects__kind=Kind.CHILD, subjects__status=Status.OPEN)),
        listed=Count("subjects", filter=Q(subjects__for_next_meeting=True) & ~Q(subjects__status=Status.MERGED)),
    )
    if acting.partnership_id is not None:
        panels = panels.filter(partnership_id=acting.partnership_id)
        summaries = summaries.filter(partnership_id=acting.partnership_id)
    rows = [{"panel": p, "alerts": selectors.alert_count(request.user, p)} for p in panels.order_by("name")]
    return {"rows": rows, "summaries": list(summaries.order_by("name"))}
