"""A partnership's return: the task list, section pages, evidence, carry forward, submit,
reopen, and its own results beside the London median."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core import uploads
from macehub.core.forms import rebind_after_conflict
from macehub.core.selectors import get_visible_or_404
from macehub.core.services import ConcurrentEditError

from .. import analysis, returns_evidence, selectors
from ..forms.common import ConfirmForm, apply_errors
from ..forms.cycles import ReopenForm, SectionAnswersForm, SubmitForm
from ..models import Answer, Assessment, Section
from ..policies import assessments, policy
from ..services import cycles as services
from .common import handle, page, rebind


def _detail_url(assessment: Assessment) -> str:
    return reverse("review:return_detail", args=[assessment.pk])


def _permissions(request: AuthenticatedHttpRequest, assessment: Assessment) -> dict[str, bool]:
    user = request.user
    return {
        "can_edit": policy.can(user, "edit_assessment", assessment),
        "can_submit": policy.can(user, "submit_assessment", assessment),
        "can_reopen": policy.can(user, "reopen_assessment", assessment),
        "can_manage": policy.can(user, "manage_review"),
    }


@require_GET
def return_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    progress = selectors.section_progress(assessment)
    previous = selectors.previous_assessment(assessment)
    total = sum(row["total"] for row in progress)
    answered = sum(row["answered"] for row in progress)
    carried = sum(row["carried"] for row in progress)
    permissions = _permissions(request, assessment)
    moved_since = None
    if assessment.is_submitted and assessment.evidence_snapshot:
        moved_since = returns_evidence.moved_since_submission(assessment)
    return render(
        request,
        "review/return_detail.html",
        {
            "assessment": assessment,
            "cycle": assessment.cycle,
            "progress": progress,
            "total": total,
            "answered": answered,
            "carried": carried,
            "previous": previous,
            "can_carry_forward": permissions["can_edit"]
            and previous is not None
            and previous.answers.exists()
            and answered < total,
            "meetings": selectors.peer_reviews_of(assessment),
            "moved_since": moved_since,
            **permissions,
        },
    )


def _section_context(assessment: Assessment, section: Section) -> dict[str, Any]:
    sections = list(
        Section.objects.filter(framework_version_id=assessment.cycle.framework_version_id).order_by("order", "code")
    )
    position = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    return {
        "assessment": assessment,
        "section": section,
        "scale": assessment.cycle.framework_version.rating_scale,
        "next_section": sections[position + 1] if position + 1 < len(sections) else None,
        "position": position + 1,
        "section_count": len(sections),
    }


@require_http_methods(["GET", "POST"])
def return_section(request: AuthenticatedHttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """One section: rate each question, comment, attach evidence; or read it, once submitted."""
    assessment = selectors.get_assessment_for(request.user, pk)
    section = get_visible_or_404(
        Section.objects.filter(framework_version_id=assessment.cycle.framework_version_id),
        section_pk,
        user=request.user,
    )
    context = _section_context(assessment, section)
    questions, answers = selectors.section_answers(assessment, section)
    can_edit = policy.can(request.user, "edit_assessment", assessment)
    state = assessment.section_states.select_related("updated_by").get(section=section)
    evidence = returns_evidence.return_evidence(assessment, questions)
    context.update(
        {"questions": questions, "answers": answers, "state": state, "can_edit": can_edit, "evidence": evidence}
    )
    version = assessment.cycle.framework_version
    suggested = {pk: e.suggestion.rating for pk, e in evidence.by_question.items() if e.suggestion is not None}
    form_kwargs: dict[str, Any] = {
        "questions": questions,
        "answers": answers,
        "scale": version.scale_choices(),
        "suggested": suggested,
    }
    if not can_edit:
        if request.method == "POST":
            if not assessments.can(request.user, "contribute", assessment):
                raise PermissionDenied("edit_assessment")
            # A tab opened before the return was submitted (or the cycle closed): say so, and
            # keep what was typed so nothing is lost, but save nothing.
            form = SectionAnswersForm(request.POST, **form_kwargs)
            form.is_valid()
            form.add_error(None, services.LOCKED_MESSAGE if assessment.is_submitted else services.CLOSED_MESSAGE)
            return render(request, "review/return_section.html", {**context, "form": form, "locked": True}, status=409)
        rows = [{"question": q, "answer": answers.get(q.pk)} for q in questions]
        outside = None
        if not assessments.can(request.user, "contribute", assessment):
            # The London team and peer reviewers are outside the partnership: its counts reach
            # them through disclosure control, beside the London median.
            outside = returns_evidence.outside_evidence(
                assessment,
                questions,
                returns_evidence.cycle_medians(assessment.cycle),
                figures=evidence.figures,
            )
        return render(
            request,
            "review/return_section_read.html",
            {**context, "rows": rows, "section_moved": evidence.moved_count, "outside": outside},
        )

    if request.method == "POST":
        form = SectionAnswersForm(request.POST, request.FILES, **form_kwargs)
    else:
        form = SectionAnswersForm(**form_kwargs)
        form.initial["version"] = state.version
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save_section(
                actor=request.user,
                assessment=assessment,
                section=section,
                expected_version=form.cleaned_data["version"],
                answers=form.answer_values(),
                uploads_by_question=form.uploads(),
            )
        except services.ReturnLockedError as exc:
            form.add_error(None, exc)
            return render(request, "review/return_section.html", {**context, "form": form, "locked": True}, status=409)
        except ConcurrentEditError:
            current = assessment.section_states.select_related("updated_by").get(section=section)
            questions, answers = selectors.section_answers(assessment, section)
            form = rebind_after_conflict(
                SectionAnswersForm,
                request.POST,
                current_version=current.version,
                questions=questions,
                answers=answers,
                scale=version.scale_choices(),
                suggested=suggested,
            )
            saved = [{"question": q, "answer": answers.get(q.pk)} for q in questions]
            return render(
                request,
                "review/return_section.html",
                {**context, "form": form, "state": current, "answers": answers, "saved_now": saved},
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Section {section.code} saved.")
            if request.POST.get("next") == "continue" and context["next_section"] is not None:
                return HttpResponseRedirect(
                    reverse("review:return_section", args=[assessment.pk, context["next_section"].pk])
                )
            return HttpResponseRedirect(_detail_url(assessment))
    return render(request, "review/return_section.html", {**context, "form": form})


@require_POST
def return_carry_forward(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    policy.require(request.user, "edit_assessment", assessment)
    previous = selectors.previous_assessment(assessment)
    if previous is None:
        messages.error(request, "There is no earlier return to carry answers forward from.")
        return HttpResponseRedirect(_detail_url(assessment))
    try:
        copied = services.assessment_carry_forward(actor=request.user, assessment=assessment, previous=previous)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if copied:
            messages.success(
                request,
                f"{copied} answers carried forward from {previous.cycle}. Check each section and save it to confirm.",
            )
        else:
            messages.success(request, "There were no answers to carry forward: every question already has one.")
    return HttpResponseRedirect(_detail_url(assessment))


@require_http_methods(["GET", "POST"])
def return_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check your answers, confirm the partners agree, and submit (the lead only)."""
    assessment = selectors.get_assessment_for(request.user, pk)
    policy.require(request.user, "submit_assessment", assessment)
    form = SubmitForm(request.POST or None, initial={"version": assessment.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_submit(
                actor=request.user, assessment=assessment, expected_version=form.cleaned_data["version"]
            )
        except services.ReturnLockedError as exc:
            form.add_error(None, exc)
            status = 409
        except ConcurrentEditError:
            assessment = selectors.get_assessment_for(request.user, pk)
            form = rebind_after_conflict(SubmitForm, request.POST, current_version=assessment.version)
            form.errors.pop("__all__", None)
            form.add_error(
                None,
                "Someone saved changes to this return after you opened this page. Check the answers below, then submit again.",
            )
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{assessment.partnership}'s return has been submitted. Thank you.")
            return HttpResponseRedirect(_detail_url(assessment))
    return render(
        request,
        "review/return_submit.html",
        {
            "assessment": assessment,
            "form": form,
            "progress": selectors.section_progress(assessment),
            "missing": services.missing_answers(assessment),
            "carried": Answer.objects.filter(assessment=assessment, carried_forward=True).count(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def return_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.get_assessment_for(request.user, pk)
    policy.require(request.user, "reopen_assessment", assessment)
    form = ReopenForm(request.POST or None, initial={"version": assessment.version})
    return handle(
        request,
        form,
        lambda data: services.assessment_reopen(
            actor=request.user, assessment=assessment, expected_version=data["version"], reason=data["reason"]
        ),
        success=_detail_url,
        message=lambda a: f"{a.partnership}'s return is open again. Its leads have been told.",
        conflict=lambda: rebind(ReopenForm, request, selectors.get_assessment_for(request.user, pk)),
        title=f"Reopen {assessment.partnership}'s return",
        caption=str(assessment.cycle),
        back=(_detail_url(assessment), "Back to the return"),
        submit="Reopen the return",
        template="review/confirm.html",
        warning="The partnership will be able to change its answers, and must submit again.",
    )


@require_GET
def return_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The partnership's own scores beside the London median — no other partnership named."""
    assessment = selectors.get_assessment_for(request.user, pk)
    previous = selectors.previous_assessment(assessment)
    comparison = analysis.assessment_comparison(assessment, previous)
    return render(
        request,
        "review/return_results.html",
        {
            "assessment": assessment,
            "comparison": comparison,
            "chart": comparison.chart_data(),
            "min_returns": analysis.MIN_RETURNS_FOR_MEDIAN,
            "can_see_named": policy.can(request.user, "see_named_results", assessment.cycle),
        },
    )


@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    evidence = selectors.get_evidence_for(request.user, pk)
    return uploads.serve(evidence.file, actor=request.user, obj=evidence)


@require_http_methods(["GET", "POST"])
def evidence_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.get_evidence_for(request.user, pk)
    assessment = evidence.answer.assessment
    policy.require(request.user, "edit_assessment", assessment)
    section_url = reverse("review:return_section", args=[assessment.pk, evidence.answer.question.section_id])
    form = ConfirmForm(request.POST or None, initial={"version": evidence.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_remove(actor=request.user, evidence=evidence)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{evidence.file.original_name} removed from {evidence.answer.question.code}.")
            return HttpResponseRedirect(section_url)
    return page(
        request,
        form,
        title=f"Remove {evidence.file.original_name}?",
        caption=f"Evidence for {evidence.answer.question.code}",
        back=(section_url, "Back to the section"),
        submit="Remove the file",
        template="review/confirm.html",
        warning_button=True,
    )
