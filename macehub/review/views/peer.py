"""Peer review: rounds, meetings (plan, record, pre-reading pack), findings and the report."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.pdf import pdf_response
from macehub.core.submissions import once

from .. import report, selectors
from ..forms.common import ConfirmForm
from ..forms.peer import (
    FindingEditForm,
    FindingForm,
    PeerReviewPlanEditForm,
    PeerReviewPlanForm,
    PeerReviewRecordForm,
    RoundEditForm,
    RoundForm,
)
from ..models import Answer, Assessment, Cycle, Finding, PeerReview, Question, ReviewNote, ReviewRound
from ..policies import policy
from ..services import peer as services
from .common import handle, rebind


def _round_url(review_round: ReviewRound) -> str:
    return reverse("review:round_detail", args=[review_round.pk])


@require_GET
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    return render(
        request,
        "review/round_list.html",
        {
            "rounds": selectors.rounds_visible_to(request.user).order_by("-created_at"),
            "can_manage": policy.can(request.user, "manage_review"),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    form = RoundForm(request.POST or None, cycles=Cycle.objects.all())
    return handle(
        request,
        form,
        lambda data: services.round_save(
            actor=request.user,
            review_round=None,
            name=data["name"],
            cycle=data["cycle"],
            introduction=data["introduction"],
        ),
        success=_round_url,
        message=lambda r: f"{r.name} created. Plan its meetings next.",
        title="Start a peer review round",
        caption="MACE review",
        back=(reverse("review:round_list"), "All peer review rounds"),
        submit="Start the round",
    )


@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    policy.require(request.user, "view_round", review_round)
    reviews = selectors.peer_reviews_visible_to(request.user).filter(round=review_round)
    findings = selectors.findings_visible_to(request.user).filter(round=review_round)
    recommendations = selectors.recommendations_visible_to(request.user).filter(round=review_round)
    return render(
        request,
        "review/round_detail.html",
        {
            "round": review_round,
            "reviews": reviews,
            "findings": findings,
            "recommendations": recommendations,
            "can_manage": policy.can(request.user, "manage_review") and not review_round.is_published,
            "can_work": policy.can(request.user, "work_on_round", review_round),
            "can_publish": policy.can(request.user, "publish_round", review_round),
        },
    )


@require_http_methods(["GET", "POST"])
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    review_round = selectors.get_round_for(request.user, pk)
    form = RoundEditForm(request.POST or None, cycles=Cycle.objects.all(), instance=review_round)
    return handle(
        request,
        form,
        lambda data: services.round_save(
            actor=request.user,
            review_round=review_round,
            expected_version=data["version"],
            name=data["name"],
            cycle=data["cycle"],
            introduction=data["introduction"],
        ),
        success=_round_url,
        message="Round saved.",
        conflict=lambda: rebind(
            RoundEditForm,
            request,
            selectors.get_round_for(request.user, pk),
            cycles=Cycle.objects.all(),
            instance=selectors.get_round_for(request.user, pk),
        ),
        title="Change the round",
        caption=review_round.name,
        back=(_round_url(review_round), f"Back to {review_round.name}"),
    )


@require_http_methods(["GET", "POST"])
def round_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    review_round = selectors.get_round_for(request.user, pk)
    policy.require(request.user, "publish_round", review_round)
    form = ConfirmForm(request.POST or None, initial={"version": review_round.version})
    return handle(
        request,
        form,
        lambda data: services.round_publish(
            actor=request.user, review_round=review_round, expected_version=data["version"]
        ),
        success=lambda r: reverse("review:round_report", args=[r.pk]),
        message="Findings published. Every member can now read the report.",
        conflict=lambda: rebind(ConfirmForm, request, selectors.get_round_for(request.user, pk)),
        title="Publish the findings",
        caption=review_round.name,
        back=(_round_url(review_round), f"Back to {review_round.name}"),
        submit="Publish the findings",
        template="review/confirm.html",
        warning="Every approved member will be able to read the findings report, the findings and the recommendations. "
        "Meetings and findings can no longer be changed.",
    )


@require_GET
def round_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    policy.require(request.user, "view_round", review_round)
    return render(request, "review/round_report.html", report.findings_report(review_round, request.user))


@require_GET
def round_report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    policy.require(request.user, "view_round", review_round)
    context = report.findings_report(review_round, request.user)
    record(action=Action.EXPORT, actor=request.user, obj=review_round, detail={"format": "pdf", "report": "findings"})
    return pdf_response(
        "review/pdf/findings_report.html",
        {**context, "title": f"{review_round.name}: findings", "generated_at": timezone.now()},
        filename=f"findings-report-{review_round.pk}.pdf",
    )


def _partnership_choices(request: AuthenticatedHttpRequest) -> Any:
    return selectors.partnerships_reviewed_by(request.user)


@require_http_methods(["GET", "POST"])
@once
def review_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    review_round = selectors.get_round_for(request.user, pk)
    form = PeerReviewPlanForm(request.POST or None, partnerships=_partnership_choices(request))
    return handle(
        request,
        form,
        lambda data: services.peer_review_plan(
            actor=request.user,
            review_round=review_round,
            review=None,
            partnerships=list(data["partnerships"]),
            reviewers=form.reviewers(),
            title=data["title"],
            meeting_date=data["meeting_date"],
            meeting_link=data["meeting_link"],
        ),
        success=lambda r: reverse("review:review_detail", args=[r.pk]),
        message=lambda r: f"{r.title} planned.",
        title="Plan a peer review meeting",
        caption=review_round.name,
        back=(_round_url(review_round), f"Back to {review_round.name}"),
        submit="Plan the meeting",
    )


@require_GET
def review_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_peer_review_for(request.user, pk)
    notes = {n.area: n for n in review.notes.all()}
    returns = []
    if review.round.cycle_id:
        returns = list(
            Assessment.objects.filter(cycle_id=review.round.cycle_id, partnership__in=review.partnerships.all())
            .select_related("partnership")
            .order_by("partnership__short_name")
        )
    from ..models import ReviewArea

    return render(
        request,
        "review/review_detail.html",
        {
            "review": review,
            "notes": [(label, notes.get(value)) for value, label in ReviewArea.choices],
            "returns": returns,
            "can_record": policy.can(request.user, "record_peer_review", review),
            "can_manage": policy.can(request.user, "manage_review") and not review.round.is_published,
        },
    )


@require_http_methods(["GET", "POST"])
def review_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    review = selectors.get_peer_review_for(request.user, pk)
    form = PeerReviewPlanEditForm(request.POST or None, partnerships=_partnership_choices(request), instance=review)
    return handle(
        request,
        form,
        lambda data: services.peer_review_plan(
            actor=request.user,
            review_round=review.round,
            review=review,
            expected_version=data["version"],
            partnerships=list(data["partnerships"]),
            reviewers=form.reviewers(),
            title=data["title"],
            meeting_date=data["meeting_date"],
            meeting_link=data["meeting_link"],
        ),
        success=lambda r: reverse("review:review_detail", args=[r.pk]),
        message="Meeting plan saved.",
        conflict=lambda: rebind(
            PeerReviewPlanEditForm,
            request,
            selectors.get_peer_review_for(request.user, pk),
            partnerships=_partnership_choices(request),
            instance=selectors.get_peer_review_for(request.user, pk),
        ),
        title="Change the meeting plan",
        caption=review.title,
        back=(reverse("review:review_detail", args=[review.pk]), "Back to the meeting"),
    )


@require_http_methods(["GET", "POST"])
def review_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_peer_review_for(request.user, pk)
    policy.require(request.user, "record_peer_review", review)
    notes = {n.area: n.notes for n in review.notes.all()}
    form = PeerReviewRecordForm(request.POST or None, instance=review, notes=notes)

    def conflict() -> Any:
        current = selectors.get_peer_review_for(request.user, pk)
        return rebind(
            PeerReviewRecordForm,
            request,
            current,
            instance=current,
            notes={n.area: n.notes for n in current.notes.all()},
        )

    return handle(
        request,
        form,
        lambda data: services.peer_review_record(
            actor=request.user,
            review=review,
            expected_version=data["version"],
            notes=form.notes(),
            **form.values(),
        ),
        success=lambda r: reverse("review:review_detail", args=[r.pk]),
        message="Meeting record saved.",
        conflict=conflict,
        title="Record the meeting",
        caption=review.title,
        back=(reverse("review:review_detail", args=[review.pk]), "Back to the meeting"),
        intro="Notes for each of the review's four questions, then strengths and areas for development. "
        "No children's names or details.",
    )


@require_GET
def review_pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The pre-reading pack: each reviewed partnership's self-assessment, as a PDF."""
    review = selectors.get_peer_review_for(request.user, pk)
    context = report.pre_reading_pack(review)
    record(action=Action.EXPORT, actor=request.user, obj=review, detail={"format": "pdf", "report": "pre-reading pack"})
    return pdf_response(
        "review/pdf/pre_reading_pack.html",
        {**context, "title": f"Pre-reading pack: {review.title}", "generated_at": timezone.now()},
        filename=f"pre-reading-pack-{review.pk}.pdf",
    )


