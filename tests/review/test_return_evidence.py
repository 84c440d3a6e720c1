"""The evidence beside a return's questions: suggested ratings a person confirms or changes with a
reason, figures frozen at submission, the query budget of the return page, and disclosure control
wherever the figures reach people outside the partnership (peer reviewers, the London heat map).

The records are panel meetings made with ``tests.factories.meetings``; the oracle for each figure
is a count written here (held meetings, quorate ones), never the evidence code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.meetings.models import Meeting, MeetingStatus
from macehub.review.evidence.compute import Figure
from macehub.review.evidence.ratings import suggest
from macehub.review.models import Answer, Assessment, Question
from macehub.review.returns_evidence import protect
from macehub.review.services import cycles as services
from tests.factories.meetings import make_meeting
from tests.factories.personas import World
from tests.factories.review import ReviewWorld

from .conftest import section_post

QUORATE = "meetings_quorate_share"


def hold_meetings(world: World, panel: Any, *, quorate: int, not_quorate: int) -> list[Meeting]:
    """Held meetings inside the return's period (the 12 months before the cycle opened, 10 days ago)."""
    made = []
    for i in range(quorate + not_quorate):
        made.append(
            make_meeting(
                panel,
                days=-20 - 14 * i,
                status=MeetingStatus.HELD,
                closed_at=timezone.now(),
                quorate=i < quorate,
                chair=world.user("chair_a"),
            )
        )
    return made


def quorate_question(rw: ReviewWorld) -> Question:
    question = next(
        q
        for q in Question.objects.filter(section__framework_version=rw.version).order_by("section__order", "order")
        if QUORATE in (q.measures or [])
    )
    return question


def rate_everything(assessment: Assessment, rating: int = 2) -> None:
    answered = set(Answer.objects.filter(assessment=assessment).values_list("question_id", flat=True))
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, rating=rating)
        for q in Question.objects.filter(section__framework_version=assessment.cycle.framework_version)
        if q.pk not in answered
    )
    Answer.objects.filter(assessment=assessment).update(rating=rating)


def held(panel: Any, **extra: Any) -> int:
    return Meeting.objects.filter(panel=panel, status=MeetingStatus.HELD, **extra).count()


# --- Inside the partnership ------------------------------------------------------------------


