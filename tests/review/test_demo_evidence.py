"""The demo's current self-assessment shows real evidence from the demo records: Lambeth's return
(the one the demo coordinator opens) has figures for every section, and City and Hackney's
submitted return carries its frozen evidence and suggested ratings, with top ratings the
evidence does not support flagged on the London heat map."""

from __future__ import annotations

from typing import Any

from django.test import Client

from macehub.accounts.models import User
from macehub.core.demo import DEMO_EMAIL_DOMAIN
from macehub.meetings.models import Meeting, MeetingStatus
from macehub.review import evidence_map
from macehub.review.evidence.compute import evidence_for, evidence_period
from macehub.review.models import Answer, Cycle, Section
from tests.factories.personas import sign_in


def test_the_demo_return_shows_evidence_from_the_records_in_every_section(demo_db: Any) -> None:
    current = Cycle.objects.get(status="open")
    lambeth = current.assessments.select_related("partnership").get(partnership__short_name="Lambeth")
    start, end = evidence_period(current)
    figures = evidence_for(lambeth.partnership, start, end)
    held = Meeting.objects.filter(
        panel__partnership=lambeth.partnership, status=MeetingStatus.HELD, date__gte=start, date__lte=end
    ).count()
    assert held > 0 and figures["meetings_held_share"].numerator == held
    sections = Section.objects.filter(framework_version=current.framework_version).prefetch_related("questions")
    for section in sections:
        keys = {key for q in section.questions.all() for key in q.measures}
        with_value = [k for k in keys if figures[k].value is not None]
        assert with_value, f"section {section.code} shows no figure from Lambeth's records"

    amara = User.objects.get(email=f"amara@{DEMO_EMAIL_DOMAIN}")
    first = sections.order_by("order").first()
    assert first is not None
    page = sign_in(Client(), amara).get(f"/review/returns/{lambeth.pk}/sections/{first.pk}/")
    assert page.status_code == 200
    assert "What the records show" in page.content.decode() and "Suggested rating" in page.content.decode()


def test_the_demo_submitted_return_keeps_its_evidence_and_the_heat_map_flags_it(demo_db: Any) -> None:
    current = Cycle.objects.get(status="open")
    city = current.assessments.get(partnership__short_name="City and Hackney")
    assert city.is_submitted and city.evidence_snapshot
    suggested = Answer.objects.filter(assessment=city, suggested_rating__isnull=False)
    assert suggested.exists() and all(a.suggestion_reasons for a in suggested)
    top = current.framework_version.top_rating
    overrated = suggested.filter(rating=top).exclude(suggested_rating=top)
    flags = evidence_map.evidence_map(current).flags
    flagged = {f.question.pk for f in flags if f.assessment.pk == city.pk and f.top_rated}
    assert flagged and flagged == set(overrated.values_list("question_id", flat=True))
