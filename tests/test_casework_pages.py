"""Casework pages through the test client: forms refuse impossible input next to the field and
keep what was typed; the return interview makes register links in one step; the journey is
filterable, prints as a PDF chronology and meets a fixed query budget with 500 events; the
due-and-overdue list."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from macehub.casework.models import (
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    OutcomeScore,
    Plan,
    PlanChild,
    PlanOutcome,
    PlanReview,
    ReturnInterview,
    RiskAssessment,
)
from macehub.subjects.models import Kind, Link, RiskChange, Subject
from tests.factories.casework import casework_for
from tests.factories.personas import World

from .subjects.factories import make_link, make_subject, register_for


@pytest.fixture
def cw(world: World) -> dict[str, Any]:
    return casework_for(world, register_for(world))


@pytest.fixture
def reg(world: World, cw: dict[str, Any]) -> dict[str, Any]:
    return register_for(world)


def _moment(prefix: str, day: date, at: str) -> dict[str, str]:
    return {
        f"{prefix}_on_day": str(day.day),
        f"{prefix}_on_month": str(day.month),
        f"{prefix}_on_year": str(day.year),
        f"{prefix}_time": at,
    }


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


EPISODE = {
    "reported_to_police": "yes",
    "police_reference": "CAD 4471/24Oct",
    "classification": "missing",
    "risk_grade": "medium",
    "placement": "residential",
    "philomena": "yes",
    "where_found": "Kent (fictional)",
    "notes": "",
}


def test_an_episode_ending_before_it_starts_is_refused_next_to_the_field(reg: dict[str, Any], client_as: Any) -> None:
    client = client_as("member_a_education")
    data = {
        **EPISODE,
        **_moment("started", date(2025, 10, 24), "16:00"),
        **_moment("returned", date(2025, 10, 23), "9:15pm"),
    }
    response = client.post(f"/casework/children/{reg['c1'].pk}/missing/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_returned_on_day"' in page
    assert 'id="id_returned_on-error"' in page and "The return must be after the child went missing" in page
    assert 'value="9:15pm"' in page and 'value="CAD 4471/24Oct"' in page  # typed text kept
    assert MissingEpisode.objects.filter(child=reg["c1"]).count() == 1


def test_a_time_the_clocks_skipped_is_refused_next_to_the_time(reg: dict[str, Any], client_as: Any) -> None:
    data = {**EPISODE, **_moment("started", date(2025, 3, 30), "01:30")}
    page = client_as("member_a").post(f"/casework/children/{reg['c1'].pk}/missing/new/", data).content.decode()
    assert 'id="id_started_time-error"' in page and "the clocks went forward" in page


def test_missing_then_interview_across_the_clock_change_then_links(
    world: World, reg: dict[str, Any], client_as: Any
) -> None:
    """Tom records an episode, its return on the Saturday before the clocks went back, and the
    interview at 17:30 on the Tuesday (72 and a half hours later); the child mentioned C2 and a
    flat, which become links; a shared-context warning names the other child linked to the flat."""
    client = client_as("member_a_education")
    c1 = reg["c1"]
    flat = make_subject(world.panel_a, Kind.LOCATION, name="Flat 12, Tanner House")
    c3 = make_subject(world.panel_a, Kind.CHILD)
    make_link(c3, flat, "seen_at")
    data = {
        **EPISODE,
        **_moment("started", date(2025, 10, 24), "16:00"),
        **_moment("returned", date(2025, 10, 25), "18:00"),
    }
    response = client.post(f"/casework/children/{c1.pk}/missing/new/", data)
    episode = MissingEpisode.objects.filter(child=c1).latest("pk")
    assert response["Location"] == f"/casework/missing/{episode.pk}/"
    assert episode.returned_at == datetime(2025, 10, 25, 17, 0, tzinfo=UTC)
    form_page = client.get(f"/casework/missing/{episode.pk}/interview/").content.decode()
    assert "Tuesday 28 October 2025 at 17:00 GMT" in form_page

    interview = {
        "offered": "yes",
        **_date("offered_on", date(2025, 10, 26)),
        "outcome": "completed",
        **_moment("completed", date(2025, 10, 25), "12:00"),
        "interviewer_name": "Tom Walsh",
        "interviewer_agency": world.agencies["education_a"].pk,
        "summary": "Mentioned an older friend and a flat.",
        "link_children": [reg["c2"].pk],
        "link_places": [flat.pk],
        "confidence": "likely",
    }
    page = client.post(f"/casework/missing/{episode.pk}/interview/", interview).content.decode()
    assert "The interview must be after the child returned" in page and 'id="id_completed_on-error"' in page
    assert not Link.objects.filter(source=c1, target=flat).exists()

    interview.update(_moment("completed", date(2025, 10, 28), "17:30"))
    response = client.post(f"/casework/missing/{episode.pk}/interview/", interview, follow=True)
    page = response.content.decode()
    saved = ReturnInterview.objects.get(episode=episode)
    assert saved.within_72_hours is False
    assert "It was not completed within 72 hours of the return." in page
    assert 'data-testid="within-72">No<' in page
    assert "72 hours 30 minutes after the return" in page
    assert Link.objects.filter(source=c1, target=flat, link_type="seen_at").exists()
    assert Link.objects.filter(link_type="associates").filter(source__in=[c1, reg["c2"]]).exists()
    assert f"{c3.reference} is also linked to {flat.safe_label}" in page


def test_a_plan_needs_outcomes_and_a_review_scores_them(world: World, reg: dict[str, Any], client_as: Any) -> None:
    client = client_as("chair_a")
    c2 = reg["c2"]
    data = {
        "plan_type": "roth",
        "lead_agency": world.agencies["csc_a"].pk,
        "lead_professional": "Sam Green",
        **_date("started_on", date(2025, 10, 1)),
    }
    page = client.post(f"/casework/records/{c2.pk}/plans/new/", data).content.decode()
    assert "Enter at least one intended outcome" in page and 'value="Sam Green"' in page
    data.update({"outcome_1": "Attends college four days a week", "outcome_2": "No missing episodes"})
    response = client.post(f"/casework/records/{c2.pk}/plans/new/", data)
    plan = Plan.objects.get(subject=c2)
    assert response["Location"] == f"/casework/plans/{plan.pk}/"
    o1, o2 = plan.outcomes.all()
    review = {
        "version": plan.version,
        **_date("reviewed_on", date(2025, 11, 1)),
        f"score_{o1.pk}": "4",
        f"comment_{o1.pk}": "Four days most weeks",
        "summary": "Good progress.",
        "decision": "continue",
        **_date("next_review_on", date(2026, 1, 1)),
    }
    page = client.post(f"/casework/plans/{plan.pk}/review/", review).content.decode()
    assert "Choose how much progress there has been towards ‘No missing episodes’" in page
    assert "Four days most weeks" in page
    review[f"score_{o2.pk}"] = "5"
    client.post(f"/casework/plans/{plan.pk}/review/", review)
    page = client.get(f"/casework/plans/{plan.pk}/").content.decode()
    assert "Good progress" in page and "Achieved" in page


def test_a_stale_edit_keeps_what_was_typed(reg: dict[str, Any], cw: dict[str, Any], client_as: Any) -> None:
    episode = cw["episode"]
    data = {
        **EPISODE,
        "version": episode.version,
        "where_found": "Typed by the second person",
        **_moment("started", date(2025, 9, 9), "02:00"),
        **_moment("returned", date(2025, 9, 10), "09:00"),
    }
    MissingEpisode.objects.filter(pk=episode.pk).update(version=episode.version + 1)
    response = client_as("member_a").post(f"/casework/missing/{episode.pk}/edit/", data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved changes" in page and "Typed by the second person" in page


def test_nrm_decision_before_the_referral_is_refused(world: World, reg: dict[str, Any], client_as: Any) -> None:
    data = {
        **_date("referred_on", date(2025, 9, 1)),
        "first_responder_agency": world.agencies["csc_a"].pk,
        "decision_maker": "devolved",
        "rg_decision": "positive",
        **_date("rg_decided_on", date(2025, 8, 1)),
        "cg_decision": "pending",
        "duty_to_notify": "by_referral",
        "adult_consent": "not_yet",
    }
    page = client_as("member_a").post(f"/casework/children/{reg['c2'].pk}/nrm/new/", data).content.decode()
    assert "The reasonable-grounds decision cannot be before the referral, on 1 September 2025" in page
    assert 'id="id_rg_decided_on-error"' in page
    data.update(_date("rg_decided_on", date(2025, 9, 30)))
    response = client_as("member_a").post(f"/casework/children/{reg['c2'].pk}/nrm/new/", data)
    nrm = NRMReferral.objects.get(child=reg["c2"])
    assert response["Location"] == f"/casework/nrm/{nrm.pk}/" and nrm.decision_days() == 29


def test_the_consent_prompt_shows_as_the_child_nears_18(
    world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any
) -> None:
    child = reg["c1"]
    Subject.objects.filter(pk=child.pk).update(date_of_birth=date(2008, 1, 20))
    with time_machine.travel(datetime(2025, 9, 30, 12, 0, tzinfo=UTC)):  # 112 days before 18
        page = client_as("member_a").get(f"/casework/records/{child.pk}/").content.decode()
        assert 'data-testid="consent-prompt"' not in page
    with time_machine.travel(datetime(2025, 10, 20, 12, 0, tzinfo=UTC)):  # 92 days before 18
        page = client_as("member_a").get(f"/casework/nrm/{cw['nrm'].pk}/").content.decode()
        assert 'data-testid="consent-prompt"' in page and "turns 18 on 20 January 2026" in page
        due = client_as("member_a").get(f"/casework/panels/{world.panel_a.pk}/").content.decode()
        assert 'data-testid="due-consent"' in due


def test_the_due_list(world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any) -> None:
    late_return = MissingEpisode.objects.create(
        child=reg["c2"],
        started_at=datetime(2025, 11, 1, 20, 0, tzinfo=UTC),
        returned_at=datetime(2025, 11, 2, 8, 0, tzinfo=UTC),
        reported_to_police=False,
        risk_grade="low",
        placement="home",
        philomena="not_applicable",
    )
    with time_machine.travel(datetime(2025, 11, 20, 12, 0, tzinfo=UTC)):
        page = client_as("coordinator_a").get(f"/casework/panels/{world.panel_a.pk}/").content.decode()
    assert f'href="/casework/missing/{late_return.pk}/"' in page and "Not done within 72 hours" in page
    assert f'href="/casework/missing/{cw["episode"].pk}/"' not in page  # interview done
    assert f'href="/casework/nrm/{cw["nrm"].pk}/"' in page and "Late" in page  # due 20 October
    assert f'href="/casework/children/{reg["c1"].pk}/risk/"' in page  # review due 24 November
    assert f'href="/casework/plans/{cw["plan"].pk}/"' in page  # review due 25 November


def test_the_journey_filters_and_prints(world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any) -> None:
    client = client_as("chair_a")
    c1 = reg["c1"]
    page = client.get(f"/casework/children/{c1.pk}/journey/").content.decode()
    for title in ("Went missing", "Return home interview completed", "NRM referral made", "Child protection plan started",
                  "Risk assessment: High", "Disruption: Targeted patrols", "Escalated from the panel"):  # fmt: skip
        assert title in page
    page = client.get(f"/casework/children/{c1.pk}/journey/?kind=nrm").content.decode()
    assert "NRM referral made" in page and "Went missing" not in page and "1 event" in page
    response = client.get(f"/casework/children/{c1.pk}/journey/pdf/?kind=nrm&kind=missing")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Chronology of C-0001" in text and "OFFICIAL-SENSITIVE" in text
    assert "NRM referral made" in text and "Went missing" in text and "Child protection plan" not in text
    assert "Jayden" not in text  # references only, never names


def _grow(world: World, reg: dict[str, Any], n: int) -> None:
    """Casework for C1 with roughly ``n`` journey events in all."""
    c1, csc, police = reg["c1"], world.agencies["csc_a"], world.agencies["police_a"]
    day = date(2024, 1, 1)
    RiskAssessment.objects.bulk_create(
        RiskAssessment(
            child=c1, tool="t", assessor_name="a", assessor_agency=csc, assessed_on=day + timedelta(days=i),
            level="Medium", factors="f", next_review_on=day + timedelta(days=i + 84),
        )
        for i in range(n // 5)
    )  # fmt: skip
    RiskChange.objects.bulk_create(
        RiskChange(subject=c1, level="High", decided_on=day + timedelta(days=i), reason="r") for i in range(n // 5)
    )
    for i in range(n // 10):
        plan = Plan.objects.create(
            subject=c1, plan_type="roth", lead_agency=csc, lead_professional="L", started_on=day + timedelta(days=i)
        )
        outcome = PlanOutcome.objects.create(plan=plan, order=1, text="o")
        PlanChild.objects.create(plan=plan, child=c1, added_on=plan.started_on)
        review = PlanReview.objects.create(
            plan=plan, reviewed_on=plan.started_on + timedelta(days=30), summary="s", decision="continue",
            next_review_on=plan.started_on + timedelta(days=60),
        )  # fmt: skip
        OutcomeScore.objects.create(review=review, outcome=outcome, score=3)
    for i in range(n // 10):
        start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i)
        episode = MissingEpisode.objects.create(
            child=c1, started_at=start, returned_at=start + timedelta(hours=5), reported_to_police=False,
            risk_grade="low", placement="home", philomena="not_applicable",
        )  # fmt: skip
        ReturnInterview.objects.create(
            episode=episode, offered=True, offered_on=start.date(), outcome="completed",
            completed_at=start + timedelta(hours=20), interviewer_name="T", interviewer_agency=csc, within_72_hours=True,
        )  # fmt: skip
    NRMReferral.objects.bulk_create(
        NRMReferral(
            child=c1, referred_on=day + timedelta(days=i), first_responder_agency=csc, decision_maker="devolved",
            decision_due_on=day + timedelta(days=i + 45), rg_decision="positive", rg_decided_on=day + timedelta(days=i + 30),
        )
        for i in range(n // 10)
    )  # fmt: skip
    for i in range(n // 20):
        d = Disruption.objects.create(
            target=reg["l1"], category="location", tactic="patrols", agency=police, done_on=day + timedelta(days=i)
        )
        d.children.add(c1)
    Escalation.objects.bulk_create(
        Escalation(
            subject=c1, route="tactical", escalated_on=day + timedelta(days=i), escalated_to="x", reason="r",
            status="responded", response="ok", responded_on=day + timedelta(days=i + 3),
        )
        for i in range(n // 20)
    )  # fmt: skip


def _reviewed(cw: dict[str, Any]) -> None:
    """One review with scores, so the few-rows count includes every prefetch."""
    plan = cw["plan"]
    review = PlanReview.objects.create(
        plan=plan, reviewed_on=date(2025, 10, 1), summary="s", decision="continue", next_review_on=date(2025, 12, 1)
    )
    OutcomeScore.objects.bulk_create(OutcomeScore(review=review, outcome=o, score=3) for o in plan.outcomes.all())


def _count(client: Client, path: str) -> int:
    client.get(path)  # warm up (the first audit event creates the chain head)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


PAGES = [
    lambda w, r, cw: f"/casework/children/{r['c1'].pk}/journey/",
    lambda w, r, cw: f"/casework/records/{r['c1'].pk}/",
    lambda w, r, cw: f"/casework/children/{r['c1'].pk}/risk/",
    lambda w, r, cw: f"/casework/records/{r['l1'].pk}/",
    lambda w, r, cw: f"/casework/panels/{w.panel_a.pk}/",
    lambda w, r, cw: f"/casework/panels/{w.panel_a.pk}/plans/",
    lambda w, r, cw: f"/casework/panels/{w.panel_a.pk}/disruption/",
    lambda w, r, cw: f"/casework/panels/{w.panel_a.pk}/escalations/",
    lambda w, r, cw: f"/casework/plans/{cw['plan'].pk}/",
    lambda w, r, cw: "/",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_pages_meet_a_fixed_query_budget(
    world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any, page: int
) -> None:
    client = client_as("member_a")
    path = PAGES[page](world, reg, cw)
    _reviewed(cw)
    few = _count(client, path)
    _grow(world, reg, 520)
    assert _count(client, path) == few, path


def test_a_child_with_500_events_renders_within_a_fixed_budget(
    world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any
) -> None:
    client = client_as("member_a")
    path = f"/casework/children/{reg['c1'].pk}/journey/"
    _reviewed(cw)
    few = _count(client, path)
    _grow(world, reg, 520)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.content.decode().count("macehub-journey__item ") >= 500
    assert len(ctx.captured_queries) == few <= 40


def test_a_childs_record_leads_to_their_casework_risk_history_and_journey(reg: dict[str, Any], client_as: Any) -> None:
    child, place = reg["c1"], reg["l1"]
    record = client_as("member_a").get(f"/register/children/{child.pk}/").content.decode()
    for url in (
        f"/casework/records/{child.pk}/",
        f"/casework/children/{child.pk}/risk/",
        f"/casework/children/{child.pk}/journey/",
    ):
        assert f'href="{url}"' in record
    assert client_as("member_a").get(f"/casework/children/{child.pk}/journey/").status_code == 200
    location = client_as("member_a").get(f"/register/locations/{place.pk}/").content.decode()
    assert f'href="/casework/records/{place.pk}/"' in location and "/journey/" not in location
