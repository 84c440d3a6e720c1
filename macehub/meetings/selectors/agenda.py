"""Reads of a meeting's agenda: the items the person may see (the item policy), in agenda order, and what the
coordinator is offered when building it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet, Sum

from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.policies import records

from ..models import STRAND_FOR_KIND, STRAND_ORDER, AgendaItem, ItemSource, Meeting, MeetingStatus, Strand
from ..policies import item_records, meeting_records

#: A child (or context) open to the panel is due to come back to a meeting this long after it was last heard.
REVIEW_AFTER = timedelta(weeks=8)


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
