"""Reads for meetings, always scoped to the asking person.

Every page starts from :func:`meetings_visible_to`, :func:`items_visible_to` or
:func:`actions_visible_to`, so an item about a person of concern hidden from someone is
hidden on the agenda, in the pack, the grid, the minutes, the PDFs and the exports alike.
Each function runs a fixed number of queries whatever the number of items or agencies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from macehub.core.access import PANEL_ROLES, PANEL_SCOPED_ROLES, access_for
from macehub.organisations.models import Agency, AgencyType, Panel
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.policies import records
from macehub.subjects.selectors import links_visible_to

from .models import (
    NOT_ASKED,
    NOT_SENT,
    PRESENT,
    STRAND_FOR_KIND,
    STRAND_ORDER,
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    Attendance,
    Chase,
    Contribution,
    Invitation,
    InvitationScope,
    ItemSource,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Strand,
)
from .policies import (
    action_records,
    attended_meeting_ids,
    chairing_panel_ids,
    invitation_for,
    item_records,
    meeting_records,
    minutes_records,
    panel_role_ids,
)

#: A child (or context) open to the panel is due to come back to a meeting this long after it was last heard.
REVIEW_AFTER = timedelta(weeks=8)


# --- Meetings ------------------------------------------------------------------------------------


def meetings_visible_to(user: Any) -> QuerySet[Meeting]:
    """Every meeting of the panels the person runs; elsewhere, only meetings they are invited to
    (while they still hold a role on that panel)."""
    return meeting_records.visible(user).select_related("panel", "panel__partnership", "chair", "co_chair")


def meeting_panels(user: Any) -> QuerySet[Panel]:
    """The panels whose meetings the person may list (any panel role, an invited professional's
    included)."""
    return Panel.objects.filter(pk__in=panel_role_ids(user)).order_by("name")


def get_meeting_for(user: Any, pk: Any, action: str = "view") -> Meeting:
    """One meeting the person may ``action``, or 404 (missing and forbidden look the same)."""
    qs = Meeting.objects.select_related("panel", "panel__partnership", "chair", "co_chair")
    meeting: Meeting = meeting_records.get_or_404(user, pk, action, queryset=qs)
    return meeting


def panel_meetings(user: Any, panel: Panel) -> QuerySet[Meeting]:
    return meetings_visible_to(user).filter(panel=panel)


def upcoming_for(user: Any, *, limit: int = 5) -> list[Meeting]:
    today = timezone.localdate()
    return list(
        meetings_visible_to(user)
        .filter(status=MeetingStatus.PLANNED, date__gte=today)
        .order_by("date", "start_time")[:limit]
    )


# --- Items ---------------------------------------------------------------------------------------


def _item_queryset() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "subject", "subject__panel", "presenter", "presenter_agency", "referral", "meeting"
    )


def items_visible_to(user: Any, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's items this person may see: all, or the ones they are invited for; never
    persons of concern unless the panel allows them (the item policy)."""
    return item_records.visible(user, queryset=_item_queryset().filter(meeting=meeting))


def in_agenda_order(items: list[AgendaItem]) -> list[AgendaItem]:
    return sorted(items, key=lambda i: (STRAND_ORDER.get(i.strand, 99), i.position, i.pk))


def get_item_for(user: Any, pk: Any) -> AgendaItem:
    """One item, or 404 if it is missing or the person may not see it."""
    qs = _item_queryset().select_related("meeting__panel", "meeting__panel__partnership")
    item: AgendaItem = item_records.get_or_404(user, pk, queryset=qs)
    return item


@dataclass
class StrandGroup:
    strand: str
    label: str
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(i.minutes_allowed for i in self.items)


def grouped(items: list[AgendaItem]) -> list[StrandGroup]:
    groups: dict[str, StrandGroup] = {}
    for item in in_agenda_order(items):
        group = groups.setdefault(item.strand, StrandGroup(item.strand, str(Strand(item.strand).label)))
        group.items.append(item)
    return list(groups.values())


def hidden_item_count(user: Any, meeting: Meeting) -> int:
    """How many items a coordinator or chair cannot see (persons of concern): they are told
    there are some, so they know to ask, but not what they are."""
    if not meeting_records.can(user, "run", meeting) or meeting_records.can(user, "see_persons", meeting):
        return 0
    return AgendaItem.objects.filter(meeting=meeting, subject__kind=Kind.PERSON).count()


