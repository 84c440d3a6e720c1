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
  chairs may record one on an agency's behalf (after a phone call, say).
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

from macehub.core.access import PANEL_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import Policy, predicate, someone_else
from macehub.subjects.models import Kind
from macehub.subjects.policies import poc_panel_ids

from .models import Action, AgendaItem, Invitation, InvitationScope, Meeting, MeetingStatus

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


@dataclass(frozen=True)
class MeetingAccess:
    """How much of one meeting a person may see."""

    #: "manage" (coordinator or chair), "whole" (core member), "items" (invited for some items) or "".
    level: str
    item_ids: frozenset[int] = frozenset()
    sees_persons: bool = False
    invitation: Invitation | None = None

    @property
    def allowed(self) -> bool:
        return bool(self.level)

    @property
    def manages(self) -> bool:
        return self.level == "manage"

    @property
    def sees_all_items(self) -> bool:
        return self.level in ("manage", "whole")

    def sees_item(self, item: AgendaItem) -> bool:
        if not self.allowed:
            return False
        subject = item.subject if item.subject_id is not None else None
        if subject is not None and subject.kind == Kind.PERSON and not self.sees_persons:
            return False
        return self.sees_all_items or item.pk in self.item_ids


NO_ACCESS = MeetingAccess(level="")


def meeting_access(user: Any, meeting: Meeting) -> MeetingAccess:
    """Worked out once per request and meeting (at most two queries)."""
    if not getattr(user, "is_authenticated", False):
        return NO_ACCESS
    cache: dict[int, MeetingAccess] = getattr(user, "_macehub_meeting_access", None) or {}
    if meeting.pk in cache:
        return cache[meeting.pk]
    result = NO_ACCESS
    if meeting.panel_id in panel_role_ids(user):
        sees_persons = meeting.panel_id in poc_panel_ids(user)
        invitation = Invitation.objects.filter(meeting_id=meeting.pk, user_id=user.pk).first()
        agencies = agency_ids_on_panel(user, meeting.panel_id)
        if invitation is not None and invitation.agency_id not in agencies:
            invitation = None  # they no longer represent that agency on the panel
        member = meeting.panel_id in member_panel_ids(user)
        if meeting.panel_id in managing_panel_ids(user):
            result = MeetingAccess("manage", sees_persons=sees_persons, invitation=invitation)
        elif member and invitation is not None and invitation.scope == InvitationScope.WHOLE:
            result = MeetingAccess("whole", sees_persons=sees_persons, invitation=invitation)
        elif invitation is not None:
            ids = frozenset(invitation.items.values_list("pk", flat=True))
            result = MeetingAccess("items", item_ids=ids, sees_persons=sees_persons, invitation=invitation)
    cache[meeting.pk] = result
    user._macehub_meeting_access = cache
    return result


def forget_meeting_access(user: Any) -> None:
    if hasattr(user, "_macehub_meeting_access"):
        del user._macehub_meeting_access


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
def on_the_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in panel_role_ids(user)


@predicate
def runs_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in managing_panel_ids(user)


@predicate
def chairs_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in chairing_panel_ids(user)


@predicate
def oversees_partnership(user: Any, panel: Any) -> bool:
    partnership_id = getattr(panel, "partnership_id", None)
    return partnership_id is not None and partnership_id in access_for(user).partnership_ids(*PARTNERSHIP_ROLES)


@predicate
def may_open_meeting(user: Any, meeting: Any) -> bool:
    return isinstance(meeting, Meeting) and meeting_access(user, meeting).allowed


@predicate
def is_planned(user: Any, meeting: Any) -> bool:
    return isinstance(meeting, Meeting) and meeting.status == MeetingStatus.PLANNED


@predicate
def is_held(user: Any, meeting: Any) -> bool:
    return isinstance(meeting, Meeting) and meeting.status == MeetingStatus.HELD


@predicate
def not_cancelled(user: Any, meeting: Any) -> bool:
    return isinstance(meeting, Meeting) and meeting.status != MeetingStatus.CANCELLED


@predicate
def is_invited(user: Any, meeting: Any) -> bool:
    return isinstance(meeting, Meeting) and meeting_access(user, meeting).invitation is not None


@predicate
def owns_or_shares_action(user: Any, action: Any) -> bool:
    """Their own action, or (for a full member) one their agency owns on the panel."""
    if not isinstance(action, Action) or action.panel_id not in panel_role_ids(user):
        return False
    if action.owner_id == user.pk:
        return True
    # As in selectors.actions_visible_to: only agencies they represent as a full member.
    grants = access_for(user).grants_for_panel(action.panel_id)
    return any(g.role in PANEL_ROLES and g.agency_id == action.owner_agency_id for g in grants)


@predicate
def may_see_action_subject(user: Any, action: Any) -> bool:
    if not isinstance(action, Action) or action.subject_id is None:
        return True
    subject = action.subject
    return subject is None or subject.kind != Kind.PERSON or action.panel_id in poc_panel_ids(user)


@predicate
def not_proposer_of_correction(user: Any, meeting: Any) -> bool:
    """The chair who proposed a correction of approved minutes does not approve it (C32)."""
    if not isinstance(meeting, Meeting):
        return False
    from .models import Minutes, MinutesStatus

    draft = Minutes.objects.filter(meeting_id=meeting.pk, status=MinutesStatus.DRAFT).only("number", "created_by_id")
    correction = next(iter(draft), None)
    return correction is None or correction.number == 1 or correction.created_by_id != user.pk


@predicate
def action_is_open(user: Any, action: Any) -> bool:
    return isinstance(action, Action) and action.is_open


class MeetingsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_meetings", has_panel_role)
        self.rule("view_panel_meetings", on_the_panel)
        self.rule("schedule", runs_panel)
        self.rule("view_action_log", runs_panel)
        self.rule("view_quality", runs_panel | (oversees_partnership))
        self.rule("view_meeting", may_open_meeting)
        self.rule("view_pack", may_open_meeting & not_cancelled)
        self.rule("manage_meeting", runs_panel & not_cancelled)
        self.rule("plan_meeting", runs_panel & is_planned)
        self.rule("contribute", may_open_meeting & is_planned & (runs_panel | is_invited))
        self.rule("approve_minutes", chairs_panel & is_held & not_proposer_of_correction)
        self.rule("give_feedback", is_invited & is_held)
        self.rule("use_actions", has_panel_role)
        self.rule("view_action", (runs_panel | owns_or_shares_action) & may_see_action_subject)
        self.rule("complete_action", (runs_panel | owns_or_shares_action) & may_see_action_subject & action_is_open)
        self.rule("edit_action", runs_panel & may_see_action_subject & action_is_open)
        # The meeting's decision about an action is not recorded by its owner (C32).
        self.rule("decide_action", runs_panel & may_see_action_subject & action_is_open & someone_else("owner"))


policy = MeetingsPolicy()
