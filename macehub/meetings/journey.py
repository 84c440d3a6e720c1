"""A child's journey (the casework app's timeline): when the record was discussed at a meeting,
and the actions agreed about it. One query each, however long the history."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from macehub.core.timeline import TimelineEvent
from macehub.subjects.policies import records

from .models import Action, AgendaItem, MeetingStatus


def _may_see(user: Any, subject: Any) -> bool:
    """The journey shows what the register record's own policy lets the person see."""
    return records.can(user, "view", subject)


def meeting_events(user: Any, subject: Any) -> Iterable[TimelineEvent]:
    if not _may_see(user, subject):
        return []
    items = AgendaItem.objects.filter(subject=subject, meeting__status=MeetingStatus.HELD).select_related(
        "meeting", "meeting__panel"
    )
    events = []
    for item in items:
        meeting = item.meeting
        detail = f"Risk level decided: {item.risk_decided}." if item.risk_decided else ""
        events.append(
            TimelineEvent(
                when=meeting.date,
                kind="meeting",
                title=f"Discussed at {meeting.panel.name} ({meeting.get_meeting_type_display()})",
                detail=detail,
                url=reverse("meetings:minutes", args=[meeting.pk]),
            )
        )
    return events


def action_events(user: Any, subject: Any) -> Iterable[TimelineEvent]:
    if not _may_see(user, subject):
        return []
    events = []
    for action in Action.objects.filter(subject=subject).select_related("owner_agency"):
        events.append(
            TimelineEvent(
                when=action.created_at,
                kind="action",
                title=f"Action {action.reference} agreed for {action.owner_agency.name}",
                detail=f"Due {action.due_date:%-d %B %Y}.",
                url=reverse("meetings:action_detail", args=[action.pk]),
            )
        )
        if action.completed_at is not None:
            events.append(
                TimelineEvent(
                    when=action.completed_at,
                    kind="action",
                    title=f"Action {action.reference} {action.get_status_display().lower()}",
                    url=reverse("meetings:action_detail", args=[action.pk]),
                )
            )
    return events