def planned_item_minutes(meeting: Meeting) -> int:
    """Minutes planned for every item of the meeting, including items the asker cannot see:
    those who run the meeting plan against the whole agenda. The figure names nobody."""
    return AgendaItem.objects.filter(meeting=meeting).aggregate(total=Sum("minutes_allowed"))["total"] or 0


# --- Building the agenda ---------------------------------------------------------------------------


@dataclass
class Candidate:
    subject: Subject
    source: str
    why: str
    referral: Any = None


@dataclass
class CandidateGroup:
    strand: str
    label: str
    referrals: list[Candidate] = field(default_factory=list)
    reviews: list[Candidate] = field(default_factory=list)


def agenda_candidates(user: Any, meeting: Meeting, *, limit: int = 200) -> list[CandidateGroup]:
    """What the coordinator is offered for the agenda, grouped by VOLT strand: accepted referrals
    waiting to be heard first, then open records due for review (never heard, or last heard more
    than eight weeks ago), oldest first. Records already on the agenda are left out; so are
    children at a context conference (R24) and persons of concern the person may not see."""
    from macehub.referrals.models import Referral, ReferralStatus

    # Already on this agenda, or on an earlier meeting's agenda that has not happened yet.
    listed = AgendaItem.objects.filter(subject__isnull=False).filter(
        Q(meeting=meeting)
        | Q(meeting__panel_id=meeting.panel_id, meeting__status=MeetingStatus.PLANNED, meeting__date__lt=meeting.date)
    )
    # Only records the person may see on the register (persons of concern where allowed).
    base = records.visible(user, queryset=Subject.objects.filter(panel_id=meeting.panel_id, status=Status.OPEN))
    base = base.exclude(pk__in=listed.values("subject_id"))
    if meeting.is_context_conference:
        base = base.exclude(kind=Kind.CHILD)
    base = base.annotate(
        last_heard=Max(
            "agenda_items__meeting__date",
            filter=Q(agenda_items__meeting__status=MeetingStatus.HELD, agenda_items__meeting__date__lt=meeting.date),
        )
    )
    accepted = Referral.objects.filter(status=ReferralStatus.ACCEPTED).select_related("referrer", "referrer_agency")
    waiting: list[Any] = list(
        base.filter(for_next_meeting=True)
        .prefetch_related(Prefetch("referrals", queryset=accepted.order_by("-decided_at"), to_attr="accepted"))
        .order_by("kind", "number")[:limit]
    )
    due_before = meeting.date - REVIEW_AFTER
    reviews: list[Any] = list(
        base.filter(for_next_meeting=False)
        .filter(kind__in=[Kind.CHILD, Kind.PERSON, Kind.LOCATION, Kind.GROUP, Kind.THEME])
        .filter(Q(last_heard__isnull=True) | Q(last_heard__lt=due_before))
        .order_by("last_heard", "kind", "number")[:limit]
    )
    groups: dict[str, CandidateGroup] = {
        s: CandidateGroup(s, str(Strand(s).label)) for s in Strand.values if s != Strand.OTHER
    }
    for subject in waiting:
        referrals = getattr(subject, "accepted", [])
        referral = referrals[0] if referrals else None
        why = (
            f"Accepted referral {referral.reference} from {referral.referrer_agency.name}"
            if referral
            else "Listed for the next meeting"
        )
        groups[STRAND_FOR_KIND[subject.kind]].referrals.append(
            Candidate(subject, ItemSource.REFERRAL if referral else ItemSource.ADDED, why, referral)
        )
    for subject in reviews:
        last = getattr(subject, "last_heard", None)
        why = f"Last heard {last:%-d %B %Y}" if last else "Not yet heard at a meeting"
        groups[STRAND_FOR_KIND[subject.kind]].reviews.append(Candidate(subject, ItemSource.REVIEW, why))
    return [g for g in groups.values() if g.referrals or g.reviews]


