"""Scores from submitted returns: per question, per section, London medians, the heat map,
distributions and change since the last cycle.

A section's score is the mean of its question ratings. Only submitted returns count towards
London figures. Aggregation runs in the database (one query per figure set, whatever the
number of partnerships); medians of at most a few dozen numbers are taken in Python.
Sections and questions are matched between cycles by their stable ``key``, so a change of
framework version does not break "change since last cycle".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count

from .models import Answer, Assessment, Cycle, Question, Section

#: London medians are hidden until this many returns are in: with fewer, one partnership
#: could work out another's scores from its own and the median.
MIN_RETURNS_FOR_MEDIAN = 5


def band(score: float | None, top: int) -> int | None:
    """The scale level a score rounds to (half up), for colouring the heat map."""
    if score is None:
        return None
    rounded = int(Decimal(str(score)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return min(top, max(1, rounded))


def _present(values: list[float | None]) -> list[float]:
    return [v for v in values if v is not None]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None


def section_scores(assessment_ids: list[int]) -> dict[tuple[int, str], float]:
    """{(assessment id, section key): mean rating}."""
    rows = (
        Answer.objects.filter(assessment_id__in=assessment_ids, rating__isnull=False)
        .values("assessment_id", "question__section__key")
        .annotate(avg=Avg("rating"))
        .values_list("assessment_id", "question__section__key", "avg")
    )
    return {(a, key): round(float(avg), 2) for a, key, avg in rows}


def question_ratings(assessment_ids: list[int]) -> dict[tuple[int, str], int]:
    """{(assessment id, question key): rating}."""
    rows = Answer.objects.filter(assessment_id__in=assessment_ids, rating__isnull=False).values_list(
        "assessment_id", "question__key", "rating"
    )
    return {(a, key): int(rating or 0) for a, key, rating in rows}


@dataclass
class HeatRow:
    assessment: Assessment
    cells: list[tuple[float | None, int | None]]
    overall: float | None


@dataclass
class HeatMap:
    cycle: Cycle
    sections: list[Section]
    rows: list[HeatRow]
    medians: list[float | None]
    distribution: list[list[int]]
    scale: list[dict[str, Any]]
    not_returned: list[Assessment]
    participating: int
    question_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def returned(self) -> int:
        return len(self.rows)

    @property
    def distribution_rows(self) -> list[tuple[Section, list[int]]]:
        return list(zip(self.sections, self.distribution, strict=True))

    @property
    def summary_rows(self) -> list[tuple[Section, float | None, list[int]]]:
        return list(zip(self.sections, self.medians, self.distribution, strict=True))

    def chart_data(self) -> dict[str, Any]:
        return {
            "type": "distribution",
            "labels": [f"{s.code}. {s.title}" for s in self.sections],
            "series": [
                {"label": level["label"], "level": level["value"], "data": [counts[i] for counts in self.distribution]}
                for i, level in enumerate(self.scale)
            ],
        }


def cycle_heat_map(cycle: Cycle) -> HeatMap:
    version = cycle.framework_version
    sections = list(Section.objects.filter(framework_version=version).order_by("order", "code"))
    assessments = list(cycle.assessments.select_related("partnership").order_by("partnership__short_name"))
    submitted = [a for a in assessments if a.is_submitted]
    scores = section_scores([a.pk for a in submitted])
    top = len(version.rating_scale)
    rows = []
    for assessment in submitted:
        cells = []
        for section in sections:
            score = scores.get((assessment.pk, section.key))
            cells.append((score, band(score, top)))
        values = [c[0] for c in cells if c[0] is not None]
        rows.append(HeatRow(assessment, cells, round(statistics.fmean(values), 2) if values else None))
    medians = [_median(_present([row.cells[i][0] for row in rows])) for i in range(len(sections))]

    counts = (
        Answer.objects.filter(assessment__in=submitted, rating__isnull=False)
        .values("question__section_id", "rating")
        .annotate(n=Count("id"))
        .values_list("question__section_id", "rating", "n")
    )
    by_section: dict[int, dict[int, int]] = {}
    for section_id, rating, n in counts:
        by_section.setdefault(section_id, {})[int(rating or 0)] = n
    distribution = [[by_section.get(s.pk, {}).get(level, 0) for level in range(1, top + 1)] for s in sections]

    question_counts: dict[int, dict[int, int]] = {}
    for question_id, rating, n in (
        Answer.objects.filter(assessment__in=submitted, rating__isnull=False)
        .values("question_id", "rating")
        .annotate(n=Count("id"))
        .values_list("question_id", "rating", "n")
    ):
        question_counts.setdefault(question_id, {})[int(rating or 0)] = n
    question_rows = []
    for question in Question.objects.filter(section__framework_version=version).select_related("section"):
        spread = question_counts.get(question.pk, {})
        ratings = [level for level, n in sorted(spread.items()) for _ in range(n)]
        question_rows.append(
            {
                "question": question,
                "counts": [spread.get(level, 0) for level in range(1, top + 1)],
                "median": _median([float(r) for r in ratings]),
                "answered": len(ratings),
            }
        )
    return HeatMap(
        cycle=cycle,
        sections=sections,
        rows=rows,
        medians=medians,
        distribution=distribution,
        scale=version.rating_scale,
        not_returned=[a for a in assessments if not a.is_submitted],
        participating=len(assessments),
        question_rows=question_rows,
    )


@dataclass
class Comparison:
    """A partnership's own scores beside the London median and its previous return."""

    assessment: Assessment
    previous: Assessment | None
    london_returns: int
    show_median: bool
    section_rows: list[dict[str, Any]]
    question_rows: list[dict[str, Any]]

    def chart_data(self) -> dict[str, Any]:
        series = [
            {"label": str(self.assessment.partnership), "data": [r["own"] for r in self.section_rows]},
        ]
        if self.show_median:
            series.append({"label": "London median", "data": [r["median"] for r in self.section_rows]})
        if self.previous is not None:
            series.append({"label": str(self.previous.cycle), "data": [r["previous"] for r in self.section_rows]})
        return {
            "type": "comparison",
            "labels": [f"{r['section'].code}. {r['section'].title}" for r in self.section_rows],
            "series": series,
            "max": self.assessment.cycle.framework_version.top_rating,
        }


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 2)


