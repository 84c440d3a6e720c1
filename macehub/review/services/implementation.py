"""Recommendations → owners → implementation actions → milestones, progress and closure."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core import uploads
from macehub.core.email import send_later
from macehub.core.services import field_changes, snapshot, update_versioned

from ..models import (
    ActionMilestone,
    Finding,
    GroupMembership,
    ImplementationAction,
    OwnerKind,
    ProgressUpdate,
    Recommendation,
    ReviewRound,
)
from ..policies import closure_approver_is_chair, closure_conflicted
from .common import require

RECOMMENDATION_FIELDS = [
    "reference",
    "title",
    "detail",
    "scope",
    "partnership",
    "owner_kind",
    "owner_group",
    "owner_partnership",
    "owner_agency",
    "status",
]
_NEEDS_OWNER = {Recommendation.Status.ACCEPTED, Recommendation.Status.IN_PROGRESS, Recommendation.Status.IMPLEMENTED}


def recommendation_save(
    *,
    actor: Any,
    review_round: ReviewRound,
    recommendation: Recommendation | None,
    findings: list[Finding],
    expected_version: int | None = None,
    **values: Any,
) -> Recommendation:
    """Create or change a recommendation and who owns it (the London project team).

    Assigning an owner to a proposed recommendation accepts it."""
    require(actor, "manage_review")
    if not findings:
        raise ValidationError({"findings": "Choose the finding or findings this recommendation answers."})
    if any(f.round_id != review_round.pk for f in findings):
        raise ValidationError({"findings": "Choose findings from this round."})
    creating = recommendation is None
    target = recommendation or Recommendation(round=review_round, created_by=actor, updated_by=actor)
    before = {} if creating else {**snapshot(target, RECOMMENDATION_FIELDS), "findings": _finding_ids(target)}
    for name in RECOMMENDATION_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    # Only the owner matching the kind is kept, so a changed choice leaves nothing behind.
    kind = target.owner_kind
    target.owner_group = target.owner_group if kind == OwnerKind.GROUP else None
    target.owner_partnership = target.owner_partnership if kind == OwnerKind.PARTNERSHIP else None
    target.owner_agency = target.owner_agency if kind == OwnerKind.AGENCY else None
    if target.scope == Recommendation.Scope.LONDON:
        target.partnership = None
    elif target.partnership is None:
        raise ValidationError({"partnership": "Choose the partnership this recommendation is for"})
    if kind and target.owner is None:
        raise ValidationError({f"owner_{kind}": "Choose who owns this recommendation"})
    if kind and target.status == Recommendation.Status.PROPOSED:
        target.status = Recommendation.Status.ACCEPTED
    if not kind and target.status in _NEEDS_OWNER:
        raise ValidationError({"owner_kind": "Choose an owner before accepting the recommendation"})
    clash = Recommendation.objects.filter(round=review_round, reference__iexact=target.reference)
    if not creating:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError({"reference": "Another recommendation in this round has this reference."})
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
        else:
            update_versioned(target, expected_version=expected_version or 0, actor=actor, fields=RECOMMENDATION_FIELDS)
        target.findings.set(findings)
        after = {**snapshot(target, RECOMMENDATION_FIELDS), "findings": sorted(f.pk for f in findings)}
        changes = field_changes(before, after)
        record(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            obj=target,
            changes=changes,
            detail={"event": "owner_assigned"} if "owner_kind" in changes or "owner_group" in changes else {},
        )
        if target.owner_kind == OwnerKind.GROUP and ("owner_group" in changes):
            chairs = list(
                GroupMembership.objects.filter(group=target.owner_group, role=GroupMembership.Role.CHAIR)
                .filter(user__is_active=True)
                .values_list("user__email", flat=True)
            )
            if chairs:
                send_later(
                    template="review/email/recommendation_assigned",
                    to=chairs,
                    context={"recommendation": target, "group": target.owner_group},
                )
    return target


def _finding_ids(recommendation: Recommendation) -> list[int]:
    return sorted(f.pk for f in recommendation.findings.all())


ACTION_FIELDS = ["title", "description", "lead", "due_date"]


def action_save(
    *,
    actor: Any,
    recommendation: Recommendation,
    action: ImplementationAction | None,
    expected_version: int | None = None,
    **values: Any,
) -> ImplementationAction:
    """Plan an implementation action for a recommendation (its owner, or the London team)."""
    require(actor, "plan_actions", recommendation)
    if action is not None and not action.is_open:
        raise ValidationError("This action is closed and can no longer be changed.")
    creating = action is None
    target = action or ImplementationAction(recommendation=recommendation, created_by=actor, updated_by=actor)
    before = {} if creating else snapshot(target, ACTION_FIELDS)
    for name in ACTION_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
            if recommendation.status == Recommendation.Status.ACCEPTED:
                Recommendation.objects.filter(pk=recommendation.pk).update(status=Recommendation.Status.IN_PROGRESS)
                recommendation.status = Recommendation.Status.IN_PROGRESS
            record(
                action=Action.CREATE,
                actor=actor,
                obj=target,
                changes=field_changes({}, snapshot(target, ACTION_FIELDS)),
            )
        else:
            save_with_audit(
                target, actor=actor, expected_version=expected_version or 0, fields=ACTION_FIELDS, before=before
            )
    return target


def milestone_add(*, actor: Any, action: ImplementationAction, title: str, due_date: date) -> ActionMilestone:
    require(actor, "update_action", action)
    milestone = ActionMilestone(action=action, title=title, due_date=due_date, created_by=actor, updated_by=actor)
    milestone.full_clean()
    with transaction.atomic():
        milestone.save()
        record(action=Action.CREATE, actor=actor, obj=milestone, changes=snapshot(milestone, ["title", "due_date"]))
    return milestone


def milestone_complete(*, actor: Any, milestone: ActionMilestone, completed_on: date) -> ActionMilestone:
    require(actor, "update_action", milestone.action)
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date it was done must be today or in the past"})
    with transaction.atomic():
        milestone.completed_on = completed_on
        update_versioned(milestone, expected_version=milestone.version, actor=actor, fields=["completed_on"])
        record(action=Action.UPDATE, actor=actor, obj=milestone, detail={"event": "milestone_done"})
    return milestone


def _store(upload: UploadedFile[bytes] | None, actor: Any) -> Any:
    return uploads.store(upload, actor=actor) if upload is not None else None


def action_progress(
    *,
    actor: Any,
    action: ImplementationAction,
    expected_version: int,
    text: str,
    status: str,
    evidence: UploadedFile[bytes] | None = None,
) -> ProgressUpdate:
    """A progress update (with optional evidence) that may move the action on track or at risk."""
    require(actor, "update_action", action)
    if status not in ImplementationAction.PROGRESS_STATUSES:
        raise ValidationError({"status": "Choose not started, on track or at risk"})
    if not text.strip():
        raise ValidationError({"text": "Enter what has happened"})
    with transaction.atomic():
        before = action.status
        action.status = status
        update_versioned(action, expected_version=expected_version, actor=actor, fields=["status"])
        update = ProgressUpdate.objects.create(
            action=action,
            text=text.strip(),
            status_after=status,
            evidence=_store(evidence, actor),
            created_by=actor,
            updated_by=actor,
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=action,
            changes={"status": [before, status]} if before != status else {},
            detail={"event": "progress_update", "update": update.pk, "evidence": bool(update.evidence_id)},
        )
    return update


def action_request_closure(
    *,
    actor: Any,
    action: ImplementationAction,
    expected_version: int,
    text: str,
    evidence: UploadedFile[bytes] | None = None,
) -> ProgressUpdate:
    """Say the action is done, with the evidence, and ask for the closure to be approved."""
    require(actor, "update_action", action)
    if not text.strip():
        raise ValidationError({"text": "Enter what was done and how you know it worked"})
    with transaction.atomic():
        action.status = ImplementationAction.Status.AWAITING_CLOSURE
        action.closure_requested_at = timezone.now()
        action.closure_requested_by = actor
        update_versioned(
            action,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "closure_requested_at", "closure_requested_by"],
        )
        update = ProgressUpdate.objects.create(
            action=action,
            kind=ProgressUpdate.Kind.CLOSURE_REQUESTED,
            text=text.strip(),
            status_after=action.status,
            evidence=_store(evidence, actor),
            created_by=actor,
            updated_by=actor,
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=action,
            detail={"event": "closure_requested", "update": update.pk, "evidence": bool(update.evidence_id)},
        )
        recommendation = action.recommendation
        conflicted = closure_conflicted(action)
        if closure_approver_is_chair(recommendation, excluding=conflicted):
            chairs = list(
                GroupMembership.objects.filter(group_id=recommendation.owner_group_id, role=GroupMembership.Role.CHAIR)
                .filter(user__is_active=True)
                .exclude(user_id__in=conflicted)
                .values_list("user__email", flat=True)
            )
            if chairs:
                send_later(
                    template="review/email/closure_requested",
                    to=chairs,
                    context={"action": action, "recommendation": recommendation, "requested_by": actor},
                )
    return update


def action_decide_closure(
    *, actor: Any, action: ImplementationAction, expected_version: int, approve: bool, text: str
) -> ProgressUpdate:
    """The owner group's chair approves the closure, or sends it back with a reason.

    When every action of a recommendation is closed, the recommendation is implemented."""
    require(actor, "approve_closure", action)
    if not approve and not text.strip():
        raise ValidationError({"text": "Enter what still needs to be done"})
    with transaction.atomic():
        if approve:
            action.status = ImplementationAction.Status.CLOSED
            action.closed_at = timezone.now()
            action.closed_by = actor
        else:
            action.status = ImplementationAction.Status.ON_TRACK
        update_versioned(
            action, expected_version=expected_version, actor=actor, fields=["status", "closed_at", "closed_by"]
        )
        update = ProgressUpdate.objects.create(
            action=action,
            kind=ProgressUpdate.Kind.CLOSURE_APPROVED if approve else ProgressUpdate.Kind.CLOSURE_RETURNED,
            text=text.strip() or "Closure approved.",
            status_after=action.status,
            created_by=actor,
            updated_by=actor,
        )
        record(
            action=Action.APPROVED if approve else Action.DECLINED,
            actor=actor,
            obj=action,
            detail={"event": "closure_approved" if approve else "closure_returned", "update": update.pk},
        )
        recommendation = action.recommendation
        if approve and not recommendation.actions.exclude(status=ImplementationAction.Status.CLOSED).exists():
            before = recommendation.status
            Recommendation.objects.filter(pk=recommendation.pk).update(status=Recommendation.Status.IMPLEMENTED)
            recommendation.status = Recommendation.Status.IMPLEMENTED
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=recommendation,
                changes={"status": [before, Recommendation.Status.IMPLEMENTED.value]},
                detail={"event": "all_actions_closed"},
            )
    return update
