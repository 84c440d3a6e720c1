"""Reads of minutes: which version the person may read (the minutes policy) and who receives them."""

from __future__ import annotations

from typing import Any

from ..models import PRESENT, AgendaItem, Attendance, Invitation, Meeting, Minutes, MinutesStatus
from ..policies import meeting_records, minutes_records


def current_minutes(meeting: Meeting) -> Minutes | None:
    """The draft if there is one, else the approved version."""
    versions = list(Minutes.objects.filter(meeting=meeting).exclude(status=MinutesStatus.SUPERSEDED))
    drafts = [m for m in versions if m.status == MinutesStatus.DRAFT]
    return drafts[0] if drafts else (versions[0] if versions else None)


def approved_minutes(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).select_related("approved_by").first()


def minutes_versions(meeting: Meeting) -> list[Minutes]:
    return list(Minutes.objects.filter(meeting=meeting).select_related("approved_by", "created_by").order_by("-number"))


def readable_minutes(user: Any, meeting: Meeting) -> Minutes | None:
    """Which minutes this person may read: coordinators and chairs, the current version (draft or
    approved); invited attendees, the approved version once distributed, if their agency was there
    (the minutes policy)."""
    if meeting_records.can(user, "run", meeting):
        return current_minutes(meeting)
    approved = approved_minutes(meeting)
    if approved is None or not minutes_records.can(user, "view", approved):
        return None
    return approved


def minute_texts(minutes: Minutes, items: list[AgendaItem]) -> dict[int, Any]:
    return {m.item_id: m for m in minutes.items.filter(item__in=[i.pk for i in items])}


def distribution_list(meeting: Meeting) -> list[Invitation]:
    """Attendees with access: the people invited whose agency was there (attended or deputy)."""
    present = Attendance.objects.filter(meeting=meeting, status__in=sorted(PRESENT)).values("agency_id")
    return list(
        Invitation.objects.filter(meeting=meeting, agency_id__in=present, user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__full_name")
    )
