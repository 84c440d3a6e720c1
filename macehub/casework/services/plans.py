"""Plans, their outcomes and reviews, and the children a context plan covers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import field_changes, snapshot, update_versioned
from macehub.subjects.models import Kind, Subject

from ..models import (
    PLAN_TYPES_FOR_KIND,
    OutcomeScore,
    Plan,
    PlanChild,
    PlanOutcome,
    PlanReview,
    PlanStatus,
    PlanType,
    ReviewDecision,
)
from ..policies import policy
from ..selectors import children_linked_to, settings_for
from .common import MAX_OUTCOMES, long_date, not_future, raise_errors

# --- Plans -----------------------------------------------------------------------------------

PLAN_FIELDS = ["plan_type", "other_type", "title", "lead_agency", "lead_professional", "started_on", "next_review_on"]


def plan_create(*, actor: Any, subject: Subject, values: dict[str, Any], outcomes: Iterable[str]) -> Plan:
    """Make a plan with its intended outcomes (at least one, written now so reviews can measure
    change). A plan for a location, group or person covers every child currently linked to it."""
    policy.require(actor, "record_casework", subject)
    settings = settings_for(subject.panel)
    errors: dict[str, str] = {}
    plan_type = values.get("plan_type", "")
    allowed = PLAN_TYPES_FOR_KIND.get(subject.kind, [])
    if plan_type not in allowed:
        names = ", ".join(str(PlanType(t).label).lower() for t in allowed) or "no plan"
        errors["plan_type"] = f"A {subject.kind_label.lower()} can have a {names}. Choose one of those"
    if plan_type == PlanType.OTHER and not values.get("other_type", "").strip():
        errors["other_type"] = "Enter what kind of plan it is"
    started_on: date | None = values.get("started_on")
    not_future(errors, "started_on", started_on, "The date the plan started")
    next_review = values.get("next_review_on")
    if started_on is not None and next_review is None:
        next_review = started_on + timedelta(weeks=settings.plan_review_weeks)
    if started_on is not None and next_review is not None and next_review <= started_on:
        errors["next_review_on"] = "The first review must be after the plan starts"
    texts = [t.strip() for t in outcomes if t and t.strip()]
    if not texts:
        errors["outcome_1"] = "Enter at least one intended outcome: what the plan is trying to achieve"
    if len(texts) > MAX_OUTCOMES:
        errors["outcome_1"] = f"Enter up to {MAX_OUTCOMES} intended outcomes"
    raise_errors(errors)
    plan = Plan(
        subject=subject,
        **{k: values.get(k, "") for k in PLAN_FIELDS if k != "next_review_on"},
        next_review_on=next_review,
        created_by=actor,
        updated_by=actor,
    )
    if plan.plan_type != PlanType.OTHER:
        plan.other_type = ""
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        PlanOutcome.objects.bulk_create(
            PlanOutcome(plan=plan, order=i, text=text[:300]) for i, text in enumerate(texts, start=1)
        )
        children = [subject] if subject.kind == Kind.CHILD else list(children_linked_to(subject))
        PlanChild.objects.bulk_create(PlanChild(plan=plan, child=c, added_on=plan.started_on) for c in children)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=plan,
            changes=snapshot(plan, PLAN_FIELDS),
            detail={"outcomes": texts, "children": [c.reference for c in children]},
        )
    return plan


def plan_sync_children(*, actor: Any, plan: Plan) -> list[Subject]:
    """Add to a context plan the children linked to its context since it was made."""
    policy.require(actor, "record_casework", plan)
    if not plan.is_context_plan or not plan.is_active:
        raise ValidationError("Only an active plan for a location, group or person covers linked children.")
    with transaction.atomic():
        have = set(PlanChild.objects.filter(plan=plan).values_list("child_id", flat=True))
        new = [c for c in children_linked_to(plan.subject) if c.pk not in have]
        today = timezone.localdate()
        PlanChild.objects.bulk_create(PlanChild(plan=plan, child=c, added_on=today) for c in new)
        if new:
            record(action=Action.UPDATE, actor=actor, obj=plan, detail={"children_added": [c.reference for c in new]})
    return new


@dataclass
class OutcomeProgress:
    outcome: PlanOutcome
    score: int | None
    comment: str = ""


def plan_review(
    *,
    actor: Any,
    plan: Plan,
    expected_version: int,
    reviewed_on: date | None,
    scores: dict[int, tuple[int | None, str]],
    summary: str,
    decision: str,
    next_review_on: date | None,
) -> PlanReview:
    """Review a plan: score progress against every intended outcome, say what happens next."""
    policy.require(actor, "record_casework", plan)
    if not plan.is_active:
        raise ValidationError("This plan has ended; it cannot be reviewed again.")
    errors: dict[str, str] = {}
    outcomes = list(plan.outcomes.all())
    if reviewed_on is not None:
        not_future(errors, "reviewed_on", reviewed_on, "The date of the review")
        if reviewed_on < plan.started_on:
            errors["reviewed_on"] = f"The review cannot be before the plan started on {long_date(plan.started_on)}"
        last = plan.reviews.order_by("-reviewed_on").first()
        if last is not None and reviewed_on < last.reviewed_on:
            errors["reviewed_on"] = f"The review cannot be before the last review, on {long_date(last.reviewed_on)}"
    else:
        errors["reviewed_on"] = "Enter the date of the review"
    for outcome in outcomes:
        score, _ = scores.get(outcome.pk, (None, ""))
        if score not in (1, 2, 3, 4, 5):
            errors[f"score_{outcome.pk}"] = f"Choose how much progress there has been towards ‘{outcome.text}’"
    if not summary.strip():
        errors["summary"] = "Enter what the review found"
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose what happens to the plan next"
    if decision != ReviewDecision.END:
        if next_review_on is None:
            errors["next_review_on"] = "Enter the date of the next review"
        elif reviewed_on is not None and next_review_on <= reviewed_on:
            errors["next_review_on"] = "The next review must be after this review"
    raise_errors(errors)
    assert reviewed_on is not None  # noqa: S101 - checked above
    review = PlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        summary=summary.strip(),
        decision=decision,
        next_review_on=None if decision == ReviewDecision.END else next_review_on,
        created_by=actor,
        updated_by=actor,
    )
    review.full_clean()
    before = snapshot(plan, ["status", "next_review_on", "ended_on"])
    if decision == ReviewDecision.END:
        plan.status = PlanStatus.ENDED
        plan.ended_on = reviewed_on
        plan.end_reason = summary.strip()
        plan.next_review_on = None
    else:
        plan.next_review_on = next_review_on
    with transaction.atomic():
        update_versioned(
            plan,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "ended_on", "end_reason", "next_review_on"],
        )
        review.save()
        OutcomeScore.objects.bulk_create(
            OutcomeScore(
                review=review,
                outcome=o,
                score=int(scores[o.pk][0]),  # type: ignore[arg-type]
                comment=scores[o.pk][1].strip(),
            )
            for o in outcomes
        )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=review,
            detail={
                "decision": decision,
                "scores": {o.text[:60]: scores[o.pk][0] for o in outcomes},
                "plan": field_changes(before, snapshot(plan, ["status", "next_review_on", "ended_on"])),
            },
        )
    return review
