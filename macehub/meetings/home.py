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
    for meeting in upcoming[:3]:
        access = meeting_access(user, meeting)
        row: dict[str, Any] = {"meeting": meeting, "manages": access.manages, "to_send": 0, "asked": 0}
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
    user = request.user
    if not panel_role_ids(user):
        return None
    today = timezone.localdate()
    open_q = Q(status=ActionStatus.OPEN)
    overdue_q = Q(status=ActionStatus.OPEN, due_date__lt=today)
    mine = selectors.my_actions(user).aggregate(open=Count("pk", filter=open_q), overdue=Count("pk", filter=overdue_q))
    agency = selectors.agency_actions(user).aggregate(
        open=Count("pk", filter=open_q), overdue=Count("pk", filter=overdue_q)
    )
    overdue = list(selectors.my_actions(user).filter(overdue_q).order_by("due_date")[:5])
    chairs = chairing_panel_ids(user)
    escalated = (
        selectors.actions_visible_to(user)
        .filter(panel_id__in=chairs, status=ActionStatus.OPEN, escalated_at__isnull=False)
        .count()
        if chairs
        else 0
    )
    return {
        "mine": mine,
        "agency": agency,
        "overdue": overdue,
        "escalated": escalated,
        "escalated_panel": min(chairs) if chairs else None,
        "nothing": not (mine["open"] or agency["open"] or escalated),
    }
