"""Recommendations and their implementation: owners, actions, milestones, progress, closure."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core import uploads
from macehub.core.selectors import get_visible_or_404
from macehub.core.submissions import once
from macehub.organisations.models import Agency, Partnership

from .. import selectors
from ..forms.peer import (
    ActionEditForm,
    ActionForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    MilestoneAddForm,
    MilestoneDoneForm,
    ProgressForm,
    RecommendationEditForm,
    RecommendationForm,
)
from ..models import ActionMilestone, GovernanceGroup, ImplementationAction, Recommendation, ReviewRound
from ..policies import closure_approver_is_chair, closure_conflicted, policy
from ..services import implementation as services
from .common import handle, rebind


def _rec_url(recommendation: Recommendation) -> str:
    return reverse("review:recommendation_detail", args=[recommendation.pk])


def _action_url(action: ImplementationAction) -> str:
    return reverse("review:action_detail", args=[action.pk])


@require_GET
def recommendation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    status = request.GET.get("status", "")
    recommendations = selectors.recommendations_visible_to(request.user).order_by("round__created_at", "reference")
    if status in Recommendation.Status.values:
        recommendations = recommendations.filter(status=status)
    return render(
        request,
        "review/recommendation_list.html",
        {
            "recommendations": recommendations,
            "statuses": Recommendation.Status.choices,
            "status": status,
        },
    )


def _recommendation_form_kwargs(review_round: ReviewRound) -> dict[str, Any]:
    return {
        "findings": review_round.findings.all(),
        "partnerships": Partnership.objects.filter(is_active=True).order_by("short_name"),
        "groups": GovernanceGroup.objects.filter(is_active=True),
        "agencies": Agency.objects.filter(is_active=True).order_by("name"),
    }


@require_http_methods(["GET", "POST"])
@once
def recommendation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    review_round = selectors.get_round_for(request.user, pk)
    kwargs = _recommendation_form_kwargs(review_round)
    finding_id = request.GET.get("finding", "")
    initial: dict[str, Any] = {"scope": Recommendation.Scope.LONDON, "status": Recommendation.Status.PROPOSED}
    if finding_id.isdigit():
        initial["findings"] = [int(finding_id)]
    form = RecommendationForm(request.POST or None, initial=initial, **kwargs)
    return handle(
        request,
        form,
        lambda data: services.recommendation_save(
            actor=request.user,
            review_round=review_round,
            recommendation=None,
            findings=list(data["findings"]),
            **form.values(),
        ),
        success=_rec_url,
        message=lambda r: f"Recommendation {r.reference} made.",
        title="Make a recommendation",
        caption=review_round.name,
        back=(reverse("review:round_detail", args=[review_round.pk]), f"Back to {review_round.name}"),
        submit="Save the recommendation",
    )


@require_GET
def recommendation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The chain: evidence → findings → this recommendation → owner → actions → what was done."""
    recommendation = selectors.get_recommendation_for(request.user, pk)
    findings = list(
        selectors.findings_visible_to(request.user)
        .filter(recommendations=recommendation)
        .prefetch_related(
            "evidence_answers__assessment__partnership", "evidence_answers__question", "evidence_notes__review"
        )
    )
    actions = list(recommendation.actions.select_related("lead").prefetch_related("milestones", "updates__evidence"))
    return render(
        request,
        "review/recommendation_detail.html",
        {
            "rec": recommendation,
            "findings": findings,
            "actions": actions,
            "can_manage": policy.can(request.user, "manage_review"),
            "can_plan": policy.can(request.user, "plan_actions", recommendation),
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    recommendation = selectors.get_recommendation_for(request.user, pk)
    kwargs = _recommendation_form_kwargs(recommendation.round)
    form = RecommendationEditForm(request.POST or None, instance=recommendation, **kwargs)

    def conflict() -> Any:
        current = selectors.get_recommendation_for(request.user, pk)
        return rebind(RecommendationEditForm, request, current, instance=current, **kwargs)

    return handle(
        request,
        form,
        lambda data: services.recommendation_save(
            actor=request.user,
            review_round=recommendation.round,
            recommendation=recommendation,
            expected_version=data["version"],
            findings=list(data["findings"]),
            **form.values(),
        ),
        success=_rec_url,
        message=lambda r: f"Recommendation {r.reference} saved.",
        conflict=conflict,
        title=f"Change recommendation {recommendation.reference}",
        caption=recommendation.round.name,
        back=(_rec_url(recommendation), "Back to the recommendation"),
    )


@require_http_methods(["GET", "POST"])
@once
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    recommendation = selectors.get_recommendation_for(request.user, pk)
    policy.require(request.user, "plan_actions", recommendation)
    form = ActionForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.action_save(
            actor=request.user, recommendation=recommendation, action=None, **form.values()
        ),
        success=_action_url,
        message=lambda a: f"Action ‘{a.title}’ added.",
        title="Add an implementation action",
        caption=f"{recommendation.reference}. {recommendation.title}",
        back=(_rec_url(recommendation), "Back to the recommendation"),
        submit="Add the action",
    )


def _action(request: AuthenticatedHttpRequest, pk: int) -> ImplementationAction:
    return selectors.get_action_for(request.user, pk)


@require_GET
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    recommendation = action.recommendation
    return render(
        request,
        "review/action_detail.html",
        {
            "action": action,
            "rec": recommendation,
            "milestones": action.milestones.all(),
            "updates": selectors.action_history(action),
            "can_update": policy.can(request.user, "update_action", action),
            "can_plan": policy.can(request.user, "plan_actions", recommendation) and action.is_open,
            "can_approve": policy.can(request.user, "approve_closure", action),
            "approver": (
                f"the chair of {recommendation.owner_group}"
                if closure_approver_is_chair(recommendation, excluding=closure_conflicted(action))
                else "the London project team"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    policy.require(request.user, "plan_actions", action.recommendation)
    form = ActionEditForm(request.POST or None, instance=action)
    return handle(
        request,
        form,
        lambda data: services.action_save(
            actor=request.user,
            recommendation=action.recommendation,
            action=action,
            expected_version=data["version"],
            **form.values(),
        ),
        success=_action_url,
        message="Action saved.",
        conflict=lambda: rebind(ActionEditForm, request, _action(request, pk), instance=_action(request, pk)),
        title="Change the action",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
    )


@require_http_methods(["GET", "POST"])
@once
def action_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    policy.require(request.user, "update_action", action)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": action.version, "status": action.status if action.status != "not_started" else "on_track"},
    )
    return handle(
        request,
        form,
        lambda data: services.action_progress(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            text=data["text"],
            status=data["status"],
            evidence=data.get("evidence") or None,
        ),
        success=lambda u: _action_url(action),
        message="Progress update saved.",
        conflict=lambda: rebind(ProgressForm, request, _action(request, pk)),
        title="Update progress",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
        submit="Save the update",
    )


@require_http_methods(["GET", "POST"])
@once
def action_milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    policy.require(request.user, "update_action", action)
    form = MilestoneAddForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.milestone_add(
            actor=request.user, action=action, title=data["title"], due_date=data["due_date"]
        ),
        success=lambda m: _action_url(action),
        message=lambda m: f"Milestone ‘{m.title}’ added.",
        title="Add a milestone",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
        submit="Add the milestone",
    )


@require_http_methods(["GET", "POST"])
def action_milestone_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = get_visible_or_404(
        ActionMilestone.objects.filter(action__in=selectors.actions_visible_to(request.user).values("pk")),
        pk,
        user=request.user,
    )
    action = milestone.action
    policy.require(request.user, "update_action", action)
    if milestone.completed_on:
        raise PermissionDenied("milestone already done")
    form = MilestoneDoneForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.milestone_complete(
            actor=request.user, milestone=milestone, completed_on=data["completed_on"]
        ),
        success=lambda m: _action_url(action),
        message=lambda m: f"Milestone ‘{m.title}’ marked as done.",
        title=f"Mark ‘{milestone.title}’ as done",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
        submit="Mark as done",
    )


@require_http_methods(["GET", "POST"])
def action_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    policy.require(request.user, "update_action", action)
    form = ClosureRequestForm(request.POST or None, request.FILES or None, initial={"version": action.version})
    return handle(
        request,
        form,
        lambda data: services.action_request_closure(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            text=data["text"],
            evidence=data.get("evidence") or None,
        ),
        success=lambda u: _action_url(action),
        message="Closure requested. The owner group's chair has been asked to approve it.",
        conflict=lambda: rebind(ClosureRequestForm, request, _action(request, pk)),
        title="Say the action is done",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
        submit="Ask for closure",
        intro="Describe what was done and attach the evidence. The owner group's chair approves the closure.",
    )


@require_http_methods(["GET", "POST"])
def action_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    policy.require(request.user, "approve_closure", action)
    form = ClosureDecisionForm(request.POST or None, initial={"version": action.version})
    latest = action.updates.filter(kind="closure_requested").select_related("created_by", "evidence").first()
    return handle(
        request,
        form,
        lambda data: services.action_decide_closure(
            actor=request.user,
            action=action,
            expected_version=data["version"],
            approve=data["decision"] == "approve",
            text=data["text"],
        ),
        success=lambda u: _action_url(action),
        message=lambda u: "Action closed." if u.kind == "closure_approved" else "Action sent back to its owner.",
        conflict=lambda: rebind(ClosureDecisionForm, request, _action(request, pk)),
        title="Approve the closure?",
        caption=action.title,
        back=(_action_url(action), "Back to the action"),
        submit="Save the decision",
        template="review/action_approve.html",
        closure=latest,
        action=action,
    )


@require_GET
def update_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    update = selectors.get_update_for(request.user, pk)
    if update.evidence is None:  # the selector only returns updates with evidence; for the type checker
        raise Http404
    return uploads.serve(update.evidence, actor=request.user, obj=update.action)
