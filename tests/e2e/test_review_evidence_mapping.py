"""The London team chooses which figures from the records a draft framework question shows
(issue #15): the catalogue as GOV.UK checkboxes, saved, and listed on the version page. The
return pages that show the figures are walked in the review cycle journey."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from macehub.review.models import Question
from tests.factories.personas import World
from tests.factories.review import review_world

from .conftest import assert_accessible, sign_in_as


@pytest.mark.browser
def test_the_london_team_chooses_a_questions_figures(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    rw = review_world(live_world)
    question = rw.draft_question
    assert question.measures  # copied from the published version

    lena = new_page()
    sign_in_as(lena, base, "london@test.invalid")
    lena.goto(f"{base}/review/frameworks/questions/{question.pk}/")
    figures = lena.get_by_role("group", name="Evidence figures from the records (optional)")
    expect(figures).to_be_visible()
    for key in question.measures:
        expect(figures.locator(f'input[value="{key}"]')).to_be_checked()
    assert_accessible(lena, "review-question-evidence-figures")
    for key in question.measures:
        figures.locator(f'input[value="{key}"]').uncheck()
    figures.get_by_label("Meetings: Quorate meetings").check()
    figures.get_by_label("Actions and escalation: Actions completed on time").check()
    lena.get_by_role("button", name="Save").first.click()
    expect(lena.get_by_text(f"Question {question.code} saved.")).to_be_visible()
    expect(lena.locator(f"#question-{question.pk}").get_by_test_id("question-measures")).to_contain_text(
        "Figures from the records: Quorate meetings; Actions completed on time"
    )
    assert_accessible(lena, "review-version-with-figures")
    question.refresh_from_db()
    assert question.measures == ["meetings_quorate_share", "actions_on_time_share"]
    published = Question.objects.get(section__framework_version=rw.version, key=question.key)
    assert published.measures != question.measures