def listed_not_offered(user: Any, meeting: Meeting) -> list[tuple[Subject, str]]:
    """Records the register lists for the next meeting that the builder does not offer, each with
    why in plain words, so the two pages never differ silently. Persons of concern the person may
    not see stay out, and children at a context conference. Two queries."""
    subjects = records.visible(
        user, queryset=Subject.objects.filter(panel_id=meeting.panel_id, for_next_meeting=True)
    ).exclude(status=Status.MERGED)
    if meeting.is_context_conference:
        subjects = subjects.exclude(kind=Kind.CHILD)  # R24: the page says children are not listed
    listed = list(subjects.order_by("kind", "number"))
    if not listed:
        return []
    on_agendas: dict[int, Meeting] = {}
    for item in (
        AgendaItem.objects.filter(subject__in=[s.pk for s in listed])
        .filter(
            Q(meeting=meeting)
            | Q(
                meeting__panel_id=meeting.panel_id,
                meeting__status=MeetingStatus.PLANNED,
                meeting__date__lt=meeting.date,
            )
        )
        .select_related("meeting")
        .order_by("meeting__date")
    ):
        if item.subject_id is not None:
            on_agendas.setdefault(item.subject_id, item.meeting)
    result = []
    for subject in listed:
        on = on_agendas.get(subject.pk)
        if on is not None and on.pk == meeting.pk:
            why = "Already on this agenda"
        elif on is not None:
            why = f"Already on the agenda of the meeting on {on.date:%-d %B %Y}"
        elif subject.status != Status.OPEN:
            why = (
                f"{subject.get_status_display()} on the register, so not offered here. "
                "If the panel should still hear it, add it by its reference below"
            )
        else:
            continue
        result.append((subject, why))
    return result


def find_on_register(user: Any, meeting: Meeting, reference: str) -> Subject | None:
    """A record by its reference ("C-0042"), for adding anything else to the agenda."""
    from macehub.subjects.selectors import search, subjects_visible_to

    found = [s for s in search(user, meeting.panel, reference) if s.status != Status.MERGED]
    if len(found) != 1:
        return None
    subject = found[0]
    return subjects_visible_to(user).filter(pk=subject.pk).first()


# --- Invitations and agencies ----------------------------------------------------------------------


def panel_people(panel: Panel) -> list[Any]:
    """Everyone holding a panel role on this panel (invited professionals included), with the
    role and the agency (one row each)."""
    from macehub.accounts.models import Membership

    return list(
        Membership.objects.filter(panel=panel, role__in=sorted(PANEL_SCOPED_ROLES), ended_at__isnull=True)
        .filter(user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__full_name", "role")
    )


def panel_chairs(panel: Panel) -> list[Any]:
    from macehub.accounts.models import Membership, User

    ids = Membership.objects.filter(panel=panel, role="panel_chair", ended_at__isnull=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


def partnership_agencies(panel: Panel) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships=panel.partnership_id, is_active=True).order_by("name")


#: Agencies invited to the whole of an operational meeting unless the coordinator says otherwise;
#: schools, housing and others are usually asked item by item (plus the panel's quorum agencies).
DEFAULT_CORE_TYPES = frozenset(
    {
        AgencyType.POLICE,
        AgencyType.CHILDRENS_SOCIAL_CARE,
        AgencyType.HEALTH,
        AgencyType.YOUTH_JUSTICE,
        AgencyType.COMMUNITY_SAFETY,
        AgencyType.PROBATION,
    }
)


def default_core_agencies(panel: Panel) -> list[Agency]:
    types = set(DEFAULT_CORE_TYPES) | set(panel.quorum_agency_types)
    return [a for a in partnership_agencies(panel) if a.agency_type in types]


def invitations_of(meeting: Meeting) -> list[Invitation]:
    return list(
        Invitation.objects.filter(meeting=meeting)
        .select_related("user", "agency")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.only("pk", "meeting_id")))
        .order_by("user__full_name")
    )


@dataclass
class AskedAgencies:
    """Which agencies are asked to contribute to which items."""

    agencies: list[Agency]
    core_ids: frozenset[int]
    #: item id → agencies asked for that item only (item guests' agencies)
    guests: dict[int, set[int]]

    def asked(self, item_id: int, agency_id: int) -> bool:
        return agency_id in self.core_ids or agency_id in self.guests.get(item_id, set())


