"""The London evidence heat map: every submitted return's self-ratings against the evidence it
was submitted with, for the London team and the MACE Chairs Reference Group. The figures it
prints pass disclosure control (:func:`macehub.review.returns_evidence.protect`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Answer, Assessment, Question, Section
from .returns_evidence import (
    Protected,
    figures_for_question,
    london_medians,
    protect,
    submitted_snapshots,
    suggestion_for,
)


@dataclass
class MapFlag:
    """A self-rating the evidence does not support."""

    assessment: Assessment
    question: Question
    rating: int
    suggested: int
    figures: list[Protected]

    @property
    def top_rated(self) -> bool:
        return self.rating == self.assessment.cycle.framework_version.top_rating


@dataclass
class MapCell:
    rated: int
    not_supported: int
    no_evidence: int

    @property
    def with_evidence(self) -> int:
        return self.rated - self.no_evidence

    @property
    def band(self) -> str:
        """The colour: none of the ratings unsupported, some, or a third or more."""
        with_evidence = self.with_evidence
        if with_evidence == 0:
            return "none"
        if self.not_supported == 0:
            return "ok"
        return "many" if self.not_supported * 3 >= with_evidence else "some"


@dataclass
class MapRow:
    assessment: Assessment
    cells: list[MapCell]

    @property
    def not_supported(self) -> int:
        return sum(c.not_supported for c in self.cells)


@dataclass
class EvidenceMap:
    cycle: Any
    sections: list[Any]
    rows: list[MapRow]
    flags: list[MapFlag]
    not_submitted: list[Assessment]
    medians: dict[str, str]


def evidence_map(cycle: Any) -> EvidenceMap:
    """Every submitted return's self-ratings against the evidence it was submitted with,
    partnership by section, and the answers the evidence does not support (rated above the
    rating the frozen figures suggest — "fully in place" with 40% of meetings quorate).

    A fixed number of queries whatever the number of returns: the returns with their frozen
    evidence, the sections and questions, and every rating."""
    version = cycle.framework_version
    sections = list(Section.objects.filter(framework_version=version).order_by("order", "code"))
    questions = list(
        Question.objects.filter(section__framework_version=version)
        .select_related("section")
        .order_by("section__order", "order")
    )
    assessments = list(
        Assessment.objects.filter(cycle=cycle)
        .select_related("partnership", "cycle__framework_version")
        .order_by("partnership__short_name")
    )
    submitted = [a for a in assessments if a.is_submitted]
    ratings = {
        (a, q): r
        for a, q, r in Answer.objects.filter(assessment__in=submitted, rating__isnull=False).values_list(
            "assessment_id", "question_id", "rating"
        )
    }
    snapshots = submitted_snapshots(submitted)
    scale = version.rating_scale
    rows: list[MapRow] = []
    flags: list[MapFlag] = []
    for assessment in submitted:
        figures = snapshots.get(assessment.pk, {})
        protected: dict[str, Protected] = {}
        cells = {s.pk: MapCell(0, 0, 0) for s in sections}
        for question in questions:
            rating = ratings.get((assessment.pk, question.pk))
            if rating is None:
                continue
            cell = cells[question.section_id]
            cell.rated += 1
            suggestion = suggestion_for(question, figures, scale)
            if suggestion is None or suggestion.rating is None:
                cell.no_evidence += 1
            elif rating > suggestion.rating:
                cell.not_supported += 1
                shown = []
                for figure in figures_for_question(question, figures):
                    if figure.key not in protected:
                        protected[figure.key] = protect(figure)
                    shown.append(protected[figure.key])
                flags.append(MapFlag(assessment, question, int(rating), int(suggestion.rating), shown))
        rows.append(MapRow(assessment, [cells[s.pk] for s in sections]))
    flags.sort(
        key=lambda f: (
            -(f.rating - f.suggested),
            f.assessment.partnership.short_name,
            f.question.section.order,
            f.question.order,
        )
    )
    return EvidenceMap(
        cycle=cycle,
        sections=sections,
        rows=rows,
        flags=flags,
        not_submitted=[a for a in assessments if not a.is_submitted],
        medians=london_medians(snapshots),
    )