def _finding_form_kwargs(request: AuthenticatedHttpRequest, review_round: ReviewRound) -> dict[str, Any]:
    reviews = selectors.peer_reviews_visible_to(request.user).filter(round=review_round)
    questions = (
        Question.objects.filter(section__framework_version=review_round.cycle.framework_version_id).order_by(
            "section__order", "order"
        )
        if review_round.cycle
        else Question.objects.none()
    )
    return {
        "partnerships": _partnership_choices(request),
        "questions": questions,
        "notes": ReviewNote.objects.filter(review__in=reviews)
        .select_related("review")
        .order_by("review__meeting_date"),
        "reviews": reviews,
    }


def _evidence_answers(review_round: ReviewRound, data: dict[str, Any], allowed: Any) -> list[Answer]:
    """The submitted answers to the chosen questions from the partnerships the finding concerns
    (every partnership the person may see, for a London-wide finding)."""
    if not data.get("questions") or review_round.cycle_id is None:
        return []
    partnerships = list(data.get("partnerships") or allowed)
    return list(
        Answer.objects.filter(
            assessment__cycle_id=review_round.cycle_id,
            assessment__status=Assessment.Status.SUBMITTED,
            assessment__partnership__in=partnerships,
            question__in=data["questions"],
        ).select_related("assessment")
    )