def asked_agencies(meeting: Meeting) -> AskedAgencies:
    """Core agencies (the whole meeting) and the agencies of people invited for single items.
    Three queries."""
    core = list(meeting.agencies.order_by("name"))
    through = Invitation.items.through
    rows = list(
        through.objects.filter(invitation__meeting_id=meeting.pk, invitation__scope=InvitationScope.ITEMS).values_list(
            "agendaitem_id", "invitation__agency_id"
        )
    )
    guests: dict[int, set[int]] = defaultdict(set)
    for item_id, agency_id in rows:
        guests[item_id].add(agency_id)
    core_ids = frozenset(a.pk for a in core)
    extra_ids = {a for ids in guests.values() for a in ids} - core_ids
    extra = list(Agency.objects.filter(pk__in=extra_ids).order_by("name")) if extra_ids else []
    return AskedAgencies(agencies=core + extra, core_ids=core_ids, guests=dict(guests))


# --- Contributions ---------------------------------------------------------------------------------


@dataclass
class GridRow:
    item: AgendaItem
    cells: list[tuple[Agency, str, Contribution | None]]

    @property
    def missing(self) -> int:
        return sum(1 for _, state, _ in self.cells if state == NOT_SENT)


@dataclass
class ContributionGrid:
    agencies: list[Agency]
    rows: list[GridRow]
    #: agency id → (missing, asked)
    totals: dict[int, tuple[int, int]]
    last_chased: dict[int, Any]

    @property
    def missing(self) -> int:
        return sum(m for m, _ in self.totals.values())

    @property
    def asked(self) -> int:
        return sum(a for _, a in self.totals.values())


def contributions_grid(user: Any, meeting: Meeting) -> ContributionGrid:
    """Item × agency: submitted, nothing held, not sent (or not asked). A fixed number of
    queries, however many items and agencies (tested with 30 × 12)."""
    items = in_agenda_order(list(items_visible_to(user, meeting)))
    asked = asked_agencies(meeting)
    contributions = {
        (c.item_id, c.agency_id): c
        for c in Contribution.objects.filter(item__in=[i.pk for i in items]).only(
            "pk", "item_id", "agency_id", "status", "submitted_at", "version"
        )
    }
    totals: dict[int, list[int]] = {a.pk: [0, 0] for a in asked.agencies}
    rows = []
    for item in items:
        cells: list[tuple[Agency, str, Contribution | None]] = []
        for agency in asked.agencies:
            if not asked.asked(item.pk, agency.pk):
                cells.append((agency, NOT_ASKED, None))
                continue
            contribution = contributions.get((item.pk, agency.pk))
            totals[agency.pk][1] += 1
            if contribution is None:
                totals[agency.pk][0] += 1
                cells.append((agency, NOT_SENT, None))
            else:
                cells.append((agency, contribution.status, contribution))
        rows.append(GridRow(item, cells))
    last_chased: dict[int, Any] = {}
    for chase in Chase.objects.filter(meeting=meeting).order_by("chased_at").only("agency_id", "chased_at"):
        last_chased[chase.agency_id] = chase.chased_at
    return ContributionGrid(
        agencies=asked.agencies,
        rows=rows,
        totals={k: (v[0], v[1]) for k, v in totals.items()},
        last_chased=last_chased,
    )


def contribution_agencies_for(user: Any, meeting: Meeting) -> list[Agency]:
    """Which agencies this person may contribute for: their own (if invited), or — for
    coordinators and chairs recording on an agency's behalf — any agency asked."""
    if meeting_records.can(user, "run", meeting):
        return asked_agencies(meeting).agencies
    invited = invitation_for(user, meeting)
    if invited is None:
        return []
    return list(Agency.objects.filter(pk=invited.agency_id))


