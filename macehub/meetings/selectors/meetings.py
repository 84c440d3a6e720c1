"""Reads of meetings: those the person may see (the meeting policy), one by one, by panel."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from macehub.organisations.models import Panel

from ..models import Meeting, MeetingStatus
from ..policies import meeting_records, panel_records


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Every meeting of the panels the person runs; elsewhere, only meetings they are invited to
    (while they still hold a role on that panel)."""
    return meeting_records.visible(user).select_related("panel", "panel__partnership", "chair", "co_chair")


def meeting_panels(user: Any) -> QuerySet[Panel]:
    """The panels whose meetings the person may list (any panel role, an invited professional's
    included)."""
    return panel_records.visible(user, "view_meetings").order_by("name")


def get_meeting_for(user: Any, pk: Any, action: str = "view") -> Meeting:
    """One meeting the person may ``action``, or 404 (missing and forbidden look the same)."""
    qs = Meeting.objects.select_related("panel", "panel__partnership", "chair", "co_chair")
    meeting: Meeting = meeting_records.get_or_404(user, pk, action, queryset=qs)
    return meeting


def meetings_of_panel(user: Any, panel: Panel) -> QuerySet[Meeting]:
    return meetings_visible_to(user).filter(panel=panel)


def upcoming_for(user: Any, *, limit: int = 5) -> list[Meeting]:
    today = timezone.localdate()
    return list(
        meetings_visible_to(user)
        .filter(status=MeetingStatus.PLANNED, date__gte=today)
        .order_by("date", "start_time")[:limit]
    )
