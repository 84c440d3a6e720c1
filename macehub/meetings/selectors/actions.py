"""Reads of actions: those the person may see (the action policy), filtered for the lists, and those
that open a meeting's agenda."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from macehub.organisations.models import Agency
from macehub.subjects.models import Kind

from ..models import Action, ActionReview, ActionStatus, AgendaItem, Meeting, MeetingStatus
from ..policies import action_records, meeting_records, represented_agency_ids
from .invitations import panel_people


def actions_visible_to(user: Any) -> QuerySet[Action]:
    """The panel's whole log for its coordinators and chairs; otherwise the person's own actions
    and their agency's, on the panels where they hold a role. Actions about a person of concern
    only for people the panel allows to see them."""
    return action_records.visible(user).select_related(
        "panel", "panel__partnership", "subject", "owner", "owner_agency", "meeting"
    )


def get_action_for(user: Any, pk: Any) -> Action:
    qs = Action.objects.select_related("panel", "panel__partnership", "subject", "owner", "owner_agency", "meeting")
    action: Action = action_records.get_or_404(user, pk, queryset=qs)
    return action


@dataclass(frozen=True)
class ActionFilters:
    status: str = "open"
    agency_id: int | None = None
    subject: str = ""
    carried: bool = False


def filter_actions(qs: QuerySet[Action], filters: ActionFilters) -> QuerySet[Action]:
    today = timezone.localdate()
    if filters.status == "open":
        qs = qs.filter(status=ActionStatus.OPEN)
    elif filters.status == "overdue":
        qs = qs.filter(status=ActionStatus.OPEN, due_date__lt=today)
    elif filters.status == "escalated":
        qs = qs.filter(escalated_at__isnull=False, status=ActionStatus.OPEN)
    elif filters.status in (ActionStatus.COMPLETED, ActionStatus.NO_LONGER_NEEDED):
        qs = qs.filter(status=filters.status)
    if filters.agency_id:
        qs = qs.filter(owner_agency_id=filters.agency_id)
    if filters.subject:
        from macehub.subjects.models import KIND_BY_PREFIX

        compact = filters.subject.upper().replace(" ", "").replace("-", "")
        if compact[:1] in KIND_BY_PREFIX and compact[1:].isdigit():
            qs = qs.filter(subject__kind=KIND_BY_PREFIX[compact[0]], subject__number=int(compact[1:]))
        else:
            qs = qs.none()
    if filters.carried:
        qs = qs.filter(times_carried_forward__gt=0)
    if filters.status in ("open", "overdue", "escalated"):
        return qs.order_by("due_date", "number")
    return qs.order_by("-due_date", "-number")


def actions_owned_by(user: Any) -> QuerySet[Action]:
    return actions_visible_to(user).filter(action_records.where(user, "mine"))


def represented_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies the person represents on any panel (an invited professional's included)."""
    return Agency.objects.filter(pk__in=represented_agency_ids(user)).order_by("name")


def own_agency_actions(user: Any) -> QuerySet[Action]:
    """The actions of the person's own agency on the panels where they are a full member."""
    return actions_visible_to(user).filter(action_records.where(user, "own_agency"))


def outstanding_actions(user: Any, meeting: Meeting) -> list[tuple[Action, ActionReview | None]]:
    """The actions that open a meeting's agenda: every action agreed earlier that is still open,
    and those this meeting has already decided about (with that decision), for those who see the
    whole meeting. Hidden items' subjects stay hidden."""
    if not meeting_records.can(user, "see_all_items", meeting):
        return []
    reviews = {r.action_id: r for r in ActionReview.objects.filter(meeting=meeting).select_related("created_by")}
    qs = (
        Action.objects.filter(panel_id=meeting.panel_id)
        .filter(
            Q(pk__in=list(reviews))
            | (Q(status=ActionStatus.OPEN) & (Q(meeting__isnull=True) | Q(meeting__date__lt=meeting.date)))
        )
        .exclude(meeting=meeting)
        .select_related("subject", "owner", "owner_agency", "meeting")
        .order_by("due_date", "number")
    )
    if not meeting_records.can(user, "see_persons", meeting):
        qs = qs.exclude(subject__kind=Kind.PERSON)
    if meeting.status != MeetingStatus.PLANNED:
        qs = qs.filter(pk__in=list(reviews))
    return [(a, reviews.get(a.pk)) for a in qs]


def actions_by_item(items: list[AgendaItem]) -> dict[int, list[Action]]:
    result: dict[int, list[Action]] = defaultdict(list)
    for action in (
        Action.objects.filter(item__in=[i.pk for i in items])
        .select_related("owner", "owner_agency", "subject")
        .order_by("number")
    ):
        if action.item_id is not None:
            result[action.item_id].append(action)
    return result


def owner_choices(meeting_or_panel: Any) -> list[Any]:
    """People who may own an action: anyone with a panel role on the panel."""
    panel = meeting_or_panel.panel if isinstance(meeting_or_panel, Meeting) else meeting_or_panel
    return panel_people(panel)
