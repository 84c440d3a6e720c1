"""Who may see and do what with meetings and actions (meetings app policy).

* Coordinators and chairs of a panel run its meetings: they schedule them, build agendas,
  invite, chase contributions, record attendance and the discussion, close the meeting and
  draft the minutes. They see every meeting of their panel.
* Only a panel chair approves minutes, and never a correction they proposed themselves:
  another chair approves it (separation of duties).
* Anyone else with a role on the panel sees a meeting only if invited: a core member (the
  whole meeting) sees every item; a professional invited for some items sees only those
  (R21).
* Persons of concern are never shown to anyone the panel has not allowed to see them — not on
  agendas, in packs, minutes, PDFs, exports or action lists — whatever else they may do.
* Contributions are made by invited representatives for their own agency; coordinators and
  chairs may record one on an agency's behalf (after a phone call, say). Every agency's
  contribution to an item is seen by whoever may see the item (in the pack and on the item's
  contribution page alike).
* Draft minutes are for coordinators and chairs. Approved, distributed minutes are for the
  invited attendees whose agency was there, item by item.
* Actions: the owner and their agency's representatives on the panel see and complete them;
  coordinators and chairs keep the panel's action log. At a later meeting, what the panel
  decides about an action (done, carried forward, no longer needed) is recorded by a
  coordinator or chair who does not own it.
* Partnership analysts, strategic leads and borough admins see aggregates only (attendance,
  action completion, meeting quality). London-wide roles see nothing of meetings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from macehub.core.access import PANEL_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role, access_for, remembered
from macehub.core.policies import NOTHING, Policy, RecordPolicy, predicate
from macehub.organisations.models import Panel
from macehub.subjects.models import Kind
from macehub.subjects.policies import poc_panel_ids

from .models import (
    PRESENT,
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    Contribution,
    Invitation,
    InvitationScope,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)

MANAGING_ROLES = (Role.COORDINATOR, Role.PANEL_CHAIR)


def panel_role_ids(user: Any) -> frozenset[int]:
    """Panels where the person holds any panel role, an invited professional's included."""
    return access_for(user).panel_ids(*PANEL_SCOPED_ROLES)


def member_panel_ids(user: Any) -> frozenset[int]:
    """Panels where the person is a full member (chair, coordinator or agency representative).
    Elsewhere in ``panel_role_ids`` they are an invited professional: their own items only."""
    return access_for(user).panel_ids(*PANEL_ROLES)


def managing_panel_ids(user: Any) -> frozenset[int]:
    """Panels whose meetings the person runs (coordinators and chairs)."""
    return access_for(user).panel_ids(*MANAGING_ROLES)


def chairing_panel_ids(user: Any) -> frozenset[int]:
    return access_for(user).panel_ids(Role.PANEL_CHAIR)


def agency_ids_on_panel(user: Any, panel_id: int) -> frozenset[int]:
    """The agencies the person represents on a panel."""
    return frozenset(
        g.agency_id
        for g in access_for(user).grants_for_panel(panel_id)
        if g.role in PANEL_SCOPED_ROLES and g.agency_id is not None
    )


# --- What the person is invited to (worked out once per request) --------------------------------


@dataclass(frozen=True)
class Invited:
    """One invitation that still counts: the person holds a role on the meeting's panel and
    still represents the invitation's agency there."""

    invitation_id: int
    meeting_id: int
    panel_id: int
    agency_id: int
    scope: str


@dataclass(frozen=True)
class Invitations:
    by_meeting: dict[int, Invited]
    #: meetings whose every item they see (core members invited to the whole meeting)
    whole_meeting_ids: frozenset[int]
    #: items they are invited for (professionals invited item by item)
    item_ids: frozenset[int]

    @property
    def meeting_ids(self) -> frozenset[int]:
        return frozenset(self.by_meeting)


def invitations(user: Any) -> Invitations:
    """The person's invitations that still count (at most two queries, kept for the request;
    any change to an invitation or a membership forgets them)."""
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False):
        return Invitations({}, frozenset(), frozenset())
    return remembered(("meetings.invitations", pk), lambda: _invitations(user))


def _invitations(user: Any) -> Invitations:
    roles = panel_role_ids(user)
    if not roles:
        return Invitations({}, frozenset(), frozenset())
    rows = Invitation.objects.filter(user_id=user.pk, meeting__panel_id__in=roles).values_list(
        "pk", "meeting_id", "meeting__panel_id", "agency_id", "scope"
    )
    members = member_panel_ids(user)
    by_meeting: dict[int, Invited] = {}
    for pk, meeting_id, panel_id, agency_id, scope in rows:
        if agency_id in agency_ids_on_panel(user, panel_id):  # they still represent that agency
            by_meeting[meeting_id] = Invited(pk, meeting_id, panel_id, agency_id, scope)
    whole = frozenset(
        i.meeting_id for i in by_meeting.values() if i.scope == InvitationScope.WHOLE and i.panel_id in members
    )
    by_items = [i.invitation_id for i in by_meeting.values() if i.meeting_id not in whole]
    item_ids: frozenset[int] = frozenset()
    if by_items:
        through = Invitation.items.through
        item_ids = frozenset(through.objects.filter(invitation_id__in=by_items).values_list("agendaitem_id", flat=True))
    return Invitations(by_meeting, whole, item_ids)


