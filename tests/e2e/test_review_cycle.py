"""The London review cycle in a browser: open a cycle → a lead completes and submits a return with
evidence → the London team reads the heat map → a peer review records a finding → a
recommendation goes to a Task and Finish group → an action is closed with evidence.
Every review page type is checked with axe-core on the way (and in the second test)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from macehub.review.framework_files import ensure_default_framework
from macehub.review.models import Assessment, Cycle, ImplementationAction, Question, Recommendation
from tests.factories.personas import World
from tests.factories.review import review_world

from .conftest import assert_accessible, sign_in_as


def _date(page: Any, legend: str, day: Any) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_from_opening_a_cycle_to_closing_an_action_with_evidence(
    live_server: Any, live_world: World, new_page: Any, tmp_path: Path
) -> None:
    base = live_server.url
    ensure_default_framework()
    today = timezone.localdate()
    evidence = tmp_path / "alpha-terms-of-reference.txt"
    evidence.write_text("Alpha MACE terms of reference, reviewed this year.\n")
    not_a_pdf = tmp_path / "minutes.pdf"
    not_a_pdf.write_text("<html><body>This is not a PDF</body></html>")

    # 1. Lena (the London team) opens a cycle for both partnerships.
    lena = new_page()
    sign_in_as(lena, base, "london@test.invalid")
    lena.get_by_role("link", name="MACE review").first.click()
    assert_accessible(lena, "review-overview")
    lena.goto(f"{base}/review/cycles/new/")
    lena.get_by_label("Name of the cycle").fill("Browser test cycle")
    _date(lena, "Opening date", today)
    _date(lena, "Deadline for returns", today + timedelta(days=28))
    lena.get_by_role("button", name="Open the cycle").click()
    expect(lena.get_by_text("Browser test cycle is open")).to_be_visible()
    expect(lena.get_by_test_id("returned-count").get_by_text("0 of 2")).to_be_visible()
    assert_accessible(lena, "review-cycle-tracking")
    cycle = Cycle.objects.get(name="Browser test cycle")

    # 2. Alpha's strategic lead completes the return with evidence, and submits it.
    lead = new_page()
    sign_in_as(lead, base, "lead.a@test.invalid")
    lead.locator("main").get_by_role("link", name="Alpha self-assessment").click()
    assert_accessible(lead, "review-return-task-list")
    lead.get_by_role("link", name=re.compile(r"^A\. Putting the 2021 protocol")).click()
    first = Question.objects.filter(section__framework_version=cycle.framework_version).order_by(
        "section__order", "order"
    )[0]
    lead.get_by_label(f"{first.code} comments (optional)").fill("Adopted by the partnership board.")
    lead.get_by_label(f"Attach evidence for {first.code} (optional)").set_input_files(str(not_a_pdf))
    lead.get_by_role("button", name="Save and continue").click()
    expect(
        lead.get_by_role("alert").get_by_text(f"{first.code}: The selected file is not really a PDF file")
    ).to_be_visible()
    assert lead.get_by_label(f"{first.code} comments (optional)").input_value() == "Adopted by the partnership board."
    assert_accessible(lead, "review-return-section-with-errors")
    lead.get_by_label(f"Attach evidence for {first.code} (optional)").set_input_files(str(evidence))
    while True:
        for radio in lead.locator('input.govuk-radios__input[value="3"]').all():
            radio.check()
        # A rating other than the evidence's suggestion needs a reason: give every answer one.
        for box in lead.locator("textarea").all():
            if not box.input_value():
                box.fill("Checked against our records.")
        if lead.get_by_role("button", name="Save and continue").count():
            current = lead.url
            lead.get_by_role("button", name="Save and continue").click()
            lead.wait_for_url(lambda url, current=current: url != current)
        else:
            lead.get_by_role("button", name="Save and return to the sections").click()
            break
    expect(lead.get_by_test_id("progress").get_by_text("You have rated 37 of 37 questions.")).to_be_visible()
    lead.get_by_role("link", name="Check and submit").click()
    assert_accessible(lead, "review-return-submit")
    lead.get_by_label("The partnership's statutory partners have seen this return").check()
    lead.get_by_role("button", name="Submit the return").click()
    expect(lead.get_by_text("Alpha's return has been submitted")).to_be_visible()
    assert Assessment.objects.get(cycle=cycle, partnership=live_world.partnership_a).status == "submitted"
    lead.get_by_role("link", name="Scores compared with London").click()
    assert_accessible(lead, "review-own-results")

    # 3. Lena sees the return counted and reads the heat map (chart drawn, data table beside it).
    lena.reload()
    expect(lena.get_by_test_id("returned-count").get_by_text("1 of 2")).to_be_visible()
    lena.get_by_role("link", name="Results and heat map").click()
    expect(lena.get_by_test_id("heat-map").get_by_role("link", name="Alpha")).to_be_visible()
    # The chart script runs after the table is on screen: wait for it to have drawn.
    lena.wait_for_function(
        "() => window.Chart && !!Chart.getChart(document.querySelector('canvas[data-review-chart]'))"
    )
    expect(lena.get_by_test_id("distribution")).to_be_visible()
    assert_accessible(lena, "review-heat-map")

    # 4. Lena plans a peer review of Alpha; the reviewer records the meeting and a finding.
    lena.goto(f"{base}/review/peer-review/new/")
    lena.get_by_label("Name of the review round").fill("Browser peer review")
    lena.get_by_label("Self-assessment cycle it builds on (optional)").select_option(label="Browser test cycle")
    lena.get_by_role("button", name="Start the round").click()
    lena.get_by_role("link", name="Plan a meeting").click()
    lena.get_by_label("Title").fill("Meeting 1: Alpha")
    lena.get_by_role("group", name="Partnerships being reviewed").get_by_label("Alpha").check()
    _date(lena, "Meeting date", today + timedelta(days=7))
    lena.get_by_label("Online meeting link (optional)").fill("https://meet.example.org/alpha")
    lena.get_by_label("Reviewer from the police (optional)").select_option(label="Rae Reviewer (Tester)")
    assert_accessible(lena, "review-plan-meeting")
    lena.get_by_role("button", name="Plan the meeting").click()
    expect(lena.get_by_text("Meeting 1: Alpha planned")).to_be_visible()

    reviewer = new_page()
    sign_in_as(reviewer, base, "reviewer@test.invalid")
    reviewer.goto(f"{base}/review/")
    reviewer.get_by_role("link", name="Meeting 1: Alpha").click()
    assert_accessible(reviewer, "review-meeting")
    with reviewer.expect_download() as download:
        reviewer.get_by_role("link", name="Download the pre-reading pack (PDF)").click()
    assert download.value.suggested_filename.startswith("pre-reading-pack-")
    reviewer.get_by_role("link", name="Record the meeting").click()
    reviewer.get_by_role("group", name="Did the meeting take place?").get_by_label("Held").check()
    reviewer.get_by_label("Who attended").fill("Alpha MACE chair\nAlpha strategic lead")
    reviewer.get_by_label("Notes: Implementing the 2021 protocol").fill(
        "Local procedures still point to the 2017 protocol."
    )
    assert_accessible(reviewer, "review-record-meeting")
    reviewer.get_by_role("button", name="Save").click()
    reviewer.get_by_role("link", name="Back to Browser peer review").click()
    reviewer.get_by_role("link", name="Record a finding").click()
    reviewer.get_by_role("button", name="Record the finding").click()
    expect(reviewer.get_by_role("alert").get_by_text("Choose theme")).to_be_visible()
    assert_accessible(reviewer, "review-finding-form-with-errors")
    reviewer.get_by_label("Protocol implementation and compliance").check()
    reviewer.get_by_label("Finding", exact=True).fill("Procedures do not yet point to the 2021 protocol")
    reviewer.get_by_label("What the review found").fill("Both the return and the meeting show it.")
    reviewer.get_by_role("group", name=re.compile("^Partnerships it concerns")).get_by_label("Alpha").check()
    reviewer.get_by_label(re.compile(rf"^{first.code} ")).check()
    reviewer.get_by_label(re.compile("^Meeting 1: Alpha — Implementing")).check()
    reviewer.get_by_role("button", name="Record the finding").click()
    expect(reviewer.get_by_text("Finding recorded.")).to_be_visible()
    expect(reviewer.get_by_text("Adopted by the partnership board.")).to_be_visible()
    assert_accessible(reviewer, "review-finding")
    finding_url = reviewer.url

    # 5. Lena sets up a Task and Finish group chaired by the reviewer and assigns it a recommendation.
    lena.goto(f"{base}/review/groups/new/")
    lena.get_by_label("Group name").fill("Protocol Task and Finish group")
    lena.get_by_label("Task and Finish group").check()
    lena.get_by_role("button", name="Add the group").click()
    lena.get_by_role("link", name="Add a member").click()
    lena.get_by_label("Person").select_option(label="Rae Reviewer (Tester)")
    lena.get_by_role("group", name="Role in the group").get_by_label("Chair").check()
    lena.get_by_role("button", name="Add the member").click()
    assert_accessible(lena, "review-group")
    lena.goto(finding_url)
    lena.get_by_role("link", name="Make a recommendation").click()
    lena.get_by_label("Reference").fill("R1")
    lena.get_by_label("Recommendation", exact=True).fill("Point every procedure to the 2021 protocol")
    lena.get_by_label("A governance group").check()
    lena.get_by_label("Owning group (if a group owns it)").select_option(label="Protocol Task and Finish group")
    assert_accessible(lena, "review-recommendation-form")
    lena.get_by_role("button", name="Save the recommendation").click()
    expect(lena.get_by_text("Recommendation R1 made.")).to_be_visible()
    expect(lena.get_by_test_id("chain-back").get_by_text("Procedures do not yet point")).to_be_visible()
    recommendation = Recommendation.objects.get(reference="R1", round__name="Browser peer review")
    assert recommendation.status == "accepted" and recommendation.owner_group.name == "Protocol Task and Finish group"

    # 6. The group's chair adds an action, says it is done with evidence, and approves the closure.
    reviewer.goto(f"{base}/review/recommendations/{recommendation.pk}/")
    reviewer.get_by_role("link", name="Add an action").click()
    reviewer.get_by_label("Action", exact=True).fill("Publish a model procedure paragraph")
    reviewer.get_by_role("button", name="Add the action").click()
    assert_accessible(reviewer, "review-action")
    reviewer.get_by_role("link", name="Say it is done").click()
    reviewer.get_by_label("What was done, and how do you know it worked?").fill("Published; all chairs told.")
    reviewer.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    assert_accessible(reviewer, "review-closure-request")
    reviewer.get_by_role("button", name="Ask for closure").click()
    # The group's only chair asked, so the London project team approves (C32).
    expect(reviewer.get_by_text("Waiting for the London project team to approve the closure.")).to_be_visible()
    lena.goto(reviewer.url)
    lena.get_by_role("link", name="Approve or return the closure").click()
    expect(lena.get_by_role("link", name="alpha-terms-of-reference.txt")).to_be_visible()
    assert_accessible(lena, "review-closure-approval")
    lena.get_by_label("Approve: the action is done").check()
    lena.get_by_role("button", name="Save the decision").click()
    expect(lena.get_by_text("Action closed.")).to_be_visible()
    action = ImplementationAction.objects.get(recommendation=recommendation)
    assert action.status == "closed" and action.updates.filter(evidence__isnull=False).exists()
    reviewer.get_by_role("link", name="Back to recommendation R1").click()
    expect(reviewer.get_by_text("Implemented").first).to_be_visible()
    expect(reviewer.get_by_test_id("chain-forward").get_by_text("Publish a model procedure paragraph")).to_be_visible()
    assert_accessible(reviewer, "review-recommendation-chain")


def test_every_other_review_page_type_is_accessible(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    rw = review_world(live_world)
    lena = new_page()
    sign_in_as(lena, base, "london@test.invalid")
    for name, path in [
        ("review-frameworks", "/review/frameworks/"),
        ("review-framework-version", f"/review/frameworks/versions/{rw.version.pk}/"),
        ("review-framework-question-form", f"/review/frameworks/questions/{rw.draft_question.pk}/"),
        ("review-framework-scale-form", f"/review/frameworks/versions/{rw.draft.pk}/edit/"),
        ("review-cycles", "/review/cycles/"),
        ("review-cycle-form", "/review/cycles/new/"),
        ("review-cycle-edit", f"/review/cycles/{rw.cycle.pk}/edit/"),
        ("review-return-reopen", f"/review/returns/{rw.return_b.pk}/reopen/"),
        ("review-return-section-read", f"/review/returns/{rw.return_b.pk}/sections/{rw.section.pk}/"),
        ("review-rounds", "/review/peer-review/"),
        ("review-round", f"/review/peer-review/{rw.review_round.pk}/"),
        ("review-findings-report", f"/review/peer-review/{rw.review_round.pk}/report/"),
        ("review-recommendations", "/review/recommendations/"),
        ("review-groups", "/review/groups/"),
        ("review-group-meeting", f"/review/group-meetings/{rw.group_meeting.pk}/"),
        ("review-group-meeting-form", f"/review/groups/{rw.group.pk}/meetings/new/"),
        ("review-timeline", "/review/timeline/"),
        ("review-milestone-form", "/review/timeline/new/"),
        ("review-members-home", "/review/members/"),
        ("review-directory", "/review/members/directory/"),
        ("review-directory-listing", "/review/members/directory/me/"),
        ("review-news-form", "/review/members/news/new/"),
        ("review-progress-form", f"/review/actions/{rw.action.pk}/progress/"),
        ("review-milestone-add", f"/review/actions/{rw.action.pk}/milestones/new/"),
    ]:
        response = lena.goto(f"{base}{path}")
        assert response.status == 200, path
        assert_accessible(lena, name)
    lena.goto(f"{base}/review/timeline/new/")
    lena.get_by_role("button", name="Add the milestone").click()
    expect(lena.get_by_role("alert").get_by_text("Enter milestone")).to_be_visible()
    assert_accessible(lena, "review-milestone-form-with-errors")