def test_a_submitted_return_keeps_the_evidence_it_was_submitted_with(
    world: World, rw: ReviewWorld, client_as: Any
) -> None:
    meetings = hold_meetings(world, world.panel_a, quorate=4, not_quorate=6)
    assert (held(world.panel_a, quorate=True), held(world.panel_a)) == (4, 10)
    question = quorate_question(rw)
    rate_everything(rw.return_a)
    lead = world.user("lead_a")
    services.assessment_submit(actor=lead, assessment=rw.return_a, expected_version=rw.return_a.version)
    rw.return_a.refresh_from_db()
    frozen = rw.return_a.evidence_snapshot["figures"][QUORATE]
    assert (frozen["numerator"], frozen["denominator"], frozen["value"]) == (4, 10, 40.0)

    # Three meetings are corrected afterwards: they were quorate after all.
    Meeting.objects.filter(pk__in=[m.pk for m in meetings[4:7]]).update(quorate=True)
    assert held(world.panel_a, quorate=True) == 7

    page = client_as("lead_a").get(f"/review/returns/{rw.return_a.pk}/sections/{question.section_id}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "40% (4 of 10)" in html
    assert "Figure has changed since submission: was 40% (4 of 10), now 70% (7 of 10)." in html
    rw.return_a.refresh_from_db()
    assert rw.return_a.evidence_snapshot["figures"][QUORATE]["numerator"] == 4
    detail = client_as("lead_a").get(f"/review/returns/{rw.return_a.pk}/").content.decode()
    assert "1 figure has changed since submission" in detail


def test_a_different_rating_from_the_suggestion_needs_a_reason(world: World, rw: ReviewWorld, client_as: Any) -> None:
    hold_meetings(world, world.panel_a, quorate=10, not_quorate=0)
    question = quorate_question(rw)
    section = question.section
    version = rw.version
    figure = rw_figures(rw)[QUORATE]
    assert (figure.numerator, figure.denominator) == (held(world.panel_a, quorate=True), held(world.panel_a))
    suggested = suggest(
        question, [f for k, f in rw_figures(rw).items() if k in question.measures], version.rating_scale
    )
    assert suggested.rating is not None
    other = 1 if suggested.rating != 1 else 2
    client = client_as("coordinator_a")
    url = f"/review/returns/{rw.return_a.pk}/sections/{section.pk}/"
    page = client.get(url)
    assert "(suggested from the evidence)" in page.content.decode()
    state = rw.return_a.section_states.get(section=section)

    refused = client.post(url, section_post(section, state.version, {question.pk: other}))
    assert refused.status_code == 200
    assert f"{question.code}: say why you chose" in refused.content.decode()
    before = Answer.objects.filter(assessment=rw.return_a, question=question).values_list("rating", flat=True)
    assert list(before) == [rw.answer_a.rating]  # the factory's answer, unchanged

    data = section_post(section, state.version, {question.pk: other})
    data[f"q{question.pk}_comment"] = "Two of the quorate meetings had no health representative."
    assert client.post(url, data).status_code == 302
    answer = Answer.objects.get(assessment=rw.return_a, question=question)
    assert (answer.rating, answer.suggested_rating) == (other, suggested.rating)
    assert answer.suggestion_reasons and "Two of the quorate" in answer.comment

    # Accepting the suggestion needs no reason.
    state.refresh_from_db()
    assert client.post(url, section_post(section, state.version, {question.pk: suggested.rating})).status_code == 302
    answer.refresh_from_db()
    assert answer.rating == answer.suggested_rating == suggested.rating


def rw_figures(rw: ReviewWorld) -> dict[str, Figure]:
    from macehub.review.evidence.compute import evidence_for, evidence_period

    start, end = evidence_period(rw.cycle)
    return evidence_for(rw.return_a.partnership, start, end)


def test_the_return_page_costs_the_same_queries_for_few_and_many_records(
    world: World, rw: ReviewWorld, client_as: Any
) -> None:
    question = quorate_question(rw)
    client = client_as("coordinator_a")
    url = f"/review/returns/{rw.return_a.pk}/sections/{question.section_id}/"
    hold_meetings(world, world.panel_a, quorate=1, not_quorate=1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    hold_meetings(world, world.panel_a, quorate=6, not_quorate=4)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert f"({held(world.panel_a, quorate=True)} of {held(world.panel_a)})" in page.content.decode()
    assert len(many) == len(few)


# --- Outside the partnership: disclosure control ---------------------------------------------


def test_small_counts_and_shares_resting_on_them_are_not_shown_outside() -> None:
    def figure(n: int, d: int) -> Figure:
        return Figure(QUORATE, "Meetings that were quorate", round(100 * n / d, 1), n, d, "%", "", "")

    forty = protect(figure(4, 10))
    assert (forty.value, forty.numerator, forty.denominator) == ("c", "c", "10")
    # 9 of 10: the one meeting that was not quorate is a small count too.
    nine = protect(figure(9, 10))
    assert nine.value == "c" and "c" in (nine.numerator, nine.denominator)
    half = protect(figure(10, 20))
    assert (half.value, half.numerator, half.denominator) == ("50%", "10", "20")
    none = protect(figure(0, 10))
    assert (none.value, none.numerator, none.denominator) == ("0%", "0", "10")


def test_peer_reviewers_see_evidence_beside_answers_without_small_counts(
    world: World, rw: ReviewWorld, client_as: Any
) -> None:
    hold_meetings(world, world.panel_a, quorate=4, not_quorate=6)
    question = quorate_question(rw)
    own = client_as("lead_a").get(f"/review/returns/{rw.return_a.pk}/sections/{question.section_id}/")
    assert "40% (4 of 10)" in own.content.decode()

    page = client_as("peer_reviewer").get(f"/review/meetings/{rw.peer_review.pk}/evidence/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="peer-evidence-{world.partnership_a.pk}-{question.code}"' in html
    assert "40%" not in html and "4 of 10" not in html
    assert "c of 10" in html

    read = client_as("peer_reviewer").get(f"/review/returns/{rw.return_a.pk}/sections/{question.section_id}/")
    assert "40%" not in read.content.decode() and "c of 10" in read.content.decode()


def test_the_london_heat_map_flags_unsupported_top_ratings_without_small_counts(
    world: World, rw: ReviewWorld, client_as: Any
) -> None:
    from macehub.review.evidence.compute import snapshot_for

    hold_meetings(world, world.panel_b, quorate=4, not_quorate=6)
    question = quorate_question(rw)
    top = rw.version.top_rating
    Answer.objects.filter(assessment=rw.return_b, question=question).update(rating=top)
    Assessment.objects.filter(pk=rw.return_b.pk).update(evidence_snapshot=snapshot_for(rw.return_b))

    page = client_as("london_team").get(f"/review/cycles/{rw.cycle.pk}/evidence/")
    html = page.content.decode()
    assert page.status_code == 200
    flags = html.split('data-testid="evidence-flags"', 1)[1]
    row = next(r for r in flags.split("<tr") if f">{question.code}</abbr>" in r)
    assert world.partnership_b.short_name in row and f"{top} – {rw.version.scale_label(top)}" in row
    assert "Top rating" in row
    assert "40%" not in html and "4 of 10" not in html and "c</strong> (c of 10)" in row

    assert client_as("chair_a").get(f"/review/cycles/{rw.cycle.pk}/evidence/").status_code == 200
    assert client_as("borough_admin_b").get(f"/review/cycles/{rw.cycle.pk}/evidence/").status_code == 404


def test_submitting_keeps_the_period_of_the_cycle(world: World, rw: ReviewWorld) -> None:
    rate_everything(rw.return_a)
    services.assessment_submit(actor=world.user("lead_a"), assessment=rw.return_a, expected_version=rw.return_a.version)
    rw.return_a.refresh_from_db()
    opens = rw.cycle.opens_on
    assert rw.return_a.evidence_snapshot["period_end"] == (opens - timedelta(days=1)).isoformat()