def invitation_for(user: Any, meeting: Meeting) -> Invited | None:
    """The person's invitation to this meeting, if it still counts."""
    return invitations(user).by_meeting.get(meeting.pk)


def attended_meeting_ids(user: Any) -> frozenset[int]:
    """Meetings the person was invited to whose agency attended or sent a deputy (one query,
    kept for the request): the people distributed minutes are for."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return frozenset()

    def compute() -> frozenset[int]:
        invited = invitations(user).by_meeting.values()
        if not invited:
            return frozenset()
        pairs = NOTHING
        for i in invited:
            pairs |= Q(meeting_id=i.meeting_id, agency_id=i.agency_id)
        rows = Attendance.objects.filter(pairs, status__in=sorted(PRESENT)).values_list("meeting_id", flat=True)
        return frozenset(rows)

    return remembered(("meetings.attended", pk), compute)


# --- Meetings, items, actions and minutes: each rule declared once, as a filter ------------------


def _runs(user: Any) -> Q:
    return Q(panel_id__in=managing_panel_ids(user))


def seen_meetings(user: Any) -> Q:
    """Every meeting of the panels they run; elsewhere, meetings they are invited to."""
    return _runs(user) | Q(pk__in=invitations(user).meeting_ids)


def _whole_meetings(user: Any) -> Q:
    return _runs(user) | Q(pk__in=invitations(user).whole_meeting_ids)


def _not_proposer_of_correction(user: Any) -> Q:
    """The chair who proposed a correction of approved minutes does not approve it (C32)."""
    proposed = Minutes.objects.filter(status=MinutesStatus.DRAFT, number__gt=1, created_by_id=user.pk)
    return ~Q(pk__in=proposed.values("meeting_id"))


meeting_records = RecordPolicy(Meeting, name="meetings.meeting")
meeting_records.scope("view", seen_meetings)
#: Coordinators and chairs: everything about the meeting, whatever its state.
meeting_records.scope("run", _runs)
meeting_records.scope("manage", lambda user: _runs(user) & ~Q(status=MeetingStatus.CANCELLED))
meeting_records.scope("plan", lambda user: _runs(user) & Q(status=MeetingStatus.PLANNED))
#: Every item (persons of concern aside), not only those they are invited for.
meeting_records.scope("see_all_items", _whole_meetings)
#: Persons of concern on its agenda, actions and minutes: where the panel allows the person.
meeting_records.scope("see_persons", lambda user: seen_meetings(user) & Q(panel_id__in=poc_panel_ids(user)))
meeting_records.scope("view_pack", lambda user: seen_meetings(user) & ~Q(status=MeetingStatus.CANCELLED))
meeting_records.scope("contribute", lambda user: seen_meetings(user) & Q(status=MeetingStatus.PLANNED))
meeting_records.scope(
    "give_feedback", lambda user: Q(pk__in=invitations(user).meeting_ids) & Q(status=MeetingStatus.HELD)
)
meeting_records.scope(
    "approve_minutes",
    lambda user: (
        Q(panel_id__in=chairing_panel_ids(user), status=MeetingStatus.HELD) & _not_proposer_of_correction(user)
    ),
)


def _persons_where_allowed(user: Any, panel: str, subject: str = "subject") -> Q:
    """Nothing about a person of concern unless the panel allows the person to see them."""
    return (
        Q(**{f"{subject}__isnull": True})
        | ~Q(**{f"{subject}__kind": Kind.PERSON})
        | Q(**{f"{panel}__in": poc_panel_ids(user)})
    )


def _items_seen(user: Any, item: str = "") -> Q:
    """``seen_items`` over the agenda item reached by ``item`` (``"item__"`` from a contribution)."""
    invited = invitations(user)
    scope = (
        Q(**{f"{item}meeting__panel_id__in": managing_panel_ids(user)})
        | Q(**{f"{item}meeting_id__in": invited.whole_meeting_ids})
        | Q(**{f"{item}pk__in": invited.item_ids})
    )
    return scope & _persons_where_allowed(user, f"{item}meeting__panel_id", f"{item}subject")


def seen_items(user: Any) -> Q:
    """Coordinators, chairs and core members see every item; a professional invited for some
    items only those; persons of concern only where the panel allows."""
    return _items_seen(user)


item_records = RecordPolicy(AgendaItem, name="meetings.item")
item_records.scope("view", seen_items)


def seen_contributions(user: Any) -> Q:
    """Every agency's contribution to an item is for whoever may see the item: the meeting pack
    shows them all (partners share what they hold so the panel can act on it), and the page
    where an agency sends its own shows the others' on that item — the same rule. Nobody sees a
    contribution to an item they may not see (a professional invited for one item sees nothing
    of the others; persons of concern only where the panel allows)."""
    return _items_seen(user, "item__")


contribution_records = RecordPolicy(Contribution, name="meetings.contribution")
contribution_records.scope("view", seen_contributions)


def _agency_actions(user: Any) -> Q:
    """The actions of the person's own agency on each panel where they are a full member (not
    an invited professional)."""
    scope = NOTHING
    for grant in access_for(user).grants:
        if grant.role in PANEL_ROLES and grant.agency_id is not None:
            scope |= Q(panel_id=grant.panel_id, owner_agency_id=grant.agency_id)
    return scope


def seen_actions(user: Any) -> Q:
    """The panel's whole log for its coordinators and chairs; otherwise their own actions and
    (as a full member, not an invited professional) their agency's on that panel."""
    scope = _runs(user) | Q(owner_id=user.pk, panel_id__in=panel_role_ids(user)) | _agency_actions(user)
    return scope & _persons_where_allowed(user, "panel_id")