@require_http_methods(["GET", "POST"])
@once
def finding_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    policy.require(request.user, "work_on_round", review_round)
    kwargs = _finding_form_kwargs(request, review_round)
    form = FindingForm(request.POST or None, **kwargs)
    return handle(
        request,
        form,
        lambda data: services.finding_save(
            actor=request.user,
            review_round=review_round,
            finding=None,
            partnerships=list(data["partnerships"]),
            evidence_answers=_evidence_answers(review_round, data, kwargs["partnerships"]),
            evidence_notes=list(data["notes"]),
            theme=data["theme"],
            title=data["title"],
            summary=data["summary"],
            source_review=data["source_review"],
        ),
        success=lambda f: reverse("review:finding_detail", args=[f.pk]),
        message="Finding recorded.",
        title="Record a finding",
        caption=review_round.name,
        back=(_round_url(review_round), f"Back to {review_round.name}"),
        submit="Record the finding",
    )


@require_GET
def finding_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.get_finding_for(request.user, pk)
    answers, notes = selectors.finding_evidence(finding)
    return render(
        request,
        "review/finding_detail.html",
        {
            "finding": finding,
            "answers": answers,
            "notes": notes,
            "recommendations": selectors.recommendations_visible_to(request.user).filter(findings=finding),
            "can_edit": policy.can(request.user, "work_on_round", finding.round),
            "can_recommend": policy.can(request.user, "manage_review") and not finding.round.is_published,
        },
    )


@require_http_methods(["GET", "POST"])
def finding_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    finding = selectors.get_finding_for(request.user, pk)
    review_round = finding.round
    policy.require(request.user, "work_on_round", review_round)
    kwargs = _finding_form_kwargs(request, review_round)
    form = FindingEditForm(request.POST or None, instance=finding, **kwargs)

    def conflict() -> Any:
        current = selectors.get_finding_for(request.user, pk)
        return rebind(FindingEditForm, request, current, instance=current, **kwargs)

    return handle(
        request,
        form,
        lambda data: services.finding_save(
            actor=request.user,
            review_round=review_round,
            finding=finding,
            expected_version=data["version"],
            partnerships=list(data["partnerships"]),
            evidence_answers=_evidence_answers(review_round, data, kwargs["partnerships"]),
            evidence_notes=list(data["notes"]),
            theme=data["theme"],
            title=data["title"],
            summary=data["summary"],
            source_review=data["source_review"],
        ),
        success=lambda f: reverse("review:finding_detail", args=[f.pk]),
        message="Finding saved.",
        conflict=conflict,
        title="Change the finding",
        caption=review_round.name,
        back=(reverse("review:finding_detail", args=[finding.pk]), "Back to the finding"),
    )


__all__ = ["Finding", "PeerReview"]
