"""The self-assessment with its evidence, in a browser: a coordinator opens this year's return and
sees the figures from the panel's records beside each question, accepts one suggested rating and
rates another differently with a reason; the lead submits (the figures are frozen); a peer
reviewer reads them beside the answers, small counts hidden; the London lead sees the evidence
heat map flag the rating the evidence does not support. axe-core on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from macehub.meetings.models import MeetingStatus
from macehub.review.models import Answer, Assessment, Question
from tests.factories.meetings import add_item, make_meeting
from tests.factories.personas import World
from tests.factories.review import review_world

from .conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.browser


def test_evidence_beside_each_question_from_rating_to_the_london_heat_map(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    base = live_server.url
    rw = review_world(live_world)
    # Panel A held 10 meetings in the return's period (the year before the cycle opened), 4 of
    # them quorate; every agenda item recorded a decision.
    for i in range(10):
        meeting = make_meeting(
            live_world.panel_a,
            days=-20 - 14 * i,
            status=MeetingStatus.HELD,
            closed_at=timezone.now(),
            quorate=i < 4,
            chair=live_world.user("chair_a"),
        )
        add_item(meeting, title="Locations of concern", decisions="Refer to the police problem-solving meeting.")
    questions = {q.key: q for q in Question.objects.filter(section__framework_version=rw.version)}
    terms, decisions = questions["terms-of-reference"], questions["time-and-decisions"]
    # Every other question is already answered, so the lead can submit at the end.
    Answer.objects.bulk_create(
        Answer(assessment=rw.return_a, question=q, rating=2, comment="Checked against our records.")
        for q in questions.values()
        if q.pk not in {terms.pk, decisions.pk, rw.answer_a.question_id}
    )
    top = rw.version.top_rating

    # 1. The coordinator opens section C and sees the figures beside each question.
    coordinator = new_page()
    sign_in_as(coordinator, base, "coordinator.a@test.invalid")
    coordinator.goto(f"{base}/review/returns/{rw.return_a.pk}/")
    coordinator.get_by_role("link", name=re.compile(r"^C\. ")).click()
    evidence = coordinator.get_by_test_id(f"evidence-{terms.code}")
    expect(evidence.get_by_text("40% (4 of 10)")).to_be_visible()
    expect(coordinator.get_by_test_id(f"suggestion-{terms.code}")).to_contain_text("Suggested rating: 2")
    expect(coordinator.get_by_test_id(f"suggestion-{decisions.code}")).to_contain_text(f"Suggested rating: {top}")
    assert_accessible(coordinator, "review-evidence-section")

    # 2. Accept the suggestion for decisions; rate terms of reference at the top without a reason.
    coordinator.get_by_role("group", name=f"{decisions.code} rating").get_by_label(
        "(suggested from the evidence)", exact=False
    ).check()
    coordinator.get_by_role("group", name=f"{terms.code} rating").get_by_label(f"{top} –", exact=False).check()
    coordinator.get_by_role("button", name="Save and return to the sections").click()
    expect(coordinator.get_by_role("alert").get_by_text(f"{terms.code}: say why you chose")).to_be_visible()
    assert_accessible(coordinator, "review-evidence-reason-needed")
    coordinator.get_by_label(f"{terms.code} comments", exact=False).fill(
        "Our terms of reference are agreed; quoracy failed while the police post was vacant."
    )
    coordinator.get_by_role("button", name="Save and return to the sections").click()
    expect(coordinator.get_by_text("Section C saved.")).to_be_visible()
    saved = {a.question_id: a for a in Answer.objects.filter(assessment=rw.return_a)}
    assert (saved[decisions.pk].rating, saved[decisions.pk].suggested_rating) == (top, top)
    assert (saved[terms.pk].rating, saved[terms.pk].suggested_rating) == (top, 2)

    # 3. The lead rates the first question (it has its own suggestion) and submits.
    lead = new_page()
    sign_in_as(lead, base, "lead.a@test.invalid")
    Answer.objects.filter(pk=rw.answer_a.pk).update(comment="Adopted in 2022; refresh due.")
    lead.goto(f"{base}/review/returns/{rw.return_a.pk}/submit/")
    lead.get_by_label("The partnership's statutory partners have seen this return").check()
    lead.get_by_role("button", name="Submit the return").click()
    expect(lead.get_by_text("Alpha's return has been submitted")).to_be_visible()
    frozen = Assessment.objects.get(pk=rw.return_a.pk).evidence_snapshot or {}
    assert frozen["figures"]["meetings_quorate_share"]["numerator"] == 4
    lead.goto(f"{base}/review/returns/{rw.return_a.pk}/sections/{terms.section_id}/")
    expect(lead.get_by_text("The figures are those the return was submitted with", exact=False)).to_be_visible()
    assert_accessible(lead, "review-evidence-submitted")

    # 4. The peer reviewer reads Alpha's evidence beside its answers: 4 quorate meetings is a small count.
    reviewer = new_page()
    sign_in_as(reviewer, base, "reviewer@test.invalid")
    reviewer.goto(f"{base}/review/meetings/{rw.peer_review.pk}/")
    reviewer.get_by_role("link", name="Evidence beside the answers").click()
    row = reviewer.get_by_test_id(f"peer-evidence-{live_world.partnership_a.pk}-{terms.code}")
    expect(row.get_by_text("Rated above the evidence")).to_be_visible()
    expect(row.get_by_text("c of 10")).to_be_visible()
    assert "4 of 10" not in reviewer.content()
    assert_accessible(reviewer, "review-evidence-peer")
    with reviewer.expect_download() as download:
        reviewer.goto(f"{base}/review/meetings/{rw.peer_review.pk}/")
        reviewer.get_by_role("link", name="Download the pre-reading pack (PDF)").click()
    assert download.value.suggested_filename.startswith("pre-reading-pack-")

    # 5. The London lead opens the evidence heat map from the results page.
    lena = new_page()
    sign_in_as(lena, base, "london@test.invalid")
    lena.goto(f"{base}/review/cycles/{rw.cycle.pk}/results/")
    lena.get_by_role("link", name="Evidence against self-ratings").click()
    heat = lena.get_by_test_id("evidence-map")
    expect(heat.get_by_role("link", name="Alpha")).to_be_visible()
    flags = lena.get_by_test_id("evidence-flags")
    expect(flags.get_by_role("row").filter(has_text="Alpha").filter(has_text=terms.code)).to_contain_text("Top rating")
    assert "4 of 10" not in lena.content()
    assert_accessible(lena, "review-evidence-heat-map")
