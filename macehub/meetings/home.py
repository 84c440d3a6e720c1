"""Home-page sections: the person's next meetings (with what their agency still has to send),
and their actions — overdue ones flagged, and escalations for chairs."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from macehub.core.acting import acting_context

from . import selectors
from .models import ActionStatus, Contribution
from .policies import chairing_panel_ids, meeting_access, panel_role_ids


def meetings_section(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not panel_role_ids(user):
        return None
    acting = acting_context(request)
    upcoming = selectors.upcoming_for(user, limit=6)
    if acting.partnership_id is not None:
        upcoming = [m for m in upcoming if m.panel.partnership_id == acting.partnership_id]
    rows = []
    for index, meeting in enumerate(upcoming[:3]):
        access = meeting_access(user, meeting)
        row: dict[str, Any] = {"meeting": meeting, "manages": access.manages, "to_send": 0, "asked": 0}
        if index:
            # What is missing is worked out for the next meeting only: the home page stays quick.
            rows.append({**row, "manages": False})
            continue
        if access.manages:
            # "Always knows what is missing before the meeting": asked minus received.
            item_ids = list(selectors.items_visible_to(user, meeting, access).values_list("pk", flat=True))
            asked = selectors.asked_agencies(meeting)
            total = sum(1 for pk in item_ids for a in asked.agencies if asked.asked(pk, a.pk))
            received = Contribution.objects.filter(item__in=item_ids).count()
            row.update({"asked": total, "missing": max(total - received, 0), "items": len(item_ids)})
        elif access.invitation is not None:
            item_ids = list(selectors.items_visible_to(user, meeting, access).values_list("pk", flat=True))
            asked = selectors.asked_agencies(meeting)
            agency_id = access.invitation.agency_id
            mine = [pk for pk in item_ids if asked.asked(pk, agency_id)]
            sent = Contribution.objects.filter(item__in=mine, agency_id=agency_id).count()
            row.update({"asked": len(mine), "to_send": len(mine) - sent})
        rows.append(row)
    return {"rows": rows}


def actions_section(request: HttpRequest) -> dict[str, Any] | None:
    """One query for the counts (and one for the overdue list when there is one)."""
    user = request.user
    if not panel_role_ids(user):
        return None
    today = timezone.localdate()
    profile_agencies = Q(pk__in=selectors.agency_actions(user).values("pk"))
    is_open = Q(status=ActionStatus.OPEN)
    overdue_q = Q(status=ActionStatus.OPEN, due_date__lt=today)
    mine = Q(owner_id=user.pk)
    chairs = chairing_panel_ids(user)
    counts = selectors.actions_visible_to(user).aggregate(
        mine_open=Count("pk", filter=mine & is_open),
        mine_overdue=Count("pk", filter=mine & overdue_q),
        agency_open=Count("pk", filter=profile_agencies & is_open),
        agency_overdue=Count("pk", filter=profile_agencies & overdue_q),
        escalated=Count("pk", filter=Q(panel_id__in=chairs, escalated_at__isnull=False) & is_open),
    )
    overdue = (
        list(selectors.my_actions(user).filter(overdue_q).order_by("due_date")[:5]) if counts["mine_overdue"] else []
    )
    return {
        "mine": {"open": counts["mine_open"], "overdue": counts["mine_overdue"]},
        "agency": {"open": counts["agency_open"], "overdue": counts["agency_overdue"]},
        "overdue": overdue,
        "escalated": counts["escalated"],
        "escalated_panel": min(chairs) if chairs else None,
        "nothing": not (counts["mine_open"] or counts["agency_open"] or counts["escalated"]),
    }
