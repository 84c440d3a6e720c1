"""Demo meetings: a year of meetings for each demo panel, built from its register.

Attendance follows realistic patterns (police and children's social care nearly always there,
health and probation often not, so some meetings are not quorate); agencies send most of their
contributions; every past meeting has minutes (the latest still a draft waiting for the chair);
actions are in every state — completed, carried forward because circumstances changed or
because the agency did not act (one agency often enough to be escalated), no longer needed,
open, overdue. The next meeting has its agenda built, invitations sent and contributions
half in (health and education have not replied); the one after is scheduled and empty.

Everything is invented. Idempotent: a panel that already has meetings is left alone.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from macehub.core.access import GUEST_ROLES
from macehub.core.demo import DemoContext
from macehub.organisations.models import AgencyType, Cadence
from macehub.subjects.models import Kind, Status, Subject

from .models import (
    STRAND_FOR_KIND,
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    Answer,
    Attendance,
    AttendanceStatus,
    CarryReason,
    Chairing,
    Contribution,
    ContributionStatus,
    Feedback,
    Invitation,
    InvitationScope,
    ItemMinute,
    ItemSource,
    Meeting,
    MeetingStatus,
    MeetingType,
    Minutes,
    MinutesStatus,
    ReviewOutcome,
)
from .selectors.attendance import attendance_rows, quoracy
from .selectors.invitations import default_core_agencies, panel_people, partnership_agencies
from .services.common import next_dates
from .services.minutes import drafted_text, minutes_structure

PANELS: dict[str, dict[str, Any]] = {
    "lambeth": {
        "coordinator": "user:amara",
        "chairs": ["user:grace", "user:rob"],
        "venue": "Lambeth Town Hall, room 4",
    },
    "city-hackney": {"coordinator": "user:ben", "chairs": [], "venue": "Hackney Service Centre"},
    "kingston-richmond": {"coordinator": "user:joy", "chairs": ["user:joy"], "venue": "Guildhall, Kingston"},
}
#: Chance that an agency attends, sends a deputy, gives apologies (otherwise it is absent).
PATTERNS: dict[str, tuple[float, float, float]] = {
    AgencyType.POLICE: (0.88, 0.1, 0.02),
    AgencyType.CHILDRENS_SOCIAL_CARE: (0.9, 0.08, 0.02),
    AgencyType.HEALTH: (0.62, 0.28, 0.07),
    AgencyType.YOUTH_JUSTICE: (0.75, 0.1, 0.1),
    AgencyType.COMMUNITY_SAFETY: (0.55, 0.1, 0.2),
    AgencyType.PROBATION: (0.3, 0.05, 0.3),
    AgencyType.EDUCATION: (0.72, 0.16, 0.08),
}
DISCUSSIONS = [
    "Two missing episodes since the last meeting; returned both times with new clothes and cash. School reports "
    "attendance has fallen to 60%. Return home interview completed: mentioned a new older friend and a flat.",
    "Seen with older males at the station on three evenings. Phone contacts not explained. Mother worried and "
    "engaging well with the family support worker.",
    "Found out of area with a quantity of drugs and a second phone; released under investigation. Says he owes "
    "money. NRM referral made by children's social care.",
    "Things have settled: no missing episodes for six weeks, back at college, good relationship with the youth "
    "worker. Contact with the older associate has stopped.",
    "New intelligence links the child to the cuckooed flat. Placement provider reports late returns and gifts "
    "nobody can account for.",
    "Disclosed being pressured to hold a knife for an older boy; frightened travelling between estates. Safety "
    "plan agreed with the school.",
]
CONTEXT_DISCUSSIONS = [
    "Patrols increased after the last meeting; fewer reports of groups gathering, but activity has moved to the "
    "side entrance. Community safety has fitted extra lighting.",
    "Housing has served a closure notice; no children seen entering since. Neighbours still report late visitors.",
    "Pattern continues across two schools: recruitment through a gaming chat, then moved to private messages.",
]
DECISIONS = [
    "Keep open at panel; risk level confirmed. Strategy discussion to be requested.",
    "Keep open; review at the next meeting with the return home interview findings.",
    "Step down to early help with the youth worker; review in eight weeks.",
    "Disruption: police to increase patrols and community safety to visit the premises.",
    "Refer to the National Referral Mechanism; children's social care to lead.",
    "Keep open; safety plan with the school and a referral to the voluntary-sector youth project.",
]
ACTIONS: dict[str, list[str]] = {
    AgencyType.POLICE: [
        "Share police intelligence about the associate with the allocated social worker.",
        "Increase patrols at the location after school and report back.",
        "Complete a disruption plan for the address with housing.",
    ],
    AgencyType.CHILDRENS_SOCIAL_CARE: [
        "Request a strategy discussion and share the outcome with the panel.",
        "Update the exploitation risk assessment with the new information.",
        "Contact the placing authority about the placement and the late returns.",
    ],
    AgencyType.HEALTH: [
        "Check health records for sexual health or A&E attendances and report to the coordinator.",
        "Ask the school nurse to offer a health check.",
    ],
    AgencyType.YOUTH_JUSTICE: [
        "Complete the return home interview within 72 hours of the next return and share what is learned.",
        "Offer a youth worker from the voluntary sector and record whether it is taken up.",
    ],
    AgencyType.COMMUNITY_SAFETY: [
        "Visit the location with the police and report back on disruption options.",
        "Request CCTV for the location and share what it shows.",
    ],
    AgencyType.PROBATION: [
        "Tell the associate's offender manager about the concerns and report back on licence conditions.",
    ],
}
CONTRIBUTIONS = {
    AgencyType.POLICE: "Two intelligence reports in the last month linking the record to older males in a grey car; "
    "one stop and search, nothing found.",
    AgencyType.CHILDRENS_SOCIAL_CARE: "Open to the adolescent safeguarding team; child in need plan; last visit "
    "ten days ago. Family engaging.",
    AgencyType.HEALTH: "One A&E attendance (minor injury) in the last three months; registered with a GP; no sexual "
    "health contact.",
    AgencyType.YOUTH_JUSTICE: "Known for a previous out-of-court disposal; attending sessions, mentions pressure "
    "from older boys.",
    AgencyType.COMMUNITY_SAFETY: "Anti-social behaviour reports near the location; CCTV requested.",
    AgencyType.PROBATION: "An associate is on licence; the offender manager has been told of the concerns.",
    AgencyType.EDUCATION: "Attendance 62% this term; staff have seen an expensive new phone; two fixed-term "
    "suspensions.",
}
COMMENTS = [
    "Good focus on exploitation; one item drifted into case management.",
    "Actions clear, but health were not there for two of our children.",
    "Well chaired and kept to time.",
    "Would help to have the contributions a day earlier.",
    "Location items were the most useful part: real disruption ideas.",
    "Too many reviews with nothing new; could some be taken by exception?",
    "The chair made sure every action had an owner and a date.",
    "Ran 20 minutes over; the last items were rushed.",
    "Good to hear from the school directly.",
    "Probation absent again, so we could not agree the action on the associate.",
]


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The ``nth`` (0-based) ``weekday`` of a month (months beyond 12 or below 1 roll over);
    the last one where the month has fewer."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * nth)
    while day.month != month:
        day -= timedelta(days=7)
    return day


class _Panel:
    def __init__(self, ctx: DemoContext, key: str, panel: Any) -> None:
        self.ctx = ctx
        self.key = key
        self.panel = panel
        self.rng = random.Random(f"meetings-{key}")
        # Contributions draw from their own stream, so attendance and actions do not depend on them.
        self.contribution_rng = random.Random(f"meetings-{key}-contributions")
        self.now = timezone.now()
        self.today = timezone.localdate()
        settings = PANELS[key]
        self.coordinator = ctx.objects.get(settings["coordinator"])
        self.chairs = [c for c in (ctx.objects.get(k) for k in settings["chairs"]) if c is not None]
        self.venue = settings["venue"]
        self.core = default_core_agencies(panel)
        self.agencies = list(partnership_agencies(panel))
        members = panel_people(panel)
        self.people = [m for m in members if m.role not in GUEST_ROLES]
        self.guests = [m for m in members if m.role in GUEST_ROLES]
        self.member_ids = {m.user_id for m in self.people}
        self.by_agency: dict[int, Any] = {}
        for membership in self.people:
            self.by_agency.setdefault(membership.agency_id, membership.user)
        # Who records a contribution on behalf of an agency with nobody on the panel: a
        # coordinator or chair (as the service allows), never a member of another agency.
        self.recorder = next(
            (m.user for m in self.people if m.role in ("coordinator", "panel_chair") and m.user == self.coordinator),
            next((m.user for m in self.people if m.role in ("coordinator", "panel_chair")), None),
        )
        register = ctx.objects.get(f"register:{key}", {})
        self.children = [c for c in register.get("children", []) if c.status != Status.MERGED]
        self.locations = list(register.get("locations", []))
        self.groups = list(register.get("groups", []))
        self.persons = list(register.get("persons", []))
        self.themes = list(Subject.objects.filter(panel=panel, kind=Kind.THEME).order_by("number"))
        self.action_number = 0
        self.open_actions: list[Action] = []

    # --- Building blocks --------------------------------------------------------------------

    def meeting(self, day: date, *, upcoming: bool = False, **values: Any) -> Meeting:
        chair = self.chairs[0] if self.chairs else None
        co_chair = self.chairs[1] if len(self.chairs) > 1 else None
        meeting = Meeting.objects.create(
            panel=self.panel,
            date=day,
            start_time=time(10, 0),
            end_time=time(12, 0),
            venue=self.venue if day.toordinal() % 3 else "",
            online_link="https://teams.example.invalid/l/meetup-join/demo" if day.toordinal() % 3 != 1 else "",
            chairing=Chairing.CO_CHAIRED if co_chair else Chairing.SINGLE,
            chair=chair,
            co_chair=co_chair,
            contributions_due=day - timedelta(days=2),
            created_by=self.coordinator,
            updated_by=self.coordinator,
            **values,
        )
        meeting.agencies.set(self.core)
        core_ids = {a.pk for a in self.core}
        seen: set[int] = set()
        invitations = []
        for membership in self.people:
            if membership.user_id in seen:
                continue
            if membership.role in ("coordinator", "panel_chair") or membership.agency_id in core_ids:
                seen.add(membership.user_id)
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        user_id=membership.user_id,
                        agency_id=membership.agency_id,
                        scope=InvitationScope.WHOLE,
                        sent_at=self.invitations_sent(day, upcoming=upcoming),
                    )
                )
        Invitation.objects.bulk_create(invitations)
        return meeting

    def agenda(self, meeting: Meeting, subjects: Iterable[Subject]) -> list[AgendaItem]:
        from macehub.referrals.models import Referral, ReferralStatus

        subjects = list(dict.fromkeys(subjects))
        heard_before = set(
            AgendaItem.objects.filter(meeting__panel=self.panel, subject__in=subjects).values_list(
                "subject_id", flat=True
            )
        )
        referrals = {
            s.pk: r
            for r in Referral.objects.filter(panel=self.panel, status=ReferralStatus.ACCEPTED).prefetch_related(
                "subjects"
            )
            for s in r.subjects.all()
        }
        items = []
        for position, subject in enumerate(subjects, start=1):
            new = subject.pk not in heard_before
            referral = referrals.get(subject.pk) if new else None
            items.append(
                AgendaItem(
                    meeting=meeting,
                    strand=STRAND_FOR_KIND[subject.kind],
                    subject=subject,
                    referral=referral,
                    position=position,
                    minutes_allowed=10 if new else 5,
                    source=ItemSource.REFERRAL if referral else ItemSource.REVIEW if not new else ItemSource.ADDED,
                    presenter=referral.referrer if referral and referral.referrer_id in self.member_ids else None,
                    presenter_agency=referral.referrer_agency if referral else None,
                    created_by=self.coordinator,
                    updated_by=self.coordinator,
                )
            )
        return AgendaItem.objects.bulk_create(items)

    def pick_subjects(self, index: int) -> list[Subject]:
        rng = self.rng
        # Children listed for the next meeting (accepted referrals) have not been heard yet.
        children = [c for c in self.children if c.status == Status.OPEN and not c.for_next_meeting] or self.children
        start = (index * 5) % max(len(children), 1)
        chosen = (children[start:] + children[:start])[: rng.randint(7, 11)]
        others: list[Subject] = []
        if self.locations:
            others.append(self.locations[index % len(self.locations)])
        if self.groups and index % 2 == 0:
            others.append(self.groups[index % len(self.groups)])
        if self.themes and index % 3 == 0:
            others.append(self.themes[index % len(self.themes)])
        if self.persons and index % 2 == 1:
            others.append(self.persons[index % len(self.persons)])
        return chosen + others

    def invitations_sent(self, day: date, *, upcoming: bool = False) -> datetime | None:
        """A week before the meeting (the next meeting's by yesterday at the latest), or not yet
        sent if that is still to come."""
        sent = timezone.make_aware(datetime.combine(day - timedelta(days=7), time(9, 0)))
        if upcoming:
            sent = min(sent, (self.now - timedelta(days=1)).replace(second=0, microsecond=0))
        return sent if sent < self.now else None

    def contribution_sent(self, meeting: Meeting) -> datetime:
        """Some time after the invitations went out and before both the meeting and now."""
        latest = min(timezone.make_aware(datetime.combine(meeting.date, meeting.start_time)), self.now)
        latest -= timedelta(hours=1)
        earliest = min(self.invitations_sent(meeting.date, upcoming=True) or latest, latest)
        sent = earliest + (latest - earliest) * self.contribution_rng.random()
        return sent.replace(second=0, microsecond=0)

    def contributions(
        self, items: list[AgendaItem], *, coverage: float, missing_types: frozenset[str] = frozenset()
    ) -> None:
        rows = []
        for item in items:
            for agency in self.core:
                if agency.agency_type in missing_types or self.contribution_rng.random() > coverage:
                    continue
                # Sent by someone representing the agency on the panel or, where the demo has
                # nobody from the agency, recorded on its behalf by a coordinator or chair.
                submitted_by = self.by_agency.get(agency.pk) or self.recorder
                if submitted_by is None:
                    continue  # nobody in the demo could have sent or recorded it
                held = self.contribution_rng.random() < 0.6 or item.subject is None
                text = CONTRIBUTIONS.get(AgencyType(agency.agency_type), "Information shared at the meeting.")
                rows.append(
                    Contribution(
                        item=item,
                        agency=agency,
                        status=ContributionStatus.SUBMITTED if held else ContributionStatus.NOTHING_HELD,
                        text=f"{text} (Fictional demo contribution.)" if held else "",
                        submitted_by=submitted_by,
                        submitted_at=self.contribution_sent(item.meeting),
                        created_by=submitted_by,
                        updated_by=submitted_by,
                    )
                )
        Contribution.objects.bulk_create(rows)

    def attendance(self, meeting: Meeting) -> None:
        rows = []
        for agency in self.core:
            attended, deputy, apologies = PATTERNS.get(AgencyType(agency.agency_type), (0.6, 0.1, 0.2))
            roll = self.rng.random()
            status = (
                AttendanceStatus.ATTENDED
                if roll < attended
                else AttendanceStatus.DEPUTY
                if roll < attended + deputy
                else AttendanceStatus.APOLOGIES
                if roll < attended + deputy + apologies
                else AttendanceStatus.ABSENT
            )
            person = self.by_agency.get(agency.pk)
            rows.append(
                Attendance(
                    meeting=meeting,
                    agency=agency,
                    status=status,
                    representative=person.full_name if person and status == AttendanceStatus.ATTENDED else "",
                    created_by=self.coordinator,
                    updated_by=self.coordinator,
                )
            )
        Attendance.objects.bulk_create(rows)

    def record(self, items: list[AgendaItem]) -> None:
        for item in items:
            subject = item.subject
            contextual = subject is not None and subject.kind != Kind.CHILD
            item.discussion = self.rng.choice(CONTEXT_DISCUSSIONS if contextual else DISCUSSIONS)
            item.decisions = self.rng.choice(DECISIONS)
            item.risk_decided = subject.risk_level if subject is not None and subject.kind == Kind.CHILD else ""
        AgendaItem.objects.bulk_update(items, ["discussion", "decisions", "risk_decided"])

    def owner_for(self, agency: Any) -> Any:
        return self.by_agency.get(agency.pk)

    def new_actions(self, meeting: Meeting, items: list[AgendaItem]) -> None:
        chosen = self.rng.sample(items, min(len(items), self.rng.randint(3, 6)))
        for item in chosen:
            agency = self.rng.choice(self.core)
            if item.subject is not None and item.subject.kind == Kind.PERSON:
                agency = next((a for a in self.core if a.agency_type == AgencyType.POLICE), agency)
            self.action_number += 1
            action = Action.objects.create(
                panel=self.panel,
                number=self.action_number,
                meeting=meeting,
                item=item,
                subject=item.subject,
                description=self.rng.choice(ACTIONS.get(AgencyType(agency.agency_type), ACTIONS[AgencyType.POLICE])),
                owner_agency=agency,
                owner=self.owner_for(agency),
                due_date=meeting.date + timedelta(days=self.rng.randint(4, 21)),
                created_by=self.coordinator,
                updated_by=self.coordinator,
            )
            Action.objects.filter(pk=action.pk).update(
                created_at=timezone.make_aware(datetime.combine(meeting.date, time(11, 30)))
            )
            self.open_actions.append(action)

    def stubborn_action(self, meeting: Meeting, items: list[AgendaItem]) -> None:
        """One action the owning agency (health, where it is a core member) does not act on at the
        next two meetings, so it is escalated to the chair: the story the quality page tells."""
        agency = next(
            (a for a in self.core if a.agency_type == AgencyType.HEALTH),
            next((a for a in self.core if a.agency_type != AgencyType.POLICE), self.core[0]),
        )
        item = next((i for i in items if i.subject is not None and i.subject.kind == Kind.CHILD), items[0])
        self.action_number += 1
        action = Action.objects.create(
            panel=self.panel,
            number=self.action_number,
            meeting=meeting,
            item=item,
            subject=item.subject,
            description=ACTIONS.get(AgencyType(agency.agency_type), ACTIONS[AgencyType.HEALTH])[0],
            owner_agency=agency,
            owner=self.owner_for(agency),
            due_date=meeting.date + timedelta(days=7),
            created_by=self.coordinator,
            updated_by=self.coordinator,
        )
        action._stubborn = True  # type: ignore[attr-defined]
        self.open_actions.append(action)

    def make_some_overdue(self, meeting: Meeting) -> None:
        """Two actions from the latest meeting are already overdue; one is the police's (DCI Rob checks
        his agency's before the next meeting)."""
        due = max(meeting.date + timedelta(days=2), self.today - timedelta(days=2))
        if due >= self.today:
            return
        police = next((a for a in self.core if a.agency_type == AgencyType.POLICE), None)
        latest = [a for a in self.open_actions if a.meeting_id == meeting.pk][:2]
        for n, action in enumerate(latest):
            action.due_date = due
            if n == 0 and police is not None and (action.subject is None or action.subject.kind != Kind.PERSON):
                action.owner_agency = police
                action.owner = self.owner_for(police)
            action.save(update_fields=["due_date", "owner_agency", "owner"])

    def review_actions(self, meeting: Meeting) -> None:
        """Every open action agreed at an earlier meeting is decided about."""
        still_open = []
        for action in self.open_actions:
            roll = self.rng.random()
            slow = action.owner_agency.agency_type in (AgencyType.HEALTH, AgencyType.PROBATION)
            when = timezone.make_aware(datetime.combine(meeting.date, time(11, 0)))
            stuck = action.escalated_at is not None or getattr(action, "_did_not_act", False)
            outcome: str
            reason: str
            if getattr(action, "_stubborn", False) or (
                stuck and slow and action.times_carried_forward < 4 and self.rng.random() < 0.5
            ):
                # An agency that has not acted once often still has not: this is what escalation is for.
                outcome, reason = ReviewOutcome.CARRIED_FORWARD, CarryReason.AGENCY_DID_NOT_ACT
            elif roll < (0.45 if slow else 0.7):
                outcome, reason = ReviewOutcome.COMPLETED, ""
            elif roll < (0.55 if slow else 0.78):
                outcome, reason = ReviewOutcome.CARRIED_FORWARD, CarryReason.CIRCUMSTANCES_CHANGED
            elif roll < (0.65 if slow else 0.88):
                outcome, reason = ReviewOutcome.CARRIED_FORWARD, CarryReason.IN_PROGRESS
            elif roll < 0.95:
                outcome, reason = ReviewOutcome.CARRIED_FORWARD, CarryReason.AGENCY_DID_NOT_ACT
            else:
                outcome, reason = ReviewOutcome.NO_LONGER_NEEDED, ""
            new_due = meeting.date + timedelta(days=self.rng.randint(5, 14)) if reason else None
            ActionReview.objects.create(
                action=action,
                meeting=meeting,
                outcome=outcome,
                reason=reason,
                note="Circumstances changed: the child has moved placement."
                if reason == CarryReason.CIRCUMSTANCES_CHANGED
                else "No update received from the agency."
                if reason == CarryReason.AGENCY_DID_NOT_ACT
                else "",
                previous_due_date=action.due_date,
                new_due_date=new_due,
                created_by=self.coordinator,
                updated_by=self.coordinator,
            )
            action._did_not_act = reason == CarryReason.AGENCY_DID_NOT_ACT  # type: ignore[attr-defined]
            if outcome == ReviewOutcome.CARRIED_FORWARD and new_due is not None:
                action.due_date = new_due
                action.times_carried_forward += 1
                if (
                    reason == CarryReason.AGENCY_DID_NOT_ACT
                    and action.escalated_at is None
                    and self.escalates(action, meeting)
                ):
                    action.escalated_at = when
                action.save(update_fields=["due_date", "times_carried_forward", "escalated_at"])
                still_open.append(action)
            else:
                action.status = (
                    ActionStatus.COMPLETED if outcome == ReviewOutcome.COMPLETED else ActionStatus.NO_LONGER_NEEDED
                )
                action.completed_at = when
                action.completion_note = (
                    "Done and shared with the panel."
                    if outcome == ReviewOutcome.COMPLETED
                    else "The child has moved out of area."
                )
                action.save(update_fields=["status", "completed_at", "completion_note"])
        self.open_actions = still_open

    def escalates(self, action: Action, meeting: Meeting) -> bool:
        """The same rule as the service: twice on this action, or three times for the agency in six months."""
        from .services.actions import ESCALATE_ACTION_AFTER, ESCALATE_AGENCY_AFTER, ESCALATION_WINDOW

        reviews = ActionReview.objects.filter(reason=CarryReason.AGENCY_DID_NOT_ACT)
        return (
            reviews.filter(action=action).count() >= ESCALATE_ACTION_AFTER
            or reviews.filter(
                action__panel=self.panel,
                action__owner_agency_id=action.owner_agency_id,
                meeting__date__gte=meeting.date - ESCALATION_WINDOW,
            ).count()
            >= ESCALATE_AGENCY_AFTER
        )

    def minutes(self, meeting: Meeting, items: list[AgendaItem], *, approve: bool) -> None:
        minutes = Minutes.objects.create(
            meeting=meeting,
            number=1,
            opening="Introductions and apologies. The chair reminded everyone that the meeting is confidential.",
            created_by=self.coordinator,
            updated_by=self.coordinator,
        )
        ItemMinute.objects.bulk_create(
            ItemMinute(minutes=minutes, item=item, text=drafted_text(item), created_by=self.coordinator)
            for item in items
        )
        if approve:
            Minutes.objects.filter(pk=minutes.pk).update(
                status=MinutesStatus.APPROVED,
                # City and Hackney has no demo chair account: its coordinator stands in.
                approved_by=self.chairs[0] if self.chairs else self.coordinator,
                approved_at=timezone.make_aware(datetime.combine(meeting.date + timedelta(days=2), time(16, 0))),
                distributed_at=timezone.make_aware(datetime.combine(meeting.date + timedelta(days=3), time(9, 0))),
                snapshot=minutes_structure(meeting),
            )

    def feedback(self, meeting: Meeting) -> None:
        rows = []
        invited = Invitation.objects.filter(meeting=meeting).values_list("user_id", flat=True)
        for user_id in invited:
            if self.rng.random() < 0.5:
                continue
            rows.append(
                Feedback(
                    meeting=meeting,
                    user_id=user_id,
                    focused=self.rng.choice([Answer.YES, Answer.YES, Answer.YES, Answer.PARTLY]),
                    clear_actions=self.rng.choice([Answer.YES, Answer.YES, Answer.PARTLY, Answer.NO]),
                    effective_chairing=self.rng.choice([Answer.YES, Answer.YES, Answer.YES, Answer.PARTLY]),
                    comment=self.rng.choice(COMMENTS) if self.rng.random() < 0.2 else "",
                )
            )
        Feedback.objects.bulk_create(rows)

    # --- The year ----------------------------------------------------------------------------

    def dates(self) -> tuple[list[date], list[date]]:
        """Past meeting dates over the last year, and the next two, on the panel's cadence."""
        cadence = self.panel.cadence
        step = {Cadence.WEEKLY: 7, Cadence.FORTNIGHTLY: 14, Cadence.EVERY_FOUR_WEEKS: 28, Cadence.SIX_WEEKLY: 42}
        if cadence in step:
            days = step[Cadence(cadence)]
            # The next meeting is a Thursday within the cadence (Amara's Thursday).
            upcoming = self.today + timedelta(days=(3 - self.today.weekday()) % 7 or 7)
            first = upcoming - timedelta(days=days * (364 // days))
            all_dates = next_dates(cadence, first, 364 // days + 2)
        else:
            # Monthly and quarterly demo meetings keep a weekday, not a day of the month: the same
            # Thursday of the month as the next meeting (the first, second… or, after the fourth,
            # the last), so none falls at a weekend.
            upcoming = self.today + timedelta(days=(3 - self.today.weekday()) % 7 or 7)
            months = 3 if cadence == Cadence.QUARTERLY else 1
            count = 6 if cadence == Cadence.QUARTERLY else 15
            nth = (upcoming.day - 1) // 7
            all_dates = [
                _nth_weekday(upcoming.year, upcoming.month + months * i, upcoming.weekday(), nth)
                for i in range(-(12 // months), count - 12 // months)
            ]
        past = [d for d in all_dates if d < self.today]
        future = [d for d in all_dates if d >= self.today][:2]
        return past, future

    def seed(self) -> None:
        past, future = self.dates()
        closed_by = self.coordinator
        for index, day in enumerate(past):
            meeting_type = MeetingType.CONTEXT if index % 6 == 5 else MeetingType.OPERATIONAL
            meeting = self.meeting(day)
            subjects = self.pick_subjects(index)
            if meeting_type == MeetingType.CONTEXT:
                subjects = [s for s in subjects if s.kind != Kind.CHILD] or self.locations[:2]
                Meeting.objects.filter(pk=meeting.pk).update(meeting_type=meeting_type)
                meeting.meeting_type = meeting_type
            items = self.agenda(meeting, subjects)
            self.contributions(items, coverage=0.85)
            self.attendance(meeting)
            self.record(items)
            self.review_actions(meeting)
            self.new_actions(meeting, items)
            if index == len(past) - 3:
                self.stubborn_action(meeting, items)
            quorum = quoracy(self.panel, attendance_rows(meeting))
            Meeting.objects.filter(pk=meeting.pk).update(
                status=MeetingStatus.HELD,
                quorate=quorum.quorate,
                closed_at=timezone.make_aware(datetime.combine(day, time(12, 5))),
                closed_by=closed_by,
                invitations_sent_at=timezone.make_aware(datetime.combine(day - timedelta(days=7), time(9, 0))),
            )
            meeting.refresh_from_db()
            self.minutes(meeting, items, approve=index < len(past) - 1)
            if index < len(past) - 1:
                self.feedback(meeting)
            else:
                self.make_some_overdue(meeting)
        if not future:
            return
        # The next meeting: reviews on the agenda, invitations sent, contributions half in. The
        # accepted referrals waiting to be heard are left for the coordinator to add in the builder.
        upcoming = self.meeting(future[0], upcoming=True)
        Meeting.objects.filter(pk=upcoming.pk).update(
            invitations_sent_at=self.invitations_sent(future[0], upcoming=True)
        )
        items = self.agenda(upcoming, self.pick_subjects(len(past)))
        school = next((a for a in self.agencies if a.agency_type == AgencyType.EDUCATION), None)
        school_rep = self.by_agency.get(school.pk) if school else None
        if school is not None and school_rep is not None and school.pk not in {a.pk for a in self.core}:
            # The school's safeguarding lead is asked about two children at her school only.
            invitation = Invitation.objects.create(
                meeting=upcoming,
                user=school_rep,
                agency=school,
                scope=InvitationScope.ITEMS,
                sent_at=self.invitations_sent(future[0], upcoming=True),
            )
            invitation.items.add(*[i for i in items if i.subject and i.subject.kind == Kind.CHILD][:2])
        place = next((i for i in items if i.subject and i.subject.kind == Kind.LOCATION), items[0] if items else None)
        for guest in self.guests:
            if place is None:
                break
            # A professional from outside the panel (a housing officer) asked about one place only (R21).
            invitation = Invitation.objects.create(
                meeting=upcoming,
                user=guest.user,
                agency=guest.agency,
                scope=InvitationScope.ITEMS,
                sent_at=self.invitations_sent(future[0], upcoming=True),
            )
            invitation.items.add(place)
        self.contributions(items, coverage=0.9, missing_types=frozenset({AgencyType.HEALTH, AgencyType.EDUCATION}))
        if len(future) > 1:
            self.meeting(future[1])

    def summary(self) -> str:
        meetings = Meeting.objects.filter(panel=self.panel)
        actions = Action.objects.filter(panel=self.panel)
        return (
            f"{self.panel.name} meetings: {meetings.filter(status=MeetingStatus.HELD).count()} held "
            f"({meetings.filter(quorate=False).count()} not quorate), "
            f"{meetings.filter(status=MeetingStatus.PLANNED).count()} planned; actions: "
            f"{actions.filter(status=ActionStatus.OPEN).count()} open "
            f"({actions.filter(status=ActionStatus.OPEN, due_date__lt=self.today).count()} overdue, "
            f"{actions.filter(~Q(escalated_at=None), status=ActionStatus.OPEN).count()} escalated), "
            f"{actions.filter(status=ActionStatus.COMPLETED).count()} completed"
        )


def seed(ctx: DemoContext) -> None:
    for key in PANELS:
        panel = ctx.objects.get(f"panel:{key}")
        if panel is None or Meeting.objects.filter(panel=panel).exists():
            continue
        builder = _Panel(ctx, key, panel)
        builder.seed()
        ctx.log.append(builder.summary())