def contributions_by_item(
    items: list[AgendaItem], *, agency_ids: set[int] | None = None
) -> dict[int, list[Contribution]]:
    from macehub.accounts.models import Membership

    # Whether the sender represents (or represented) the agency on the panel; otherwise a
    # coordinator or chair recorded it on the agency's behalf. A subquery, not a query per row.
    own_agency = Membership.objects.filter(
        user_id=OuterRef("submitted_by_id"),
        agency_id=OuterRef("agency_id"),
        panel_id=OuterRef("item__meeting__panel_id"),
    )
    qs = (
        Contribution.objects.filter(item__in=[i.pk for i in items])
        .select_related("agency", "submitted_by")
        .annotate(sent_for_own_agency=Exists(own_agency))
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    result: dict[int, list[Contribution]] = defaultdict(list)
    for c in qs.order_by("agency__name"):
        result[c.item_id].append(c)
    return result


# --- The pack --------------------------------------------------------------------------------------


@dataclass
class PackItem:
    item: AgendaItem
    contributions: list[Contribution]
    links: list[str]
    children_linked: int
    harm_types: list[str]


def pack(user: Any, meeting: Meeting, *, window: slice | None = None) -> list[PackItem]:
    """The agenda items the person may see, each with a short summary of the record (by reference,
    never by name), its current links the person may see, and the agencies' contributions.
    At a context conference, linked children are counted, never listed (R24). ``window``: only
    those items, in agenda order (one page of a very large meeting)."""
    items = in_agenda_order(list(items_visible_to(user, meeting).prefetch_related("subject__harm_types")))
    if window is not None:
        items = items[window]
    subject_ids = [i.subject_id for i in items if i.subject_id]
    links = list(
        links_visible_to(user)
        .filter(Q(source_id__in=subject_ids) | Q(target_id__in=subject_ids), ended_on__isnull=True)
        .exclude(source__status=Status.MERGED)
        .exclude(target__status=Status.MERGED)
        .select_related("source", "target")
    )
    by_subject: dict[int, list[str]] = defaultdict(list)
    children: dict[int, int] = defaultdict(int)
    for link in links:
        for this, other in ((link.source, link.target), (link.target, link.source)):
            if this.pk not in subject_ids:
                continue
            if other.kind == Kind.CHILD and meeting.is_context_conference:
                children[this.pk] += 1
                continue
            phrase = link.get_link_type_display()
            if this is link.source:
                by_subject[this.pk].append(f"{phrase} {other.safe_label}")
            else:
                by_subject[this.pk].append(f"{other.safe_label} {phrase} this record")
    contributions = contributions_by_item(items)
    result = []
    for item in items:
        harm = [h.label for h in item.subject.harm_types.all()] if item.subject_id and item.subject else []
        result.append(
            PackItem(
                item=item,
                contributions=contributions.get(item.pk, []),
                links=sorted(by_subject.get(item.subject_id or 0, [])),
                children_linked=children.get(item.subject_id or 0, 0),
                harm_types=harm,
            )
        )
    return result


# --- Attendance and quoracy ----------------------------------------------------------------------


@dataclass
class QuorumPart:
    agency_type: str
    label: str
    present: list[str]

    @property
    def met(self) -> bool:
        return bool(self.present)


@dataclass
class Quoracy:
    parts: list[QuorumPart]

    @property
    def quorate(self) -> bool:
        return all(p.met for p in self.parts)

    @property
    def missing(self) -> list[str]:
        return [p.label for p in self.parts if not p.met]


def quoracy(panel: Panel, rows: list[tuple[Agency, Attendance | None]]) -> Quoracy:
    """The panel's rule (R19): at least one agency of each required type attended or sent a deputy."""
    labels = dict(AgencyType.choices)
    parts = []
    for agency_type in panel.quorum_agency_types:
        present = [a.name for a, att in rows if a.agency_type == agency_type and att is not None and att.is_present]
        parts.append(QuorumPart(agency_type, str(labels.get(agency_type, agency_type)), present))
    return Quoracy(parts)


def attendance_rows(meeting: Meeting) -> list[tuple[Agency, Attendance | None]]:
    """Every agency expected at the meeting (core and item agencies, and any recorded), with its
    attendance if recorded. Three queries."""
    asked = asked_agencies(meeting)
    recorded = {a.agency_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("agency")}
    agencies = {a.pk: a for a in asked.agencies}
    for att in recorded.values():
        agencies.setdefault(att.agency_id, att.agency)
    return [(a, recorded.get(a.pk)) for a in sorted(agencies.values(), key=lambda a: a.name)]


# --- Actions ---------------------------------------------------------------------------------------


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


def my_actions(user: Any) -> QuerySet[Action]:
    return actions_visible_to(user).filter(owner_id=user.pk)


def agency_scope(user: Any) -> Q:
    """The actions of the person's own agency on each panel where they hold a role (a condition
    on the action itself, to combine with :func:`actions_visible_to`)."""
    profile = access_for(user)
    scope = Q(pk__in=[])
    for grant in profile.grants:
        if grant.role in PANEL_ROLES and grant.agency_id is not None:  # not an invited professional
            scope |= Q(panel_id=grant.panel_id, owner_agency_id=grant.agency_id)
    return scope


def represented_agencies(user: Any) -> QuerySet[Agency]:
    """The agencies the person represents on any panel (an invited professional's included)."""
    ids = {
        g.agency_id
        for g in access_for(user).grants
        if g.role in PANEL_SCOPED_ROLES and g.panel_id is not None and g.agency_id is not None
    }
    return Agency.objects.filter(pk__in=ids).order_by("name")


def escalated_scope(user: Any) -> Q:
    """Escalated actions of the panels the person chairs (a condition on the action)."""
    return Q(panel_id__in=chairing_panel_ids(user), escalated_at__isnull=False)


def first_chaired_panel_id(user: Any) -> int | None:
    """Where the chair's escalations are listed (the first panel they chair)."""
    chairs = chairing_panel_ids(user)
    return min(chairs) if chairs else None


def agency_actions(user: Any) -> QuerySet[Action]:
    return actions_visible_to(user).filter(agency_scope(user))


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


# --- Minutes -------------------------------------------------------------------------------------


def current_minutes(meeting: Meeting) -> Minutes | None:
    """The draft if there is one, else the approved version."""
    versions = list(Minutes.objects.filter(meeting=meeting).exclude(status=MinutesStatus.SUPERSEDED))
    drafts = [m for m in versions if m.status == MinutesStatus.DRAFT]
    return drafts[0] if drafts else (versions[0] if versions else None)


def approved_minutes(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED).select_related("approved_by").first()


def minutes_versions(meeting: Meeting) -> list[Minutes]:
    return list(Minutes.objects.filter(meeting=meeting).select_related("approved_by", "created_by").order_by("-number"))


def was_present(user: Any, meeting: Meeting) -> bool:
    """An invited person counts as an attendee if their agency attended or sent a deputy."""
    return meeting.pk in attended_meeting_ids(user)


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


# --- Quality and oversight (aggregates only) -------------------------------------------------------


@dataclass
class AgencyRecord:
    agency: Agency
    expected: int = 0
    attended: int = 0
    deputy: int = 0
    apologies: int = 0
    absent: int = 0
    actions_open: int = 0
    actions_overdue: int = 0
    actions_done: int = 0
    did_not_act: int = 0

    @property
    def present_rate(self) -> int | None:
        if not self.expected:
            return None
        return round(100 * (self.attended + self.deputy) / self.expected)


def agency_records(panel: Panel, *, since: date) -> list[AgencyRecord]:
    """Attendance and actions by agency over a period: counts only, no records. Four queries."""
    from django.db.models import Count

    from .models import CarryReason

    today = timezone.localdate()
    attendance = list(
        Attendance.objects.filter(meeting__panel=panel, meeting__status=MeetingStatus.HELD, meeting__date__gte=since)
        .values_list("agency_id", "status")
        .annotate(n=Count("pk"))
    )
    actions = list(
        Action.objects.filter(panel=panel, created_at__date__gte=since)
        .values_list("owner_agency_id")
        .annotate(
            open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=ActionStatus.OPEN, due_date__lt=today)),
            done=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        )
    )
    did_not_act = list(
        ActionReview.objects.filter(
            meeting__panel=panel, meeting__date__gte=since, reason=CarryReason.AGENCY_DID_NOT_ACT
        )
        .values_list("action__owner_agency_id")
        .annotate(n=Count("pk"))
    )
    ids = {a for a, _, _ in attendance} | {a for a, *_ in actions} | {a for a, _ in did_not_act}
    agencies = Agency.objects.in_bulk(list(ids))
    records = {pk: AgencyRecord(agency) for pk, agency in agencies.items()}
    for agency_id, status, n in attendance:
        record = records[agency_id]
        record.expected += n
        setattr(record, status, getattr(record, status) + n)
    for agency_id, open_, overdue, done in actions:
        record = records[agency_id]
        record.actions_open, record.actions_overdue, record.actions_done = open_, overdue, done
    for agency_id, n in did_not_act:
        records[agency_id].did_not_act = n
    return sorted(records.values(), key=lambda r: r.agency.name)
