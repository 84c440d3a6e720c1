"""Template helpers for the meetings pages (``{% load meetings_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from macehub.meetings.models import (
    NOT_ASKED,
    NOT_SENT,
    ActionStatus,
    AttendanceStatus,
    ContributionStatus,
    Meeting,
    MeetingStatus,
)
from macehub.meetings.policies import policy
from macehub.meetings.selectors.minutes import readable_minutes

register = template.Library()

CELL = {
    ContributionStatus.SUBMITTED: ("Submitted", "green"),
    ContributionStatus.NOTHING_HELD: ("Nothing held", "blue"),
    NOT_SENT: ("Not sent", "red"),
    NOT_ASKED: ("Not asked", ""),
}
MEETING_COLOURS = {MeetingStatus.PLANNED: "blue", MeetingStatus.HELD: "green", MeetingStatus.CANCELLED: "grey"}
ATTENDANCE_COLOURS = {
    AttendanceStatus.ATTENDED: "green",
    AttendanceStatus.DEPUTY: "turquoise",
    AttendanceStatus.APOLOGIES: "yellow",
    AttendanceStatus.ABSENT: "red",
}


@register.filter
def cell_text(state: str) -> str:
    return CELL.get(state, ("", ""))[0]


@register.filter
def cell_colour(state: str) -> str:
    return CELL.get(state, ("", ""))[1]


@register.filter
def meeting_colour(meeting: Meeting) -> str:
    return MEETING_COLOURS.get(MeetingStatus(meeting.status), "grey")


@register.filter
def attendance_colour(status: str) -> str:
    return ATTENDANCE_COLOURS.get(AttendanceStatus(status), "grey") if status else "grey"


@register.filter
def action_colour(action: Any) -> str:
    if action.status == ActionStatus.OPEN:
        if action.escalated_at:
            return "red"
        return "orange" if action.is_overdue else "blue"
    return "green" if action.status == ActionStatus.COMPLETED else "grey"


@register.filter
def action_state(action: Any) -> str:
    if action.status == ActionStatus.OPEN:
        if action.escalated_at:
            return "Escalated"
        return "Overdue" if action.is_overdue else "Open"
    return str(action.get_status_display())


@register.filter
def isodate(value: Any) -> str:
    """A date stored as text in frozen minutes ("2026-03-12"), as people read it ("12 Mar 2026")."""
    from datetime import date

    try:
        return date.fromisoformat(str(value)).strftime("%-d %b %Y")
    except ValueError:
        return str(value or "")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    return mapping.get(key)


@register.inclusion_tag("meetings/_meeting_nav.html", takes_context=True)
def meeting_nav(context: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    manages = policy.can(user, "manage_meeting", meeting)
    plans = policy.can(user, "plan_meeting", meeting)
    items = [
        ("Overview", reverse("meetings:detail", args=[meeting.pk])),
        ("Agenda", reverse("meetings:agenda", args=[meeting.pk])),
    ]
    if plans:
        items.append(("Invitations", reverse("meetings:invitations", args=[meeting.pk])))
        items.append(("Contributions", reverse("meetings:contributions", args=[meeting.pk])))
    elif policy.can(user, "contribute", meeting):
        items.append(("Your contributions", reverse("meetings:contribute", args=[meeting.pk])))
    if policy.can(user, "view_pack", meeting):
        items.append(("Pack", reverse("meetings:pack", args=[meeting.pk])))
    if plans:
        items.append(("Attendance", reverse("meetings:attendance", args=[meeting.pk])))
        items.append(("Record the meeting", reverse("meetings:record", args=[meeting.pk])))
    if meeting.status == MeetingStatus.HELD and (manages or readable_minutes(user, meeting) is not None):
        items.append(("Minutes", reverse("meetings:minutes", args=[meeting.pk])))
    path = request.path
    current = max((href for _, href in items if path.startswith(href)), key=len, default="")
    return {"items": [{"text": t, "href": h, "current": h == current} for t, h in items]}
