"""Casework in a real browser: record a missing episode and its return home interview (the
72-hour flag right across the October clock change, what the child said turned into register
links), make a plan with intended outcomes and review it, record an NRM referral and its
decision (an impossible date refused first), then read it all on the child's journey and in its
PDF chronology. axe-core runs on every casework page type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.factories.casework import casework_for
from tests.factories.personas import World

from ..subjects.factories import register_for
from .conftest import assert_accessible, sign_in_as


@pytest.fixture
def records(live_world: World) -> dict[str, Any]:
    register = register_for(live_world)
    return {**register, **casework_for(live_world, register)}


def _date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def _radio(page: Page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_label(option, exact=True).check()


def test_missing_interview_plan_nrm_and_the_journey(
    live_server: Any, live_world: World, records: dict[str, Any], new_page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    c1, l1 = records["c1"], records["l1"]
    page = new_page()
    sign_in_as(page, base, "chair.a@test.invalid")

    # The panel's due-and-overdue list, from the menu.
    page.get_by_role("link", name="Casework", exact=True).first.click()
    expect(page.get_by_role("heading", name="Due and overdue")).to_be_visible()
    assert_accessible(page, "casework-due")

    # 1. A missing episode: a return "before" the child went missing is refused; typed text stays.
    page.goto(f"{base}/casework/records/{c1.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("C-0001")
    assert_accessible(page, "casework-record-child")
    page.get_by_role("link", name="Record a missing episode").click()
    _date(page, "Date the child went missing", 24, 10, 2025)
    page.get_by_label("Time the child went missing").fill("16:00")
    _date(page, "Date the child returned", 23, 10, 2025)
    page.get_by_label("Time the child returned").fill("6pm")
    _radio(page, "Was the child reported missing to the police?", "Yes")
    page.get_by_label("Police reference (optional)").fill("CAD 4471/24Oct")
    _radio(page, "How did the police classify it?", "Missing")
    _radio(page, "Risk grade", "Medium")
    page.get_by_label("Where was the child living?").select_option(label="Children's home")
    _radio(page, "Is a Philomena Protocol form on file?", "Yes, a Philomena Protocol form is on file")
    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="The return must be after the child went missing")).to_be_visible()
    expect(page.get_by_label("Police reference (optional)")).to_have_value("CAD 4471/24Oct")
    expect(page.get_by_label("Time the child returned")).to_have_value("6pm")
    assert_accessible(page, "casework-missing-form-errors")
    _date(page, "Date the child returned", 25, 10, 2025)
    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_text("Missing episode recorded.")).to_be_visible()
    expect(page.get_by_text("Saturday 25 October 2025 at 18:00 BST")).to_be_visible()
    # 72 hours of elapsed time: the clocks went back on the Sunday, so it is 17:00 on the Tuesday.
    expect(page.get_by_test_id("due-by")).to_have_text("Tuesday 28 October 2025 at 17:00 GMT")
    assert_accessible(page, "casework-missing-detail")

    # 2. The return home interview at 17:30 on the Tuesday, and what the child said, as links.
    page.get_by_role("link", name="Record the return home interview").click()
    expect(page.get_by_test_id("due-by")).to_have_text("Tuesday 28 October 2025 at 17:00 GMT")
    assert_accessible(page, "casework-interview-form")
    _radio(page, "Was a return home interview offered?", "Yes")
    _date(page, "Date it was offered", 26, 10, 2025)
    _radio(page, "Outcome", "Completed")
    _date(page, "Date of the interview", 28, 10, 2025)
    page.get_by_label("Time of the interview").fill("17:30")
    page.get_by_label("Interviewer", exact=True).fill("Tom Walsh, youth justice")
    page.get_by_label("Interviewer's agency").select_option(label="Alpha Children's social care")
    page.get_by_label("What the child said (summary)").fill("Stayed at a flat with an older boy, C-0002's friend.")
    page.get_by_text("Show the other children on the register").click()
    page.get_by_label("C-0002", exact=True).check()
    page.get_by_label("A place not on the register yet (optional)").fill("Flat 12, Tanner House")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_text("It was not completed within 72 hours of the return.")).to_be_visible()
    expect(page.get_by_test_id("within-72")).to_have_text("No")
    expect(page.get_by_text("72 hours 30 minutes after the return")).to_be_visible()
    links = page.get_by_test_id("interview-links")
    expect(links.get_by_role("link", name="Flat 12, Tanner House")).to_be_visible()
    expect(links.get_by_role("link", name="C-0002")).to_be_visible()
    expect(page.get_by_text("Completed, not within 72 hours")).to_be_visible()

    # 3. A plan with intended outcomes, then its review scoring progress against each.
    page.goto(f"{base}/casework/records/{c1.pk}/")
    page.get_by_role("link", name="Make a plan").click()
    assert_accessible(page, "casework-plan-form")
    _radio(page, "Type of plan", "Risk outside the home (ROTH) plan")
    page.get_by_label("Lead agency").select_option(label="Alpha Children's social care")
    page.get_by_label("Lead professional").fill("Sam Green, social worker")
    _date(page, "Date the plan started", 1, 10, 2025)
    page.get_by_role("button", name="Save the plan").click()
    expect(
        page.get_by_role("link", name="Enter at least one intended outcome: what the plan is trying to achieve")
    ).to_be_visible()
    assert_accessible(page, "casework-plan-form-errors")
    page.get_by_label("Intended outcome 1").fill("Attends college four days a week")
    page.get_by_label("Intended outcome 2 (optional)").fill("No missing episodes for eight weeks")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", name="Risk outside the home (ROTH) plan")).to_be_visible()
    expect(page.get_by_test_id("outcomes")).to_contain_text("Attends college four days a week")
    assert_accessible(page, "casework-plan-detail")
    page.get_by_role("link", name="Review the plan").click()
    assert_accessible(page, "casework-plan-review-form")
    _date(page, "Date of the review", 1, 11, 2025)
    _radio(page, "Progress towards ‘Attends college four days a week’", "Good progress")
    _radio(page, "Progress towards ‘No missing episodes for eight weeks’", "A little progress")
    page.get_by_label("What did the review find?").fill("College most days; one missing episode, interviewed late.")
    _radio(page, "What happens to the plan now?", "Continue with changes")
    _date(page, "Next review", 1, 12, 2025)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Plan reviewed.")).to_be_visible()
    progress = page.get_by_test_id("progress")
    expect(progress.get_by_text("Good progress")).to_be_visible()
    expect(progress.get_by_text("A little progress")).to_be_visible()
    assert_accessible(page, "casework-plan-reviewed")

    # 4. An NRM referral, then its decision (a date before the referral is refused first).
    page.goto(f"{base}/casework/records/{c1.pk}/")
    page.get_by_role("link", name="Record an NRM referral").click()
    assert_accessible(page, "casework-nrm-form")
    _date(page, "Date of the NRM referral", 1, 9, 2025)
    page.get_by_label("First responder agency").select_option(label="Alpha Children's social care")
    _radio(page, "Who makes the decisions?", "Devolved child decision-making panel")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_text("A reasonable-grounds decision is expected by 16 October 2025.")).to_be_visible()
    assert_accessible(page, "casework-nrm-detail")
    page.get_by_role("link", name="Record a decision or change the referral").click()
    _radio(page, "Reasonable-grounds decision", "Positive")
    _date(page, "Date of the reasonable-grounds decision", 20, 8, 2025)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_role(
            "link", name="The reasonable-grounds decision cannot be before the referral, on 1 September 2025"
        )
    ).to_be_visible()
    assert_accessible(page, "casework-nrm-form-errors")
    _date(page, "Date of the reasonable-grounds decision", 30, 9, 2025)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("nrm")).to_contain_text("Positive, 30 September 2025 — 29 days after the referral")

    # 5. The child's journey shows all of it, filters by type, and prints as a PDF chronology.
    page.goto(f"{base}/casework/children/{c1.pk}/journey/")
    journey = page.get_by_test_id("journey")
    for text in (
        "Went missing",
        "Returned from a missing episode",
        "Return home interview completed — NOT within 72 hours",
        "Risk outside the home (ROTH) plan started",
        "Risk outside the home (ROTH) plan reviewed",
        "NRM referral made",
        "NRM reasonable-grounds decision: positive",
    ):
        expect(journey.get_by_text(text, exact=True).first).to_be_visible()
    expect(journey).to_contain_text("25 Oct 2025, 18:00 BST")
    expect(journey).to_contain_text("28 Oct 2025, 17:30 GMT")
    expect(journey).to_contain_text("72 hours 30 minutes after the return")
    assert_accessible(page, "casework-journey")
    page.get_by_label("National Referral Mechanism").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="3 events")).to_be_visible()
    expect(page.get_by_test_id("journey").get_by_text("Went missing")).to_have_count(0)
    page.get_by_role("link", name="Show everything").click()
    with page.expect_download() as info:
        page.get_by_test_id("chronology-pdf").click()
    pdf = tmp_path / "chronology.pdf"
    info.value.save_as(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = " ".join(text.split())
    for expected in (
        "Chronology of C-0001",
        "OFFICIAL-SENSITIVE",
        "Went missing",
        "25 Oct 2025, 18:00 BST",
        "Return home interview completed — NOT within 72 hours",
        "Risk outside the home (ROTH) plan started",
        "Progress: 1. Good progress; 2. A little progress",
        "NRM referral made",
        "NRM reasonable-grounds decision: positive",
        "Tom Walsh",
    ):
        assert expected in text, expected
    assert "Jayden" not in text

    # 6. Every other casework page type passes axe-core.
    for path, name in (
        (f"/casework/children/{c1.pk}/risk/", "casework-risk-history"),
        (f"/casework/children/{c1.pk}/risk/new/", "casework-assessment-form"),
        (f"/casework/records/{l1.pk}/", "casework-record-context"),
        (f"/casework/records/{l1.pk}/disruption/new/", "casework-disruption-form"),
        (f"/casework/disruption/{records['disruption'].pk}/", "casework-disruption-detail"),
        (f"/casework/disruption/{records['disruption'].pk}/edit/", "casework-disruption-edit"),
        (f"/casework/records/{c1.pk}/escalations/new/", "casework-escalation-form"),
        (f"/casework/escalations/{records['escalation'].pk}/", "casework-escalation-detail"),
        (f"/casework/escalations/{records['escalation'].pk}/edit/", "casework-escalation-edit"),
        (f"/casework/missing/{records['episode'].pk}/edit/", "casework-missing-edit"),
        (f"/casework/plans/{records['context_plan'].pk}/", "casework-context-plan"),
        (f"/casework/panels/{live_world.panel_a.pk}/plans/", "casework-panel-plans"),
        (f"/casework/panels/{live_world.panel_a.pk}/disruption/", "casework-panel-disruption"),
        (f"/casework/panels/{live_world.panel_a.pk}/escalations/", "casework-panel-escalations"),
        (f"/casework/panels/{live_world.panel_a.pk}/settings/", "casework-settings"),
    ):
        page.goto(base + path)
        assert_accessible(page, name)
    page.goto(f"{base}/casework/children/{c1.pk}/risk/new/")
    page.get_by_role("button", name="Save the assessment").click()
    expect(page.get_by_role("link", name="Enter the assessment tool used")).to_be_visible()
    assert_accessible(page, "casework-assessment-form-errors")
