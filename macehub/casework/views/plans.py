"""Plans: adding one, its page, reviews and the children a context plan covers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.subjects.common import apply_errors
from macehub.subjects.policies import agency_on_panel
from macehub.subjects.types import Kind

from .. import selectors
from ..forms.plans import PlanForm, PlanReviewForm
from ..models import PLAN_TYPES_FOR_KIND
from ..policies import policy
from ..services import common as casework_common
from ..services import plans as plan_services
from .common import form_page, subject_for

# --- Plans -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def plan_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = subject_for(request, pk)
    policy.require(request.user, "record_casework", subject)
    if not PLAN_TYPES_FOR_KIND.get(subject.kind):
        raise Http404
    settings = selectors.settings_for(subject.panel)
    initial: dict[str, Any] = {
        "started_on": timezone.localdate(),
        "lead_agency": agency_on_panel(request.user, subject.panel_id),
    }
    allowed = PLAN_TYPES_FOR_KIND[subject.kind]
    if len(allowed) and subject.kind != Kind.CHILD:
        initial["plan_type"] = allowed[0]
    form = PlanForm(request.POST or None, subject=subject, settings=settings, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_services.plan_create(
                actor=request.user, subject=subject, values=form.values(), outcomes=form.outcomes()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            covered = plan.plan_children.count()
            extra = f" It covers {covered} linked child{'ren' if covered != 1 else ''}." if plan.is_context_plan else ""
            messages.success(request, f"{plan.type_label} recorded with its intended outcomes.{extra}")
            return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]))
    children = list(selectors.children_linked_to(subject)) if subject.kind != Kind.CHILD else []
    return form_page(
        request,
        {
            "subject": subject,
            "form": form,
            "title": f"New plan for {subject.reference}",
            "heading": "Make a plan",
            "button": "Save the plan",
            "linked_children": children,
        },
        template="casework/plan_form.html",
    )


@require_GET
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    plans = (
        selectors.plans_visible_to(request.user).filter(pk=plan.pk).prefetch_related(*selectors.plan_detail_queryset())
    )
    plan = plans.get()
    casework_common.viewed(actor=request.user, obj=plan, page="plan")
    outcomes = list(plan.outcomes.all())
    reviews = list(plan.reviews.all())
    # Progress grid: one row per outcome, one column per review (oldest first).
    chronological = list(reversed(reviews))
    grid = [
        {
            "outcome": o,
            "scores": [next((s for s in r.scores.all() if s.outcome_id == o.pk), None) for r in chronological],
        }
        for o in outcomes
    ]
    return render(
        request,
        "casework/plan_detail.html",
        {
            "plan": plan,
            "subject": plan.subject,
            "panel": plan.subject.panel,
            "outcomes": outcomes,
            "reviews": reviews,
            "chronological": chronological,
            "grid": grid,
            "covered": list(plan.plan_children.all()),
            "can_record": policy.can(request.user, "record_casework", plan) and plan.is_active,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def plan_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    policy.require(request.user, "record_casework", plan)
    if not plan.is_active:
        messages.info(request, "This plan has ended; it cannot be reviewed again.")
        return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]))
    outcomes = list(plan.outcomes.all())
    settings = selectors.settings_for(plan.subject.panel)
    today = timezone.localdate()
    initial = {
        "reviewed_on": today,
        "next_review_on": today + timedelta(weeks=settings.plan_review_weeks),
        "version": plan.version,
    }
    form = PlanReviewForm(request.POST or None, outcomes=outcomes, instance=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = plan_services.plan_review(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                scores=form.scores(),
                summary=form.cleaned_data["summary"],
                decision=form.cleaned_data["decision"],
                next_review_on=form.cleaned_data.get("next_review_on"),
            )
        except ConcurrentEditError:
            current = selectors.get_plan_for(request.user, pk)
            form = rebind_after_conflict(
                PlanReviewForm, request.POST, current_version=current.version, outcomes=outcomes, instance=current
            )
            return form_page(
                request,
                {"subject": current.subject, "plan": current, "form": form, "conflict": True, **_review_page(current)},
                template="casework/plan_review.html",
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Plan reviewed." + (" The plan has ended." if review.decision == "end" else ""))
            return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]) + f"#review-{review.pk}")
    return form_page(
        request,
        {"subject": plan.subject, "plan": plan, "form": form, **_review_page(plan)},
        template="casework/plan_review.html",
    )


def _review_page(plan: Any) -> dict[str, Any]:
    return {
        "title": f"Review the plan for {plan.subject.reference}",
        "heading": f"Review the {plan.type_label[0].lower()}{plan.type_label[1:]}",
        "button": "Save the review",
        "back_url": reverse("casework:plan_detail", args=[plan.pk]),
        "back_text": "Back to the plan",
    }


@require_POST
def plan_children(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    policy.require(request.user, "record_casework", plan)
    try:
        added = plan_services.plan_sync_children(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if added:
            messages.success(request, f"Added {', '.join(c.reference for c in added)} to the plan.")
        else:
            messages.info(request, "Every child linked to the context is already covered by the plan.")
    return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]) + "#children")
