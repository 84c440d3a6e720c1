"""Records for the oversight tests, made directly (no audit events, no policy checks).

``records_for(world, children=n)`` gives partnership A, in the quarter ``QUARTER`` (April to
June 2025), ``n`` children discussed at two held meetings, with known characteristics, and the
referrals, missing episodes, NRM referrals, disruption, actions, attendance, contributions and
feedback whose figures the tests check by hand. Partnership B gets one child discussed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from macehub.casework.models import (
    Disruption,
    MissingEpisode,
    NRMReferral,
    ReturnInterview,
    RiskAssessment,
)
from macehub.meetings.models import (
    Action,
    ActionReview,
    AgendaItem,
    Attendance,
    Contribution,
    Feedback,
    Meeting,
    MeetingStatus,
    Strand,
)
from macehub.oversight.periods import Period, quarter_of
from macehub.referrals.models import Referral
from macehub.subjects.models import HarmType, Kind, Subject
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, make_subject

QUARTER: Period = quarter_of(date(2025, 5, 1))
FIRST_MEETING = date(2025, 4, 10)
SECOND_MEETING = date(2025, 5, 15)
ETHNICITIES = ["black_caribbean", "white_british", "black_african", "asian_bangladeshi", "mixed_white_black_caribbean"]


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _meeting(panel: Any, day: date) -> Meeting:
    return Meeting.objects.create(
        panel=panel,
        date=day,
        start_time=time(10),
        venue="Town hall",
        status=MeetingStatus.HELD,
        closed_at=_at(day, 13),
        quorate=True,
    )


def records_for(world: World, *, children: int = 6) -> dict[str, Any]:
    ensure_harm_types()
    panel = world.panel_a
    police, csc = world.agencies["police_a"], world.agencies["csc_a"]
    cce = HarmType.objects.get(code="cce")
    cse = HarmType.objects.get(code="cse")
    r: dict[str, Any] = {"children": []}
    first, second = _meeting(panel, FIRST_MEETING), _meeting(panel, SECOND_MEETING)
    first.agencies.set([police, csc])
    second.agencies.set([police, csc])
    r["meetings"] = [first, second]
    for i in range(children):
        child = make_subject(
            panel,
            Kind.CHILD,
            sex="male" if i % 3 else "female",
            ethnicity=ETHNICITIES[i % len(ETHNICITIES)],
            send="ehc_plan" if i == 0 else "none",
            looked_after="yes" if i == 1 else "no",
            placing_authority="Kent" if i == 1 else "",
            date_of_birth=date(2009, 1, 1) + timedelta(days=40 * i),
        )
        child.harm_types.add(cce if i % 2 else cse)
        r["children"].append(child)
        meeting = first if i % 2 == 0 else second
        item = AgendaItem.objects.create(meeting=meeting, subject=child, strand=Strand.CHILDREN, position=i + 1)
        Contribution.objects.create(
            item=item, agency=police, status="submitted", text="Known to police.", submitted_by=world.user("member_a"),
            submitted_at=_at(meeting.date - timedelta(days=2)),
        )  # fmt: skip
    c0 = r["children"][0]
    # Discussed before the quarter too: not "for the first time" this quarter.
    earlier = _meeting(panel, date(2025, 2, 1))
    AgendaItem.objects.create(meeting=earlier, subject=c0, strand=Strand.CHILDREN, position=1)
    # One child closed in the quarter, one stepped down after it.
    closed = r["children"][-1]
    Subject.objects.filter(pk=closed.pk).update(
        status="closed", status_reason="Safer", status_changed_at=_at(date(2025, 6, 1))
    )
    r["closed"] = closed
    # Attendance: police always, children's social care once.
    for meeting in (first, second):
        Attendance.objects.create(meeting=meeting, agency=police, status="attended")
    Attendance.objects.create(meeting=first, agency=csc, status="attended")
    Attendance.objects.create(meeting=second, agency=csc, status="absent")
    # Referrals: two by the front door (one accepted, one signposted), one police report waiting.
    for n, (route, status) in enumerate(
        [("front_door", "accepted"), ("front_door", "signposted"), ("police", "submitted")], 1
    ):
        referral = Referral.objects.create(
            panel=panel, number=n, subject_type="child", referrer=world.user("member_a"), referrer_agency=police,
            route=route, concerns="Concerns.", status=status,
            decision_reason="" if status == "submitted" else "Decided.",
            signposted_to="Early help" if status == "signposted" else "",
            decided_at=None if status == "submitted" else _at(date(2025, 4, 9)),
        )  # fmt: skip
        Referral.objects.filter(pk=referral.pk).update(created_at=_at(date(2025, 4, 2)))
        if status == "accepted":
            referral.subjects.add(r["children"][0])
            r["accepted_referral"] = referral
    # Missing: two episodes of C0 in the quarter; one interview within 72 hours, one after.
    for n, (start, back, done) in enumerate(
        [
            (date(2025, 4, 20), date(2025, 4, 21), timedelta(hours=30)),
            (date(2025, 5, 20), date(2025, 5, 22), timedelta(hours=90)),
        ]
    ):
        episode = MissingEpisode.objects.create(
            child=c0, started_at=_at(start), returned_at=_at(back), reported_to_police=True, classification="missing",
            risk_grade="medium", placement="home", philomena="not_applicable",
        )  # fmt: skip
        interview = ReturnInterview(
            episode=episode, offered=True, offered_on=back, outcome="completed", completed_at=_at(back) + done,
            interviewer_name="Advocate",
        )  # fmt: skip
        interview.within_72_hours = interview.compute_within_72_hours()
        interview.save()
        r[f"episode{n}"] = episode
    # NRM: referred in April, decided on time in May (positive).
    r["nrm"] = NRMReferral.objects.create(
        child=c0, referred_on=date(2025, 4, 3), first_responder_agency=police, decision_maker="devolved",
        decision_due_on=date(2025, 5, 18), rg_decision="positive", rg_decided_on=date(2025, 5, 10),
    )  # fmt: skip
    # Risk: C0 assessed High then Medium (fell); C1 Low then High (rose).
    for child, levels in ((c0, ["High", "Medium"]), (r["children"][1], ["Low", "High"])):
        for k, level in enumerate(levels):
            RiskAssessment.objects.create(
                child=child, tool="Tool", assessor_name="Worker", assessor_agency=csc,
                assessed_on=date(2025, 3, 1) + timedelta(days=60 * k), level=level, factors="Factors.",
                next_review_on=date(2025, 9, 1),
            )  # fmt: skip
    location = make_subject(panel, Kind.LOCATION, name="Park", location_type="park")
    r["location"] = location
    r["disruption"] = Disruption.objects.create(
        target=location, category="location", tactic="patrols", agency=police, done_on=date(2025, 5, 2)
    )
    # Actions: one done on time, one still open and overdue at the end, carried forward once (agency did not act).
    r["done"] = Action.objects.create(
        panel=panel, number=1, meeting=first, description="Visit.", owner_agency=police, due_date=date(2025, 4, 30),
        status="completed", completed_at=_at(date(2025, 4, 25)),
    )  # fmt: skip
    r["overdue"] = Action.objects.create(
        panel=panel, number=2, meeting=first, description="Share reports.", owner_agency=csc, due_date=date(2025, 5, 1),
    )  # fmt: skip
    ActionReview.objects.create(
        action=r["overdue"], meeting=second, outcome="carried_forward", reason="agency_did_not_act",
        previous_due_date=date(2025, 5, 1), new_due_date=date(2025, 6, 1),
    )  # fmt: skip
    Feedback.objects.create(meeting=first, user=world.user("chair_a"), focused=3, clear_actions=2, effective_chairing=3)
    # Partnership B: one child discussed.
    cb = make_subject(world.panel_b, Kind.CHILD, sex="male")
    b_meeting = _meeting(world.panel_b, FIRST_MEETING)
    AgendaItem.objects.create(meeting=b_meeting, subject=cb, strand=Strand.CHILDREN, position=1)
    r["cb"] = cb
    return r
