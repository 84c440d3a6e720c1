"""The findings report for a review round and the pre-reading pack for a peer-review meeting,
assembled from the records (the same context feeds the web page and the PDF)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.db.models import Prefetch

from . import analysis, returns_evidence, selectors
from .models import (
    Assessment,
    Evidence,
    ImplementationAction,
    PeerReview,
    Question,
    ReviewArea,
    ReviewerAssignment,
    ReviewRound,
    Sector,
    Theme,
)
from .policies import policy


def findings_report(review_round: ReviewRound, user: Any) -> dict[str, Any]:
    """Everything the person may see about the round, in the report's order: how the review
    was done, what the self-assessment showed, findings by theme, and recommendations with
    their owners and implementation progress."""
    reviews = list(selectors.peer_reviews_visible_to(user).filter(round=review_round))
    findings = list(selectors.findings_visible_to(user).filter(round=review_round).prefetch_related("recommendations"))
    recommendations = list(
        selectors.recommendations_visible_to(user)
        .filter(round=review_round)
        .prefetch_related(
            "findings",
            Prefetch("actions", queryset=ImplementationAction.objects.order_by("due_date", "pk")),
        )
    )
    by_theme: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for value, label in Theme.choices:
        items = [f for f in findings if f.theme == value]
        if items:
            by_theme[value] = {"label": label, "findings": items}
    held = [r for r in reviews if r.status == PeerReview.Status.HELD]
    reviewed = sorted({str(p) for r in held for p in r.partnerships.all()})
    sectors = sorted(
        {str(Sector(a.sector).label) for r in reviews for a in r.reviewer_assignments.all() if a.sector != Sector.OTHER}
    )
    heat = analysis.cycle_heat_map(review_round.cycle) if review_round.cycle else None
    show_named = bool(
        review_round.cycle and (review_round.cycle.results_published or policy.can(user, "manage_review"))
    )
    status_counts: dict[str, int] = {}
    for rec in recommendations:
        status_counts[rec.get_status_display()] = status_counts.get(rec.get_status_display(), 0) + 1
    return {
        "round": review_round,
        "reviews": reviews,
        "held": held,
        "reviewed": reviewed,
        "sectors": sectors,
        "areas": ReviewArea.choices,
        "heat": heat,
        "show_named": show_named,
        "themes": list(by_theme.values()),
        "findings": findings,
        "recommendations": recommendations,
        "status_counts": sorted(status_counts.items()),
    }


def pre_reading_pack(review: PeerReview) -> dict[str, Any]:
    """Each reviewed partnership's self-assessment: status, section scores beside the London
    median, and every answer with its comment and evidence file names."""
    partnerships = list(review.partnerships.order_by("short_name"))
    cycle = review.round.cycle
    # The pack reaches people outside each partnership: its figures pass disclosure control and
    # sit beside the London median of the submitted returns' frozen evidence.
    medians = returns_evidence.cycle_medians(cycle) if cycle else {}
    entries: list[dict[str, Any]] = []
    for partnership in partnerships:
        assessment = (
            Assessment.objects.filter(cycle=cycle, partnership=partnership).select_related("cycle").first()
            if cycle
            else None
        )
        if assessment is None:
            entries.append({"partnership": partnership, "assessment": None})
            continue
        previous = selectors.previous_assessment(assessment)
        comparison = analysis.assessment_comparison(assessment, previous)
        answers = {
            a.question_id: a
            for a in assessment.answers.prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.select_related("file"))
            )
        }
        questions = list(Question.objects.filter(section__framework_version=assessment.cycle.framework_version_id))
        evidence = returns_evidence.outside_evidence(assessment, questions, medians)
        by_section: dict[int, list[Question]] = {}
        for question in sorted(questions, key=lambda q: (q.order, q.code)):
            by_section.setdefault(question.section_id, []).append(question)
        sections = []
        for row in comparison.section_rows:
            section = row["section"]
            sections.append(
                {
                    **row,
                    "questions": [
                        {"question": q, "answer": answers.get(q.pk), "evidence": evidence.get(q.pk)}
                        for q in by_section.get(section.pk, [])
                    ],
                }
            )
        entries.append(
            {
                "partnership": partnership,
                "assessment": assessment,
                "comparison": comparison,
                "sections": sections,
                "scale": assessment.cycle.framework_version.rating_scale,
                "frozen": assessment.is_submitted and assessment.evidence_snapshot is not None,
            }
        )
    return {
        "review": review,
        "entries": entries,
        "reviewers": list(ReviewerAssignment.objects.filter(review=review).select_related("user").order_by("sector")),
        "areas": ReviewArea.choices,
        "min_returns": returns_evidence.MIN_RETURNS_FOR_MEDIAN,
    }
