"""Casework writes: what is recorded, what is refused (with the field it is about), what is
audited, and how the register stays the one place for a child's risk level and links."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from macehub.audit.models import AuditEvent
from macehub.casework.models import (
    Decision,
    Disruption,
    MissingEpisode,
    NRMReferral,
    Plan,
    PlanChild,
    ReturnInterview,
    RiskAssessment,
)
from macehub.casework.selectors import settings_for
from macehub.casework.services import disruption as disruption_services
from macehub.casework.services import escalations as escalation_services
from macehub.casework.services import missing as missing_services
from macehub.casework.services import nrm as nrm_services
from macehub.casework.services import panel as panel_services
from macehub.casework.services import plans as plan_services
from macehub.casework.services import risk as risk_services
from macehub.casework.times import london_datetime
from macehub.core.services import ConcurrentEditError
from macehub.subjects.models import Kind, Link, RiskChange, Subject
from macehub.subjects.services import merging as merge_services
from macehub.subjects.services import records as record_services
from tests.factories.casework import casework_for
from tests.factories.personas import World

from .subjects.factories import make_link, make_subject, register_for


@pytest.fixture
def reg(world: World) -> dict[str, Any]:
    return register_for(world)


@pytest.fixture
def cw(world: World, reg: dict[str, Any]) -> dict[str, Any]:
    return casework_for(world, reg)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _assessment(world: World, **overrides: Any) -> dict[str, Any]:
    values = {
        "tool": "Exploitation screening tool",
        "assessor_name": "Sam Green",
        "assessor_agency": world.agencies["csc_a"],
        "assessed_on": date(2025, 10, 1),
        "level": "High",
        "factors": "Missing overnight.",
        "next_review_on": None,
    }
    return {**values, **overrides}


# --- Risk assessments ------------------------------------------------------------------------


def test_an_assessment_takes_the_panels_review_interval(world: World, reg: dict[str, Any]) -> None:
    a = risk_services.assessment_create(actor=world.user("member_a"), child=reg["c1"], values=_assessment(world))
    assert a.next_review_on == date(2025, 10, 1) + timedelta(weeks=12)
    assert not a.set_current_level
    assert AuditEvent.objects.filter(
        object_type="casework.riskassessment", object_id=str(a.pk), action="create"
    ).exists()
    event = AuditEvent.objects.get(object_type="casework.riskassessment", object_id=str(a.pk))
    assert "Jayden" not in event.object_label and event.object_label == f"Risk assessment of {reg['c1'].reference}"


def test_a_panels_own_interval_is_used(world: World, reg: dict[str, Any]) -> None:
    panel_services.settings_update(
        actor=world.user("chair_a"),
        panel=world.panel_a,
        expected_version=None,
        values={
            "assessment_review_weeks": 8,
            "plan_review_weeks": 6,
            "nrm_decision_days": 30,
            "consent_prompt_days": 90,
        },
    )
    assert settings_for(world.panel_a).assessment_review_weeks == 8
    a = risk_services.assessment_create(actor=world.user("member_a"), child=reg["c1"], values=_assessment(world))
    assert a.next_review_on == date(2025, 11, 26)


def test_a_coordinator_sets_the_childs_level_through_the_register(world: World, reg: dict[str, Any]) -> None:
    child = reg["c1"]
    risk_services.assessment_create(
        actor=world.user("coordinator_a"),
        child=child,
        values=_assessment(world),
        set_current_level=True,
        expected_child_version=child.version,
    )
    child.refresh_from_db()
    assert child.risk_level == "High"
    change = RiskChange.objects.get(subject=child)
    assert change.level == "High" and change.decided_on == date(2025, 10, 1)
    assert "Exploitation screening tool" in change.reason


def test_a_member_cannot_set_the_level(world: World, reg: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        risk_services.assessment_create(
            actor=world.user("member_a"), child=reg["c1"], values=_assessment(world), set_current_level=True
        )
    assert not RiskAssessment.objects.exists()


def test_an_older_assessment_cannot_override_a_later_decision(world: World, reg: dict[str, Any]) -> None:
    child = reg["c1"]
    record_services.subject_set_risk(
        actor=world.user("chair_a"), subject=child, expected_version=child.version, level="Low", reason="x",
        decided_on=date(2025, 10, 10),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        risk_services.assessment_create(
            actor=world.user("chair_a"),
            child=child,
            values=_assessment(world),
            set_current_level=True,
            expected_child_version=child.version,
        )
    assert "later decision" in _errors(exc)["set_current_level"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"level": "Extreme"}, "level", "Choose a level from the panel's risk scale"),
        ({"assessed_on": date(2099, 1, 1)}, "assessed_on", "must be today or in the past"),
        ({"next_review_on": date(2025, 9, 1)}, "next_review_on", "must be after the date of the assessment"),
    ],
)
def test_impossible_assessments_are_refused(
    world: World, reg: dict[str, Any], overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        risk_services.assessment_create(
            actor=world.user("member_a"), child=reg["c1"], values=_assessment(world, **overrides)
        )
    assert message in _errors(exc)[field][0]


def test_assessments_are_for_children(world: World, reg: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        risk_services.assessment_create(actor=world.user("member_a"), child=reg["l1"], values=_assessment(world))


# --- Plans -----------------------------------------------------------------------------------


def _plan(world: World, **overrides: Any) -> dict[str, Any]:
    values = {
        "plan_type": "roth",
        "other_type": "",
        "title": "",
        "lead_agency": world.agencies["csc_a"],
        "lead_professional": "Sam Green",
        "started_on": date(2025, 10, 1),
        "next_review_on": None,
    }
    return {**values, **overrides}


def test_a_plan_is_made_with_its_intended_outcomes(world: World, reg: dict[str, Any]) -> None:
    plan = plan_services.plan_create(
        actor=world.user("member_a"), subject=reg["c1"], values=_plan(world), outcomes=["Attends school", "", "Safe"]
    )
    assert [o.text for o in plan.outcomes.all()] == ["Attends school", "Safe"]
    assert [pc.child for pc in plan.plan_children.all()] == [reg["c1"]]
    assert plan.next_review_on == date(2025, 12, 24)


def test_a_plan_needs_an_intended_outcome(world: World, reg: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_create(
            actor=world.user("member_a"), subject=reg["c1"], values=_plan(world), outcomes=["", " "]
        )
    assert "at least one intended outcome" in _errors(exc)["outcome_1"][0]
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("key", "plan_type", "field"),
    [("l1", "child_protection", "plan_type"), ("c1", "context", "plan_type"), ("c1", "other", "other_type")],
)
def test_plan_types_fit_the_record(world: World, reg: dict[str, Any], key: str, plan_type: str, field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_create(
            actor=world.user("member_a"), subject=reg[key], values=_plan(world, plan_type=plan_type), outcomes=["x"]
        )
    assert field in _errors(exc)


def test_a_context_plan_covers_every_child_linked_to_the_context(world: World, reg: dict[str, Any]) -> None:
    plan = plan_services.plan_create(
        actor=world.user("member_a"), subject=reg["l1"], values=_plan(world, plan_type="context"), outcomes=["x"]
    )
    assert {pc.child for pc in plan.plan_children.all()} == {reg["c1"], reg["c2"]}
    c3 = make_subject(world.panel_a, Kind.CHILD)
    make_link(c3, reg["l1"], "seen_at")
    added = plan_services.plan_sync_children(actor=world.user("member_a"), plan=plan)
    assert added == [c3]
    assert plan_services.plan_sync_children(actor=world.user("member_a"), plan=plan) == []
    assert PlanChild.objects.filter(plan=plan).count() == 3


def test_a_review_scores_every_outcome_and_can_end_the_plan(world: World, cw: dict[str, Any]) -> None:
    plan = cw["plan"]
    outcomes = list(plan.outcomes.all())
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_review(
            actor=world.user("member_a"), plan=plan, expected_version=plan.version, reviewed_on=date(2025, 10, 1),
            scores={outcomes[0].pk: (4, "")}, summary="Better", decision="continue", next_review_on=date(2025, 12, 1),
        )  # fmt: skip
    assert f"score_{outcomes[1].pk}" in _errors(exc)
    review = plan_services.plan_review(
        actor=world.user("member_a"), plan=plan, expected_version=plan.version, reviewed_on=date(2025, 10, 1),
        scores={outcomes[0].pk: (4, "Four days"), outcomes[1].pk: (5, "")}, summary="Better", decision="continue",
        next_review_on=date(2025, 12, 1),
    )  # fmt: skip
    assert [s.score for s in review.scores.all()] == [4, 5]
    plan.refresh_from_db()
    assert plan.next_review_on == date(2025, 12, 1) and plan.is_active
    plan_services.plan_review(
        actor=world.user("member_a"), plan=plan, expected_version=plan.version, reviewed_on=date(2025, 11, 1),
        scores={o.pk: (5, "") for o in outcomes}, summary="Achieved", decision="end", next_review_on=None,
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.status == "ended" and plan.ended_on == date(2025, 11, 1) and plan.next_review_on is None
    with pytest.raises(ValidationError):
        plan_services.plan_review(
            actor=world.user("member_a"), plan=plan, expected_version=plan.version, reviewed_on=date(2025, 11, 2),
            scores={o.pk: (5, "") for o in outcomes}, summary="Again", decision="end", next_review_on=None,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("reviewed_on", "next_review_on", "field", "message"),
    [
        (date(2025, 8, 1), date(2025, 12, 1), "reviewed_on", "before the plan started"),
        (date(2025, 10, 1), date(2025, 9, 30), "next_review_on", "must be after this review"),
        (date(2025, 10, 1), None, "next_review_on", "Enter the date of the next review"),
    ],
)
def test_impossible_reviews_are_refused(
    world: World, cw: dict[str, Any], reviewed_on: date, next_review_on: date | None, field: str, message: str
) -> None:
    plan = cw["plan"]
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_review(
            actor=world.user("member_a"), plan=plan, expected_version=plan.version, reviewed_on=reviewed_on,
            scores={o.pk: (3, "") for o in plan.outcomes.all()}, summary="x", decision="continue",
            next_review_on=next_review_on,
        )  # fmt: skip
    assert message in _errors(exc)[field][0]


def test_a_stale_review_is_refused(world: World, cw: dict[str, Any]) -> None:
    plan = cw["plan"]
    with pytest.raises(ConcurrentEditError):
        plan_services.plan_review(
            actor=world.user("member_a"), plan=plan, expected_version=plan.version + 1, reviewed_on=date(2025, 10, 1),
            scores={o.pk: (3, "") for o in plan.outcomes.all()}, summary="x", decision="continue",
            next_review_on=date(2025, 12, 1),
        )  # fmt: skip
    assert not plan.reviews.exists()


# --- Missing episodes and return home interviews ---------------------------------------------


def _episode(**overrides: Any) -> dict[str, Any]:
    values = {
        "started_at": london_datetime(date(2025, 10, 24), datetime.min.time().replace(hour=16)),
        "returned_at": london_datetime(date(2025, 10, 25), datetime.min.time().replace(hour=18)),
        "reported_to_police": True,
        "police_reference": "CAD 123",
        "classification": "missing",
        "risk_grade": "medium",
        "placement": "residential",
        "philomena": "yes",
        "where_found": "",
        "notes": "",
    }
    return {**values, **overrides}


def _interview(world: World, completed_at: datetime | None, **overrides: Any) -> dict[str, Any]:
    values = {
        "offered": True,
        "offered_on": date(2025, 10, 26),
        "outcome": "completed" if completed_at else "not_yet",
        "completed_at": completed_at,
        "interviewer_name": "Tom Walsh",
        "interviewer_agency": world.agencies["csc_a"],
        "summary": "Mentioned a flat.",
        "reason_not_completed": "",
    }
    return {**values, **overrides}


def test_the_return_must_be_after_going_missing(world: World, reg: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        missing_services.episode_create(
            actor=world.user("member_a"),
            child=reg["c1"],
            values=_episode(returned_at=datetime(2025, 10, 24, 10, 0, tzinfo=UTC)),
        )
    assert "The return must be after the child went missing" in _errors(exc)["returned_on"][0]
    assert not MissingEpisode.objects.exists()


def test_a_reported_episode_needs_the_police_classification(world: World, reg: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as exc:
        missing_services.episode_create(
            actor=world.user("member_a"), child=reg["c1"], values=_episode(classification="")
        )
    assert "classification" in _errors(exc)
    episode = missing_services.episode_create(
        actor=world.user("member_a"),
        child=reg["c1"],
        values=_episode(reported_to_police=False, classification="missing"),
    )
    assert episode.classification == "" and episode.police_reference == ""


def test_the_interview_is_flagged_late_across_the_clock_change(world: World, reg: dict[str, Any]) -> None:
    """Returned 18:00 BST on Saturday 25 October 2025; interview 17:30 GMT on the Tuesday is
    72 and a half hours later: not within 72 hours."""
    episode = missing_services.episode_create(actor=world.user("member_a"), child=reg["c1"], values=_episode())
    late = london_datetime(date(2025, 10, 28), datetime.min.time().replace(hour=17, minute=30))
    result = missing_services.interview_save(
        actor=world.user("member_a"), episode=episode, expected_version=None, values=_interview(world, late)
    )
    assert result.interview.within_72_hours is False
    on_time = london_datetime(date(2025, 10, 28), datetime.min.time().replace(hour=16, minute=45))
    interview = result.interview
    result = missing_services.interview_save(
        actor=world.user("member_a"),
        episode=episode,
        expected_version=interview.version,
        values=_interview(world, on_time),
    )
    assert ReturnInterview.objects.get(pk=interview.pk).within_72_hours is True


def test_moving_the_return_recomputes_the_72_hour_flag(world: World, reg: dict[str, Any]) -> None:
    episode = missing_services.episode_create(actor=world.user("member_a"), child=reg["c1"], values=_episode())
    assert episode.returned_at is not None
    completed = episode.returned_at + timedelta(hours=71)
    missing_services.interview_save(
        actor=world.user("member_a"), episode=episode, expected_version=None, values=_interview(world, completed)
    )
    missing_services.episode_update(
        actor=world.user("member_a"),
        episode=episode,
        expected_version=episode.version,
        values={"returned_at": episode.returned_at - timedelta(hours=2)},
    )
    assert ReturnInterview.objects.get(episode=episode).within_72_hours is False
    with pytest.raises(ValidationError) as exc:
        missing_services.episode_update(
            actor=world.user("member_a"),
            episode=episode,
            expected_version=episode.version,
            values={"returned_at": completed + timedelta(hours=1)},
        )
    assert "the return must be before it" in _errors(exc)["returned_on"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"completed_at": datetime(2025, 10, 25, 12, 0, tzinfo=UTC)},
            "completed_on",
            "must be after the child returned",
        ),
        ({"offered_on": date(2025, 10, 20)}, "offered_on", "cannot be offered before the child returned"),
        ({"interviewer_name": ""}, "interviewer_name", "Enter who did the interview"),
        ({"offered": False}, "outcome", "not offered cannot be completed"),
        ({"outcome": "not_completed", "completed_at": None}, "reason_not_completed", "Enter why"),
    ],
)
def test_impossible_interviews_are_refused(
    world: World, reg: dict[str, Any], overrides: dict[str, Any], field: str, message: str
) -> None:
    episode = missing_services.episode_create(actor=world.user("member_a"), child=reg["c1"], values=_episode())
    values = {**_interview(world, datetime(2025, 10, 26, 12, 0, tzinfo=UTC)), **overrides}
    with pytest.raises(ValidationError) as exc:
        missing_services.interview_save(
            actor=world.user("member_a"), episode=episode, expected_version=None, values=values
        )
    assert message in _errors(exc)[field][0]
    assert not ReturnInterview.objects.exists()


def test_no_interview_before_the_child_returns(world: World, reg: dict[str, Any]) -> None:
    episode = missing_services.episode_create(
        actor=world.user("member_a"), child=reg["c1"], values=_episode(returned_at=None)
    )
    with pytest.raises(ValidationError, match="Record when the child returned"):
        missing_services.interview_save(
            actor=world.user("member_a"), episode=episode, expected_version=None, values=_interview(world, None)
        )


def test_what_the_interview_learned_becomes_register_links_in_one_step(world: World, reg: dict[str, Any]) -> None:
    """Tom's journey: the child mentioned a new associate (C2) and a flat not on the register yet,
    and a place already linked (L1): one save records the interview, adds the flat, links both."""
    child = reg["c1"]
    episode = missing_services.episode_create(actor=world.user("member_a_education"), child=child, values=_episode())
    completed = datetime(2025, 10, 26, 12, 0, tzinfo=UTC)
    result = missing_services.interview_save(
        actor=world.user("member_a_education"),
        episode=episode,
        expected_version=None,
        values=_interview(world, completed),
        link_to=[reg["c2"], reg["l1"]],
        new_location="Flat 3, Tanner House",
    )
    flat = Subject.objects.get(kind=Kind.LOCATION, name="Flat 3, Tanner House")
    assert result.new_records == [flat]
    assert result.already_linked == [reg["l1"]]
    made = {(link.source, link.target, link.link_type) for link in result.links}
    assert made == {(child, reg["c2"], "associates"), (child, flat, "seen_at")}
    for link in result.links:
        assert link.known_from == date(2025, 10, 26)
        assert link.source_agency == world.agencies["csc_a"]
        assert "return home interview" in link.notes
    assert sorted(result.interview.links_made) == sorted(link.pk for link in result.links)
    actions = set(AuditEvent.objects.values_list("object_type", "action"))
    assert {
        ("subjects.link", "create"),
        ("subjects.subject", "create"),
        ("casework.returninterview", "create"),
    } <= actions


def test_links_come_only_from_a_completed_interview(world: World, reg: dict[str, Any]) -> None:
    episode = missing_services.episode_create(actor=world.user("member_a"), child=reg["c1"], values=_episode())
    before = Link.objects.count()
    with pytest.raises(ValidationError, match="Links come from what a completed interview learned"):
        missing_services.interview_save(
            actor=world.user("member_a"),
            episode=episode,
            expected_version=None,
            values=_interview(world, None, outcome="declined"),
            link_to=[reg["c2"]],
        )
    assert Link.objects.count() == before and not ReturnInterview.objects.exists()


def test_a_failed_link_undoes_the_whole_step(world: World, reg: dict[str, Any]) -> None:
    """Someone without sight of persons of concern cannot link one; nothing is saved."""
    episode = missing_services.episode_create(
        actor=world.user("member_a_education"), child=reg["c1"], values=_episode()
    )
    before = (Link.objects.count(), Subject.objects.count())
    with pytest.raises(PermissionDenied):
        missing_services.interview_save(
            actor=world.user("member_a_education"),
            episode=episode,
            expected_version=None,
            values=_interview(world, datetime(2025, 10, 26, 12, 0, tzinfo=UTC)),
            link_to=[reg["p1"]],
            new_location="Somewhere new",
        )
    assert (Link.objects.count(), Subject.objects.count()) == before
    assert not ReturnInterview.objects.exists()


# --- NRM -------------------------------------------------------------------------------------


def _nrm(world: World, **overrides: Any) -> dict[str, Any]:
    values = {
        "referred_on": date(2025, 9, 1),
        "first_responder_agency": world.agencies["csc_a"],
        "first_responder_name": "",
        "exploitation_types": ["criminal"],
        "decision_maker": "devolved",
        "rg_decision": "pending",
        "rg_decided_on": None,
        "cg_decision": "pending",
        "cg_decided_on": None,
        "duty_to_notify": "by_referral",
        "adult_consent": "not_yet",
        "adult_consent_on": None,
        "notes": "",
    }
    return {**values, **overrides}


def test_an_nrm_referral_is_due_a_decision_within_the_panels_target(world: World, reg: dict[str, Any]) -> None:
    nrm = nrm_services.nrm_create(actor=world.user("member_a"), child=reg["c1"], values=_nrm(world))
    assert nrm.decision_due_on == date(2025, 10, 16)
    assert nrm.rg_late(date(2025, 10, 17)) and not nrm.rg_late(date(2025, 10, 16))
    nrm = nrm_services.nrm_update(
        actor=world.user("member_a"),
        nrm=nrm,
        expected_version=nrm.version,
        values=_nrm(world, rg_decision="positive", rg_decided_on=date(2025, 10, 1)),
    )
    assert nrm.decision_days() == 30 and not nrm.rg_late(date(2026, 1, 1))
    nrm = nrm_services.nrm_update(
        actor=world.user("member_a"),
        nrm=nrm,
        expected_version=nrm.version,
        values=_nrm(
            world,
            rg_decision="positive",
            rg_decided_on=date(2025, 10, 1),
            cg_decision="positive",
            cg_decided_on=date(2025, 10, 1),
        ),
    )
    assert nrm.cg_decision == Decision.POSITIVE and not nrm.is_open


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"rg_decision": "positive", "rg_decided_on": date(2025, 8, 30)},
            "rg_decided_on",
            "cannot be before the referral",
        ),
        ({"rg_decision": "positive"}, "rg_decided_on", "Enter the date of the reasonable-grounds decision"),
        ({"rg_decided_on": date(2025, 9, 5)}, "rg_decided_on", "Choose the reasonable-grounds decision"),
        ({"cg_decision": "positive", "cg_decided_on": date(2025, 9, 9)}, "cg_decision", "follows a positive"),
        (
            {
                "rg_decision": "positive",
                "rg_decided_on": date(2025, 9, 20),
                "cg_decision": "negative",
                "cg_decided_on": date(2025, 9, 10),
            },
            "cg_decided_on",
            "cannot be before the reasonable-grounds decision",
        ),
        ({"referred_on": date(2099, 1, 1)}, "referred_on", "must be today or in the past"),
        ({"adult_consent": "consented"}, "adult_consent_on", "Enter the date the young person was asked"),
    ],
)
def test_impossible_nrm_decisions_are_refused(
    world: World, reg: dict[str, Any], overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        nrm_services.nrm_create(actor=world.user("member_a"), child=reg["c1"], values=_nrm(world, **overrides))
    assert message in _errors(exc)[field][0]
    assert not NRMReferral.objects.exists()


# --- Disruption and escalations --------------------------------------------------------------


def test_disruption_protects_the_children_linked_to_its_target(world: World, reg: dict[str, Any]) -> None:
    values = {
        "category": "location",
        "tactic": "closure",
        "other_tactic": "ignored",
        "agency": world.agencies["police_a"],
        "done_on": date(2025, 10, 1),
        "description": "",
        "outcome": "",
    }
    d = disruption_services.disruption_create(
        actor=world.user("member_a"), target=reg["l1"], values=values, children=[reg["c1"]]
    )
    assert d.other_tactic == "" and list(d.children.all()) == [reg["c1"]]
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_create(
            actor=world.user("member_a"), target=reg["l1"], values={**values, "tactic": "other", "other_tactic": ""}
        )
    assert "other_tactic" in _errors(exc)
    with pytest.raises(ValidationError):
        disruption_services.disruption_create(
            actor=world.user("member_a"), target=reg["t1"], values=values
        )  # themes are not disrupted
    unlinked = make_subject(world.panel_a, Kind.CHILD)
    with pytest.raises(ValidationError):
        disruption_services.disruption_create(
            actor=world.user("member_a"), target=reg["l1"], values=values, children=[unlinked]
        )


def test_disruption_against_a_person_of_concern_needs_sight_of_them(world: World, reg: dict[str, Any]) -> None:
    values = {
        "category": "perpetrator",
        "tactic": "cawn",
        "other_tactic": "",
        "agency": world.agencies["police_a"],
        "done_on": date(2025, 10, 1),
        "description": "",
        "outcome": "",
    }
    with pytest.raises(PermissionDenied):
        disruption_services.disruption_create(actor=world.user("coordinator_a"), target=reg["p1"], values=values)
    assert disruption_services.disruption_create(actor=world.user("member_a"), target=reg["p1"], values=values).pk


def test_escalations_are_raised_by_coordinators_and_chairs(world: World, reg: dict[str, Any]) -> None:
    values = {
        "route": "specialist_crime",
        "escalated_on": date(2025, 10, 1),
        "escalated_to": "Specialist Crime",
        "reason": "Crosses three BCUs.",
    }
    with pytest.raises(PermissionDenied):
        escalation_services.escalation_create(actor=world.user("member_a"), subject=reg["g1"], values=values)
    e = escalation_services.escalation_create(actor=world.user("coordinator_a"), subject=reg["g1"], values=values)
    with pytest.raises(ValidationError) as exc:
        escalation_services.escalation_update(
            actor=world.user("chair_a"),
            escalation=e,
            expected_version=e.version,
            values={"status": "responded", "response": "Taken on", "responded_on": date(2025, 9, 30), "outcome": ""},
        )
    assert "cannot be before the escalation" in _errors(exc)["responded_on"][0]
    with pytest.raises(ValidationError) as exc:
        escalation_services.escalation_update(
            actor=world.user("chair_a"),
            escalation=e,
            expected_version=e.version,
            values={"status": "closed", "response": "", "responded_on": None, "outcome": ""},
        )
    assert {"response", "responded_on"} <= set(_errors(exc))
    e = escalation_services.escalation_update(
        actor=world.user("chair_a"),
        escalation=e,
        expected_version=e.version,
        values={"status": "responded", "response": "Taken on", "responded_on": date(2025, 10, 3), "outcome": "Op X"},
    )
    assert e.status == "responded"


# --- Merging duplicates ----------------------------------------------------------------------


def test_merging_two_children_carries_their_casework_over(
    world: World, reg: dict[str, Any], cw: dict[str, Any]
) -> None:
    keep, dup = reg["c2"], reg["c1"]
    keep.refresh_from_db()
    dup.refresh_from_db()
    merge_services.merge_records(
        actor=world.user("coordinator_a"),
        keep=keep,
        merged=dup,
        keep_version=keep.version,
        merged_version=dup.version,
        reason="Same child",
    )
    assert RiskAssessment.objects.get().child == keep
    assert MissingEpisode.objects.filter(child=keep).count() == 1
    assert NRMReferral.objects.get().child == keep
    assert Plan.objects.get(pk=cw["plan"].pk).subject == keep
    assert set(PlanChild.objects.filter(plan=cw["context_plan"]).values_list("child_id", flat=True)) == {keep.pk}
    assert list(Disruption.objects.get(pk=cw["disruption"].pk).children.all()) == [keep]
    event = next(e for e in AuditEvent.objects.filter(object_id=str(keep.pk), action="merge") if "merge" in e.detail)
    assert event.detail["merge"]["casework"]["risk_assessments"] == 1