def _runs_log(user: Any) -> Q:
    return _runs(user) & _persons_where_allowed(user, "panel_id") & Q(status=ActionStatus.OPEN)


action_records = RecordPolicy(Action, name="meetings.action")
action_records.scope("view", seen_actions)
action_records.scope("complete", lambda user: seen_actions(user) & Q(status=ActionStatus.OPEN))
action_records.scope("edit", _runs_log)
# The meeting's decision about an action is not recorded by its owner (C32).
action_records.scope("decide", lambda user: _runs_log(user) & ~Q(owner_id=user.pk))
#: "My things" lists (the home page, "Your actions", "Your agency's actions"): the same actions
#: as ``view``, narrowed to the person's own, their agency's, and those escalated to them as chair.
action_records.scope("mine", lambda user: seen_actions(user) & Q(owner_id=user.pk))
action_records.scope("own_agency", lambda user: seen_actions(user) & _agency_actions(user))
action_records.scope(
    "escalated_to_me",
    lambda user: seen_actions(user) & Q(panel_id__in=chairing_panel_ids(user), escalated_at__isnull=False),
)


def represented_agency_ids(user: Any) -> frozenset[int]:
    """The agencies the person represents on any panel (an invited professional's included)."""
    return frozenset(
        g.agency_id
        for g in access_for(user).grants
        if g.role in PANEL_SCOPED_ROLES and g.panel_id is not None and g.agency_id is not None
    )


def escalations_panel_id(user: Any) -> int | None:
    """Where a chair's escalated actions are listed (the first panel they chair)."""
    chairs = chairing_panel_ids(user)
    return min(chairs) if chairs else None


def seen_minutes(user: Any) -> Q:
    """Coordinators and chairs: every version. Invited attendees: the approved version once
    distributed, if their agency was there."""
    return Q(meeting__panel_id__in=managing_panel_ids(user)) | Q(
        status=MinutesStatus.APPROVED, distributed_at__isnull=False, meeting_id__in=attended_meeting_ids(user)
    )


minutes_records = RecordPolicy(Minutes, name="meetings.minutes")
minutes_records.scope("view", seen_minutes)

#: Panels whose meetings the person may list: any panel role, an invited professional's included.
panel_records = RecordPolicy(Panel, name="meetings.panel")
panel_records.scope("view_meetings", lambda user: Q(pk__in=panel_role_ids(user)))


def _panel_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Meeting | Action):
        return obj.panel_id
    if isinstance(obj, AgendaItem):
        return obj.meeting.panel_id
    return getattr(obj, "pk", None)


@predicate
def has_panel_role(user: Any, obj: Any = None) -> bool:
    return bool(panel_role_ids(user))


@predicate
def runs_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in managing_panel_ids(user)


@predicate
def oversees_partnership(user: Any, panel: Any) -> bool:
    partnership_id = getattr(panel, "partnership_id", None)
    return partnership_id is not None and partnership_id in access_for(user).partnership_ids(*PARTNERSHIP_ROLES)


class MeetingsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_meetings", has_panel_role)
        self.rule("view_panel_meetings", panel_records.rule_for("view_meetings"))
        self.rule("schedule", runs_panel)
        self.rule("view_action_log", runs_panel)
        self.rule("view_quality", runs_panel | oversees_partnership)
        self.rule("use_actions", has_panel_role)
        # Object rules of one meeting or action: the record policies' (declared once, above).
        self.rule("view_meeting", meeting_records.rule_for("view"))
        self.rule("view_pack", meeting_records.rule_for("view_pack"))
        self.rule("manage_meeting", meeting_records.rule_for("manage"))
        self.rule("plan_meeting", meeting_records.rule_for("plan"))
        self.rule("contribute", meeting_records.rule_for("contribute"))
        self.rule("approve_minutes", meeting_records.rule_for("approve_minutes"))
        self.rule("give_feedback", meeting_records.rule_for("give_feedback"))
        self.rule("view_action", action_records.rule_for("view"))
        self.rule("complete_action", action_records.rule_for("complete"))
        self.rule("edit_action", action_records.rule_for("edit"))
        self.rule("decide_action", action_records.rule_for("decide"))


policy = MeetingsPolicy()
