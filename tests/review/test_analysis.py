"""Scores: per question and section, the London heat map and distributions, a partnership's own
view beside the London median (no other partnership named), change since the last cycle."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.utils import timezone

from macehub.organisations.models import Partnership
from macehub.review import analysis
from macehub.review.models import Answer, Assessment, Cycle, Question, Section
from macehub.review.services import cycles as services


def _submitted_return(cycle, partnership, ratings_by_section: dict[str, int]) -> Assessment:
    assessment = Assessment.objects.create(
        cycle=cycle, partnership=partnership, status="submitted", submitted_at=timezone.now()
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, rating=ratings_by_section[q.section.key])
        for q in Question.objects.filter(section__framework_version=cycle.framework_version).select_related("section")
    )
    return assessment


def _extra_partnerships(n: int) -> list[Partnership]:
    return [Partnership.objects.create(name=f"Extra {i} partnership", short_name=f"Extra{i}") for i in range(n)]


def _all(value: int, version) -> dict[str, int]:
    return {s.key: value for s in Section.objects.filter(framework_version=version)}


def test_section_scores_medians_and_distribution(rw) -> None:
    version = rw.version
    keys = [s.key for s in Section.objects.filter(framework_version=version).order_by("order")]
    for i, partnership in enumerate(_extra_partnerships(2)):
        _submitted_return(rw.cycle, partnership, {k: (1 if i == 0 else 4) if k == keys[0] else 2 for k in keys})
    heat = analysis.cycle_heat_map(rw.cycle)
    assert (heat.returned, heat.participating) == (3, 4)
    assert [row.assessment.partnership.short_name for row in heat.rows] == ["Bravo", "Extra0", "Extra1"]
    # Section A: Bravo 3, Extra0 1, Extra1 4 → median 3; every other section: 3, 2, 2 → median 2.
    assert heat.medians[0] == 3.0 and heat.medians[1] == 2.0
    assert heat.rows[1].cells[0] == (1.0, 1) and heat.rows[2].cells[0] == (4.0, 4)
    section_a_questions = Question.objects.filter(section__key=keys[0], section__framework_version=version).count()
    assert heat.distribution[0] == [section_a_questions, 0, section_a_questions, section_a_questions]
    assert [a.partnership.short_name for a in heat.not_returned] == ["Alpha"], "in-progress returns are left out"
    first = heat.question_rows[0]
    assert first["counts"] == [1, 0, 1, 1] and first["median"] == 3.0 and first["answered"] == 3


def test_the_heat_map_page_has_a_chart_with_its_data_table_and_no_inline_script(rw, client_as) -> None:
    response = client_as("london_team").get(f"/review/cycles/{rw.cycle.pk}/results/")
    html = response.content.decode()
    assert 'data-testid="heat-map"' in html and 'data-testid="distribution"' in html
    data = json.loads(
        re.search(r'<script id="review-distribution-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert data["type"] == "distribution" and len(data["labels"]) == 6 and len(data["series"]) == 4
    assert 'data-review-chart="review-distribution-data"' in html
    scripts = re.findall(r"<script(?![^>]*application/json)[^>]*>", html)
    assert scripts and all("nonce=" in s and "src=" in s for s in scripts), "every script is a file with a nonce"
    assert "chart.umd.min.js" in html and "review/js/charts.js" in html


def test_a_partnership_sees_itself_beside_the_london_median_without_other_names(rw, client_as) -> None:
    client = client_as("borough_admin_b")
    url = f"/review/returns/{rw.return_b.pk}/results/"
    html = client.get(url).content.decode()
    assert "London median is shown once at least 5 returns have been submitted (so far: 1)" in html
    extras = _extra_partnerships(4)
    for partnership in extras:
        _submitted_return(rw.cycle, partnership, _all(1, rw.version))
    html = client.get(url).content.decode()
    assert "taken across the 5 submitted returns" in html
    assert "Bravo" in html and not any(p.short_name in html for p in [*extras, rw.return_a.partnership])
    comparison = analysis.assessment_comparison(Assessment.objects.get(pk=rw.return_b.pk), None)
    assert comparison.show_median and all(row["median"] == 1.0 for row in comparison.section_rows)
    assert all(row["own"] == 3.0 for row in comparison.section_rows)
    # Until the London team publishes named results, a partnership cannot open the heat map.
    assert client.get(f"/review/cycles/{rw.cycle.pk}/results/").status_code == 403


def test_published_named_results_open_the_heat_map_to_partnerships(rw, client_as) -> None:
    london = client_as("london_team")
    response = london.post(f"/review/cycles/{rw.cycle.pk}/publish/", {"version": rw.cycle.version, "publish": "yes"})
    assert response.status_code == 302 and Cycle.objects.get(pk=rw.cycle.pk).results_published
    html = client_as("lead_a").get(f"/review/cycles/{rw.cycle.pk}/results/").content.decode()
    assert "Bravo" in html
    assert client_as("member_b").get(f"/review/cycles/{rw.cycle.pk}/results/").status_code == 403


def test_change_since_the_last_cycle_is_shown_by_section(rw, world, client_as) -> None:
    Assessment.objects.filter(pk=rw.return_b.pk).update(status="submitted")
    today = timezone.localdate()
    later = services.cycle_open(
        actor=world.user("london_team"),
        name="Later cycle",
        framework_version=rw.version,
        opens_on=today,
        deadline=today + timedelta(days=10),
        partnerships=[world.partnership_b],
        previous=rw.cycle,
    )
    now = later.assessments.get()
    Answer.objects.bulk_create(
        Answer(assessment=now, question=q, rating=4)
        for q in Question.objects.filter(section__framework_version=rw.version)
    )
    comparison = analysis.assessment_comparison(now, Assessment.objects.get(pk=rw.return_b.pk))
    assert all(row["previous"] == 3.0 and row["change"] == 1.0 for row in comparison.section_rows)
    html = client_as("borough_admin_b").get(f"/review/returns/{now.pk}/results/").content.decode()
    assert "+1.0" in html and "Test self-assessment" in html


def test_a_cycle_exports_to_a_spreadsheet(rw, client_as) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_as("london_team").get(f"/review/cycles/{rw.cycle.pk}/export/")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Section scores", "Questions", "Returns"]
    rows = list(book["Section scores"].iter_rows(values_only=True))
    assert rows[1][0] == "Bravo" and rows[1][1] == 3 and rows[-1][0] == "London median"