def assessment_comparison(assessment: Assessment, previous: Assessment | None) -> Comparison:
    """No other partnership is named here: only the London median across submitted returns."""
    cycle = assessment.cycle
    version = cycle.framework_version
    sections = list(Section.objects.filter(framework_version=version).order_by("order", "code"))
    questions = list(Question.objects.filter(section__framework_version=version).select_related("section"))
    submitted_ids = list(cycle.assessments.filter(status=Assessment.Status.SUBMITTED).values_list("pk", flat=True))
    ids = [*submitted_ids, assessment.pk] + ([previous.pk] if previous else [])
    scores = section_scores(ids)
    ratings = question_ratings(ids)
    show_median = len(submitted_ids) >= MIN_RETURNS_FOR_MEDIAN
    section_rows = []
    for section in sections:
        own = scores.get((assessment.pk, section.key))
        before = scores.get((previous.pk, section.key)) if previous else None
        median = _median([scores[(a, section.key)] for a in submitted_ids if (a, section.key) in scores])
        section_rows.append(
            {
                "section": section,
                "own": own,
                "median": median if show_median else None,
                "previous": before,
                "change": _change(own, before),
            }
        )
    question_rows = []
    for question in questions:
        own_rating = ratings.get((assessment.pk, question.key))
        before_rating = ratings.get((previous.pk, question.key)) if previous else None
        others = [float(ratings[(a, question.key)]) for a in submitted_ids if (a, question.key) in ratings]
        question_rows.append(
            {
                "question": question,
                "own": own_rating,
                "median": _median(others) if show_median else None,
                "previous": before_rating,
                "change": _change(
                    float(own_rating) if own_rating else None, float(before_rating) if before_rating else None
                ),
            }
        )
    return Comparison(assessment, previous, len(submitted_ids), show_median, section_rows, question_rows)
