"""Casework records for tests, made directly (no audit events, no policy checks).

``casework_for(world, register)`` adds, once per world, on panel A's register (see
``tests/subjects/factories.py`` for C1, C2, P1, L1, G1):

* a risk assessment of C1 (High);
* a child protection plan for C1 with two intended outcomes, and a context plan for L1
  covering C1 and C2;
* a missing episode of C1 with its return and a return home interview;
* an NRM referral of C1 waiting for a reasonable-grounds decision;
* disruption against L1 (protecting C1) and against P1 (a person of concern);
* an escalation about C1;
and, on panel B, a missing episode of CB.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from macehub.casework.models import (
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    Plan,
    PlanChild,
    PlanOutcome,
    ReturnInterview,
    RiskAssessment,
)


def casework_for(world: Any, register: dict[str, Any]) -> dict[str, Any]:
    cached = getattr(world, "_casework", None)
    if cached is not None:
        return cached
    c1, c2, l1, p1 = register["c1"], register["c2"], register["l1"], register["p1"]
    police, csc = world.agencies["police_a"], world.agencies["csc_a"]
    cw: dict[str, Any] = {}
    cw["assessment"] = RiskAssessment.objects.create(
        child=c1,
        tool="Exploitation screening tool",
        assessor_name="Sam Green, social worker",
        assessor_agency=csc,
        assessed_on=date(2025, 9, 1),
        level="High",
        factors="Missing overnight; new phone.",
        next_review_on=date(2025, 11, 24),
    )
    plan = Plan.objects.create(
        subject=c1,
        plan_type="child_protection",
        lead_agency=csc,
        lead_professional="Sam Green, social worker",
        started_on=date(2025, 9, 2),
        next_review_on=date(2025, 11, 25),
    )
    PlanOutcome.objects.create(plan=plan, order=1, text="Attends school four days a week")
    PlanOutcome.objects.create(plan=plan, order=2, text="No missing episodes for a month")
    PlanChild.objects.create(plan=plan, child=c1, added_on=plan.started_on)
    cw["plan"] = plan
    context = Plan.objects.create(
        subject=l1,
        plan_type="context",
        lead_agency=police,
        lead_professional="PC Lane",
        started_on=date(2025, 9, 3),
        next_review_on=date(2025, 12, 1),
    )
    PlanOutcome.objects.create(plan=context, order=1, text="No children seen at the bus station after 9pm")
    PlanChild.objects.create(plan=context, child=c1, added_on=context.started_on)
    PlanChild.objects.create(plan=context, child=c2, added_on=context.started_on)
    cw["context_plan"] = context
    returned = datetime(2025, 9, 10, 8, 0, tzinfo=UTC)
    episode = MissingEpisode.objects.create(
        child=c1,
        started_at=returned - timedelta(hours=30),
        returned_at=returned,
        reported_to_police=True,
        classification="missing",
        risk_grade="high",
        placement="home",
        philomena="not_applicable",
    )
    cw["episode"] = episode
    cw["interview"] = ReturnInterview.objects.create(
        episode=episode,
        offered=True,
        offered_on=date(2025, 9, 10),
        outcome="completed",
        completed_at=returned + timedelta(hours=30),
        interviewer_name="Tom Walsh",
        interviewer_agency=csc,
        summary="Stayed with friends near the station.",
        within_72_hours=True,
    )
    cw["nrm"] = NRMReferral.objects.create(
        child=c1,
        referred_on=date(2025, 9, 5),
        first_responder_agency=csc,
        decision_maker="devolved",
        decision_due_on=date(2025, 10, 20),
    )
    disruption = Disruption.objects.create(
        target=l1, category="location", tactic="patrols", agency=police, done_on=date(2025, 9, 20)
    )
    disruption.children.set([c1])
    cw["disruption"] = disruption
    cw["poc_disruption"] = Disruption.objects.create(
        target=p1, category="perpetrator", tactic="cawn", agency=police, done_on=date(2025, 9, 21)
    )
    cw["escalation"] = Escalation.objects.create(
        subject=c1,
        route="tactical",
        escalated_on=date(2025, 9, 22),
        escalated_to="Exploitation sub-group",
        reason="No education place for six weeks.",
    )
    cw["episode_b"] = MissingEpisode.objects.create(
        child=register["cb"],
        started_at=returned - timedelta(hours=5),
        reported_to_police=False,
        risk_grade="low",
        placement="home",
        philomena="not_applicable",
    )
    world._casework = cw
    return cw
