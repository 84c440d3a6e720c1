"""Records for the self-assessment evidence tests (``macehub.review.evidence``), made directly.

``evidence_records(world, copies)`` adds ``copies`` copies of one varied block of records to
partnership A, dated in the year ``PERIOD`` (1 April 2025 to 31 March 2026), plus records that
must not count: on partnership B, before the period, or merged. Each copy has:

* a child, a person of concern, a location and a group on the register (and a merged person);
* meetings: two held (one quorate and co-chaired with the agenda sent 7 days ahead and minutes
  approved and distributed within days; one not quorate with the agenda sent 2 days ahead and
  minutes approved after 20 days), one cancelled, one held in the last quarter about the person
  of concern, one held before the period;
* attendance of police, children's social care and a school; contributions (one before the
  meeting, one on the day); feedback from two members;
* four actions (on time, late, overdue and escalated, not yet due), two carried forward;
* two escalations (one answered), three returns from missing (one interview within 72 hours),
  two NRM decisions (one on time), a plan with one review date met and one missed, three
  referrals (one about a location; one discussed 9 days after it came in), an alert review and
  disruption against the person of concern.

The first copy also adds two quarterly releases (one on time) and an implementation plan with
one action closed on time, one closed late and one open; and two audited dashboard exports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record
from macehub.casework.models import (
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    Plan,
    PlanReview,
    ReturnInterview,
)
from macehub.meetings.models import (
    Action,
    ActionReview,
    AgendaItem,
    Attendance,
    Chairing,
    Contribution,
    Feedback,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Strand,
)
from macehub.oversight.models import Release
from macehub.referrals.models import Referral
from macehub.review.models import ImplementationAction, Recommendation, ReviewRound
from macehub.subjects.models import AlertReview, Kind, Status, Subject
from tests.subjects.factories import make_subject

PERIOD = (date(2025, 4, 1), date(2026, 3, 31))


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _meeting(panel: Any, day: date, status: str = MeetingStatus.HELD, **values: Any) -> Meeting:
    values.setdefault("venue", "Town hall")
    if status == MeetingStatus.HELD:
        values.setdefault("closed_at", at(day, 16))
    if status == MeetingStatus.CANCELLED:
        values.setdefault("cancel_reason", "Chair unwell")
    return Meeting.objects.create(panel=panel, date=day, start_time=time(10, 0), status=status, **values)


def _item(meeting: Meeting, strand: str, subject: Any = None, **values: Any) -> AgendaItem:
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    if subject is None:
        values.setdefault("title", "Theme: recruitment online")
    return AgendaItem.objects.create(meeting=meeting, strand=strand, subject=subject, position=position, **values)


def _minutes(meeting: Meeting, approved: int | None, distributed: int | None) -> None:
    minutes = Minutes.objects.create(meeting=meeting, number=1)
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.APPROVED if approved is not None else MinutesStatus.DRAFT,
        approved_by=meeting.chair if approved is not None else None,
        approved_at=at(meeting.date + timedelta(days=approved)) if approved is not None else None,
        distributed_at=at(meeting.date + timedelta(days=distributed)) if distributed is not None else None,
    )


def _action(panel: Any, meeting: Meeting, agency: Any, due: date, **values: Any) -> Action:
    number = (Action.objects.filter(panel=panel).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return Action.objects.create(
        panel=panel, number=number, meeting=meeting, description="Do it", owner_agency=agency, due_date=due, **values
    )


def _referral(world: Any, panel: Any, subject_type: str, status: str, day: date) -> Referral:
    number = (
        Referral.objects.filter(panel=panel).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    names: dict[str, Any] = (
        {"given_names": "Ref", "family_name": f"Child{number}", "age_band": "14_15"}
        if subject_type == "child"
        else {"name": f"Place {number}"}
    )
    referral = Referral.objects.create(
        panel=panel,
        number=number,
        subject_type=subject_type,
        referrer=world.user("member_a_education"),
        referrer_agency=world.agencies["education_a"],
        route="front_door",
        concerns="Seen with older males",
        status=status,
        decision_reason="" if status == "submitted" else "Checked against the criteria",
        decided_at=None if status == "submitted" else at(day, 12),
        **names,
    )
    Referral.objects.filter(pk=referral.pk).update(created_at=at(day, 9))
    return referral


def _block(world: Any, panel: Any, i: int) -> None:
    police, csc, school = world.agencies["police_a"], world.agencies["csc_a"], world.agencies["education_a"]
    chair, member = world.user("chair_a"), world.user("member_a")
    child = make_subject(panel, Kind.CHILD)
    child2 = make_subject(panel, Kind.CHILD)
    person = make_subject(panel, Kind.PERSON)
    location = make_subject(panel, Kind.LOCATION)
    group = make_subject(panel, Kind.GROUP)
    merged = make_subject(panel, Kind.PERSON, status=Status.MERGED, merged_into=person)
    Subject.objects.filter(pk__in=[child.pk, child2.pk, person.pk, location.pk, group.pk, merged.pk]).update(
        created_at=at(date(2025, 1, 2))
    )

    d1, d2 = date(2025, 5, 10) + timedelta(days=i), date(2025, 9, 10) + timedelta(days=i)
    m1 = _meeting(
        panel,
        d1,
        quorate=True,
        chairing=Chairing.CO_CHAIRED,
        chair=chair,
        co_chair=world.user("coordinator_a"),
        invitations_sent_at=at(d1 - timedelta(days=7)),
    )
    m1.agencies.set([police, csc])
    m2 = _meeting(panel, d2, quorate=False, chair=chair, invitations_sent_at=at(d2 - timedelta(days=2)))
    m2.agencies.set([police, csc])
    _meeting(panel, date(2025, 7, 10) + timedelta(days=i), status=MeetingStatus.CANCELLED)
    m_recent = _meeting(panel, date(2026, 2, 10) + timedelta(days=i), quorate=True)
    before = _meeting(panel, date(2025, 3, 15), quorate=True)
    _item(before, Strand.LOCATIONS, location)

    child_item = _item(m1, Strand.CHILDREN, child, decisions="Keep open")
    _item(m1, Strand.PERSONS, person, decisions="Share with police")
    _item(m2, Strand.LOCATIONS, location, decisions="Patrols")
    _item(m2, Strand.THEMES)
    _item(m2, Strand.GROUPS, group)
    _item(m_recent, Strand.PERSONS, person)
    _minutes(m1, approved=5, distributed=6)
    _minutes(m2, approved=20, distributed=None)

    for meeting, statuses in ((m1, ("attended", "deputy", "attended")), (m2, ("absent", "attended", "apologies"))):
        for agency, status in zip((police, csc, school), statuses, strict=True):
            Attendance.objects.create(meeting=meeting, agency=agency, status=status)
    Contribution.objects.create(
        item=child_item,
        agency=police,
        status="submitted",
        text="Known",
        submitted_by=member,
        submitted_at=at(d1 - timedelta(days=2)),
    )
    Contribution.objects.create(
        item=child_item, agency=csc, status="nothing_held", submitted_by=chair, submitted_at=at(d1, 9)
    )
    Feedback.objects.create(meeting=m1, user=chair, focused=3, clear_actions=3, effective_chairing=3)
    Feedback.objects.create(meeting=m2, user=member, focused=1, clear_actions=2, effective_chairing=3)

    due = date(2025, 6, 1) + timedelta(days=i)
    _action(panel, m1, police, due, status="completed", completed_at=at(due - timedelta(days=2)))
    _action(panel, m1, csc, due, status="completed", completed_at=at(due + timedelta(days=9)))
    overdue = _action(panel, m1, police, due, escalated_at=at(due + timedelta(days=14)))
    later = _action(panel, m1, school, date(2026, 6, 1))
    ActionReview.objects.create(
        action=overdue,
        meeting=m2,
        outcome="carried_forward",
        reason="agency_did_not_act",
        previous_due_date=due,
        new_due_date=due + timedelta(days=30),
    )
    ActionReview.objects.create(
        action=later,
        meeting=m2,
        outcome="carried_forward",
        reason="in_progress",
        previous_due_date=date(2026, 6, 1),
        new_due_date=date(2026, 7, 1),
    )

    Escalation.objects.create(
        subject=child,
        route="tactical",
        escalated_on=date(2025, 6, 1),
        escalated_to="Sub-group",
        reason="No school",
        status="responded",
        response="Place found",
        responded_on=date(2025, 6, 10),
    )
    Escalation.objects.create(
        subject=child, route="strategic", escalated_on=date(2025, 7, 1), escalated_to="Board", reason="Housing"
    )

    for n, (hours, within) in enumerate(((30, True), (100, False), (None, None))):
        returned = at(date(2025, 6, 1) + timedelta(days=n))
        episode = MissingEpisode.objects.create(
            child=child,
            started_at=returned - timedelta(hours=12),
            returned_at=returned,
            reported_to_police=True,
            classification="missing",
            risk_grade="medium",
            placement="home",
            philomena="not_applicable",
        )
        if hours is not None:
            ReturnInterview.objects.create(
                episode=episode,
                offered=True,
                outcome="completed",
                completed_at=returned + timedelta(hours=hours),
                interviewer_name="Tom",
                interviewer_agency=csc,
                within_72_hours=within,
            )
    for decided, due_on in ((date(2025, 5, 8), date(2025, 5, 10)), (date(2025, 5, 20), date(2025, 5, 15))):
        NRMReferral.objects.create(
            child=child2,
            referred_on=date(2025, 5, 1),
            first_responder_agency=csc,
            decision_maker="devolved",
            decision_due_on=due_on,
            rg_decision="positive",
            rg_decided_on=decided,
        )
    plan = Plan.objects.create(
        subject=child,
        plan_type="roth",
        lead_agency=csc,
        lead_professional="Sam",
        started_on=date(2025, 4, 5),
        next_review_on=date(2026, 1, 5),
    )
    for reviewed, next_on in ((date(2025, 7, 1), date(2025, 10, 5)), (date(2025, 10, 1), date(2026, 1, 5))):
        PlanReview.objects.create(
            plan=plan, reviewed_on=reviewed, summary="Going well", decision="continue", next_review_on=next_on
        )

    accepted = _referral(world, panel, "child", "accepted", d1 - timedelta(days=9))
    _item(m1, Strand.CHILDREN, None, title="New referral", referral=accepted)
    _referral(world, panel, "child", "accepted", date(2025, 11, 2))
    _referral(world, panel, "location", "not_met", date(2025, 11, 3))

    AlertReview.objects.create(
        panel=panel,
        first_child=min(child, child2, key=lambda s: s.pk),
        second_child=max(child, child2, key=lambda s: s.pk),
        context=location,
        note="Both seen at the station",
    )
    AlertReview.objects.filter(panel=panel, context=location).update(created_at=at(date(2025, 8, 1)))
    Disruption.objects.create(
        target=person, category="perpetrator", tactic="cawn", agency=police, done_on=date(2025, 8, 1)
    )
    Disruption.objects.create(
        target=location, category="location", tactic="patrols", agency=police, done_on=date(2025, 1, 5)
    )


def _once(world: Any) -> None:
    partnership = world.partnership_a
    lead = world.user("lead_a")
    Release.objects.create(
        partnership=partnership,
        period_start=date(2025, 4, 1),
        period_end=date(2025, 6, 30),
        status="signed_off",
        prepared_by=lead,
        signed_off_by=lead,
        signed_off_at=at(date(2025, 7, 20)),
    )
    Release.objects.create(
        partnership=partnership,
        period_start=date(2025, 7, 1),
        period_end=date(2025, 9, 30),
        status="signed_off",
        prepared_by=lead,
        signed_off_by=lead,
        signed_off_at=at(date(2025, 12, 1)),
    )
    review_round = ReviewRound.objects.create(name="Evidence test round")
    recommendation = Recommendation.objects.create(
        round=review_round,
        reference="R9",
        title="Improve",
        scope="partnership",
        partnership=partnership,
        status="accepted",
    )
    for due, closed in (
        (date(2025, 9, 1), date(2025, 8, 20)),
        (date(2025, 9, 1), date(2025, 10, 1)),
        (date(2026, 9, 1), None),
    ):
        action = ImplementationAction.objects.create(
            recommendation=recommendation,
            title="Step",
            due_date=due,
            status="closed" if closed else "on_track",
            closed_at=at(closed) if closed else None,
            closed_by=world.user("london_team") if closed else None,
        )
        ImplementationAction.objects.filter(pk=action.pk).update(created_at=at(date(2025, 4, 2)))
    for what in ("dashboard table", "quarterly report", "London dataset"):
        record(action=AuditAction.EXPORT, actor=lead, partnership_id=partnership.pk, detail={"what": what})


def evidence_records(world: Any, copies: int = 1) -> None:
    """``copies`` blocks on partnership A (and, the first time, the one-off records), plus a held
    meeting of partnership B (which must never count for A)."""
    first = not Release.objects.filter(partnership=world.partnership_a).exists()
    start = Meeting.objects.filter(panel=world.panel_a).count()
    for i in range(copies):
        _block(world, world.panel_a, start + i)
    if first:
        _once(world)
        other = _meeting(world.panel_b, date(2025, 6, 1), quorate=False)
        Attendance.objects.create(meeting=other, agency=world.agencies["police_b"], status="absent")
