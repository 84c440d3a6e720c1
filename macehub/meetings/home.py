"""Home-page sections: the person's next meetings (with what their agency still has to send),
and their actions — overdue ones flagged, and escalations for chairs."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from macehub.core.acting import acting_context

from .models import ActionStatus, Contribution
from .policies import action_records, escalations_panel_id, invitation_for, meeting_records, policy
from .selectors.actions import actions_owned_by, actions_visible_to
from .selectors.agenda import items_visible_to
from .selectors.invitations import asked_agencies
from .selectors.meetings import upcoming_for


def meetings_section(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not policy.can(user, "use_meetings"):
        return None
    acting = acting_context(request)
    upcoming = upcoming_for(user, limit=6)
    if acting.partnership_id is not None:
        upcoming = [m for m in upcoming if m.panel.partnership_id == acting.partnership_id]
    rows = []
    for index, meeting in enumerate(upcoming[:3]):
        row: dict[str, Any] = {"meeting": meeting, "may_run": False, "to_send": 0, "asked": 0}
        if index:
            # What is missing is worked out for the next meeting only: the home page stays quick
            # (and the later meetings' access is not looked up, as nothing here uses it).
            rows.append(row)
            continue
        may_run = meeting_records.can(user, "run", meeting)
        invited = invitation_for(user, meeting)
        row["may_run"] = may_run
        if may_run:
            # "Always knows what is missing before the meeting": asked minus received.
            item_ids = list(items_visible_to(user, meeting).values_list("pk", flat=True))
            asked = asked_agencies(meeting)
            total = sum(1 for pk in item_ids for a in asked.agencies if asked.asked(pk, a.pk))
            received = Contribution.objects.filter(item__in=item_ids).count()
            row.update({"asked": total, "missing": max(total - received, 0), "items": len(item_ids)})
        elif invited is not None:
            item_ids = list(items_visible_to(user, meeting).values_list("pk", flat=True))
            asked = asked_agencies(meeting)
            agency_id = invited.agency_id
            mine = [pk for pk in item_ids if asked.asked(pk, agency_id)]
            sent = Contribution.objects.filter(item__in=mine, agency_id=agency_id).count()
            row.update({"asked": len(mine), "to_send": len(mine) - sent})
        rows.append(row)
    return {"rows": rows}


def actions_section(request: HttpRequest) -> dict[str, Any] | None:
    """One query for the counts (and one for the overdue list when there is one).

    Every count is of open actions, so only open ones are read (a panel's log is mostly
    completed actions); the agency's share is a condition on the same rows, not a second
    pass over the log (``IN (subquery)``). See docs/performance.md."""
    user = request.user
    if not policy.can(user, "use_actions"):
        return None
    today = timezone.localdate()
    # The policy's "my things" filters, as conditions on the same rows.
    profile_agencies = action_records.where(user, "own_agency")
    overdue_q = Q(due_date__lt=today)
    mine = action_records.where(user, "mine")
    escalated = action_records.where(user, "escalated_to_me")
    counts = (
        actions_visible_to(user)
        .filter(status=ActionStatus.OPEN)
        .aggregate(
            mine_open=Count("pk", filter=mine),
            mine_overdue=Count("pk", filter=mine & overdue_q),
            agency_open=Count("pk", filter=profile_agencies),
            agency_overdue=Count("pk", filter=profile_agencies & overdue_q),
            escalated=Count("pk", filter=escalated),
        )
    )
    overdue = (
        list(actions_owned_by(user).filter(overdue_q, status=ActionStatus.OPEN).order_by("due_date")[:5])
        if counts["mine_overdue"]
        else []
    )
    return {
        "mine": {"open": counts["mine_open"], "overdue": counts["mine_overdue"]},
        "agency": {"open": counts["agency_open"], "overdue": counts["agency_overdue"]},
        "overdue": overdue,
        "escalated": counts["escalated"],
        "escalated_panel": escalations_panel_id(user),
        "nothing": not (counts["mine_open"] or counts["agency_open"] or counts["escalated"]),
    }
