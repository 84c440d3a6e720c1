"""Peer review: rounds, planned meetings, what a meeting found, and findings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import field_changes, snapshot, update_versioned

from ..models import Answer, Finding, PeerReview, ReviewerAssignment, ReviewNote, ReviewRound
from .common import require

ROUND_FIELDS = ["name", "cycle", "introduction"]


def round_save(
    *, actor: Any, review_round: ReviewRound | None, expected_version: int | None = None, **values: Any
) -> ReviewRound:
    require(actor, "manage_review")
    creating = review_round is None
    target = review_round or ReviewRound(created_by=actor, updated_by=actor)
    if target.is_published:
        raise ValidationError("The findings of this round are published; it can no longer be changed.")
    before = {} if creating else snapshot(target, ROUND_FIELDS)
    for name in ROUND_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
            record(
                action=Action.CREATE, actor=actor, obj=target, changes=field_changes({}, snapshot(target, ROUND_FIELDS))
            )
        else:
            save_with_audit(
                target, actor=actor, expected_version=expected_version or 0, fields=ROUND_FIELDS, before=before
            )
    return target


def round_publish(*, actor: Any, review_round: ReviewRound, expected_version: int) -> ReviewRound:
    """Publish the findings: every member can then read the report, findings and recommendations.
    Not by someone who reviewed in the round (C32)."""
    require(actor, "publish_round", review_round)
    if review_round.is_published:
        raise ValidationError("These findings are already published.")
    if not review_round.findings.exists():
        raise ValidationError("Record at least one finding before publishing.")
    review_round.status = ReviewRound.Status.PUBLISHED
    review_round.published_at = timezone.now()
    with transaction.atomic():
        update_versioned(
            review_round, expected_version=expected_version, actor=actor, fields=["status", "published_at"]
        )
        record(action=Action.PUBLISH, actor=actor, obj=review_round, detail={"event": "findings_published"})
    return review_round


PLAN_FIELDS = ["title", "meeting_date", "meeting_link"]


def peer_review_plan(
    *,
    actor: Any,
    review_round: ReviewRound,
    review: PeerReview | None,
    partnerships: list[Any],
    reviewers: list[tuple[Any, str]],
    expected_version: int | None = None,
    **values: Any,
) -> PeerReview:
    """Plan (or re-plan) a meeting: the partnerships, the reviewers and their sectors, date and link."""
    require(actor, "manage_review")
    if review_round.is_published:
        raise ValidationError("The findings of this round are published; it can no longer be changed.")
    if not partnerships:
        raise ValidationError({"partnerships": "Choose at least one partnership to review."})
    if not reviewers:
        raise ValidationError({"reviewers": "Choose at least one reviewer."})
    link = values.get("meeting_link", "")
    if link and not link.lower().startswith("https://"):
        raise ValidationError({"meeting_link": "Enter a meeting link that starts with https://"})
    creating = review is None
    target = review or PeerReview(round=review_round, created_by=actor, updated_by=actor)
    before = (
        {}
        if creating
        else {
            **snapshot(target, PLAN_FIELDS),
            "partnerships": sorted(str(p) for p in target.partnerships.all()),
            "reviewers": sorted(f"{a.user.email} ({a.sector})" for a in target.reviewer_assignments.all()),
        }
    )
    for name in PLAN_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
        else:
            update_versioned(target, expected_version=expected_version or 0, actor=actor, fields=PLAN_FIELDS)
        target.partnerships.set(partnerships)
        target.reviewer_assignments.exclude(user__in=[u for u, _ in reviewers]).delete()
        for user, sector in reviewers:
            ReviewerAssignment.objects.update_or_create(review=target, user=user, defaults={"sector": sector})
        after = {
            **snapshot(target, PLAN_FIELDS),
            "partnerships": sorted(str(p) for p in partnerships),
            "reviewers": sorted(f"{u.email} ({s})" for u, s in reviewers),
        }
        record(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            obj=target,
            changes=field_changes(before, after),
            detail={"event": "peer_review_planned"},
        )
    return target


RECORD_FIELDS = ["status", "attendees", "strengths", "areas_for_development"]


def peer_review_record(
    *, actor: Any, review: PeerReview, expected_version: int, notes: dict[str, str], **values: Any
) -> PeerReview:
    """Record the meeting: attendees, notes per review question, strengths, areas for development."""
    require(actor, "record_peer_review", review)
    before = snapshot(review, RECORD_FIELDS)
    for name in RECORD_FIELDS:
        if name in values:
            setattr(review, name, values[name])
    if review.status == PeerReview.Status.HELD and not (
        review.attendees.strip() and any(v.strip() for v in notes.values())
    ):
        raise ValidationError(
            "Record who attended and at least one review question's notes for a meeting that was held."
        )
    with transaction.atomic():
        # The notes are the reviewers' words: the audit trail says which fields changed, not what they say.
        save_with_audit(
            review,
            actor=actor,
            expected_version=expected_version,
            fields=RECORD_FIELDS,
            before=before,
            redact=frozenset(RECORD_FIELDS[1:]),
            detail={"event": "meeting_recorded", "areas_with_notes": sorted(a for a, t in notes.items() if t.strip())},
        )
        for area, text in notes.items():
            text = text.strip()
            if text:
                ReviewNote.objects.update_or_create(
                    review=review,
                    area=area,
                    defaults={"notes": text, "updated_by": actor},
                    create_defaults={"notes": text, "created_by": actor, "updated_by": actor},
                )
            else:
                ReviewNote.objects.filter(review=review, area=area, findings__isnull=True).delete()
    return review


FINDING_FIELDS = ["theme", "title", "summary", "source_review"]


def finding_save(
    *,
    actor: Any,
    review_round: ReviewRound,
    finding: Finding | None,
    partnerships: list[Any],
    evidence_answers: list[Answer],
    evidence_notes: list[ReviewNote],
    expected_version: int | None = None,
    **values: Any,
) -> Finding:
    """A themed finding, linked to the evidence behind it and the partnerships it concerns."""
    require(actor, "work_on_round", review_round)
    if review_round.cycle_id is not None and any(
        a.assessment.cycle_id != review_round.cycle_id for a in evidence_answers
    ):
        raise ValidationError({"evidence_answers": "Choose answers from this round's self-assessment cycle."})
    if any(n.review.round_id != review_round.pk for n in evidence_notes):
        raise ValidationError({"evidence_notes": "Choose notes from this round's meetings."})
    if not evidence_answers and not evidence_notes:
        raise ValidationError("Link the finding to at least one self-assessment answer or meeting note.")
    source = values.get("source_review")
    if source is not None and source.round_id != review_round.pk:
        raise ValidationError({"source_review": "Choose a meeting from this round."})
    creating = finding is None
    target = finding or Finding(round=review_round, created_by=actor, updated_by=actor)

    def links(f: Finding) -> dict[str, Any]:
        return {
            "partnerships": sorted(str(p) for p in f.partnerships.all()),
            "evidence_answers": sorted(a.pk for a in f.evidence_answers.all()),
            "evidence_notes": sorted(n.pk for n in f.evidence_notes.all()),
        }

    before = {} if creating else {**snapshot(target, FINDING_FIELDS), **links(target)}
    for name in FINDING_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
        else:
            update_versioned(target, expected_version=expected_version or 0, actor=actor, fields=FINDING_FIELDS)
        target.partnerships.set(partnerships)
        target.evidence_answers.set(evidence_answers)
        target.evidence_notes.set(evidence_notes)
        record(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            obj=target,
            changes=field_changes(before, {**snapshot(target, FINDING_FIELDS), **links(target)}),
        )
    return target
