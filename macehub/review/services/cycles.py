"""Self-assessment cycles and returns: open a cycle, save sections, attach evidence, carry
forward, submit, reopen, remind."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core import uploads
from macehub.core.email import send_later
from macehub.core.services import ConcurrentEditError, field_changes, snapshot, update_versioned

from .. import returns_evidence
from ..models import Answer, Assessment, AssessmentSection, Cycle, Evidence, FrameworkVersion, Question, Section
from .common import lead_emails, require


class ReturnLockedError(ValidationError):
    """The return was submitted (or its cycle closed) after the page was opened."""


LOCKED_MESSAGE = (
    "This return has been submitted, so it can no longer be changed. Your changes have not been saved. "
    "If something needs correcting, ask the London project team to reopen it."
)
CLOSED_MESSAGE = "This cycle is closed, so its returns can no longer be changed. Your changes have not been saved."


def _lock(assessment: Assessment) -> Assessment:
    """Re-read the return inside the transaction, locked, and refuse if it can no longer change."""
    fresh = Assessment.objects.select_for_update().select_related("cycle").get(pk=assessment.pk)
    if fresh.is_submitted:
        raise ReturnLockedError(LOCKED_MESSAGE)
    if fresh.cycle.status != Cycle.Status.OPEN:
        raise ReturnLockedError(CLOSED_MESSAGE)
    return fresh


# --- Cycles -----------------------------------------------------------------------------------


def cycle_open(
    *,
    actor: Any,
    name: str,
    framework_version: FrameworkVersion,
    opens_on: date,
    deadline: date,
    partnerships: list[Any],
    previous: Cycle | None = None,
) -> Cycle:
    """Open a cycle: one return per participating partnership; their leads are told by e-mail."""
    require(actor, "manage_review")
    if framework_version.status != FrameworkVersion.Status.PUBLISHED:
        raise ValidationError({"framework_version": "Choose a published version of a framework."})
    if not partnerships:
        raise ValidationError({"partnerships": "Choose at least one participating partnership."})
    cycle = Cycle(
        name=name,
        framework_version=framework_version,
        opens_on=opens_on,
        deadline=deadline,
        previous=previous,
        created_by=actor,
        updated_by=actor,
    )
    cycle.full_clean()
    sections = list(Section.objects.filter(framework_version=framework_version))
    with transaction.atomic():
        cycle.save()
        for partnership in partnerships:
            assessment = Assessment.objects.create(
                cycle=cycle, partnership=partnership, created_by=actor, updated_by=actor
            )
            AssessmentSection.objects.bulk_create(
                AssessmentSection(assessment=assessment, section=s, created_by=actor, updated_by=actor)
                for s in sections
            )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=cycle,
            changes=snapshot(cycle, ["name", "framework_version", "opens_on", "deadline", "previous"]),
            detail={"event": "cycle_opened", "participating": len(partnerships)},
        )
        emails = lead_emails([p.pk for p in partnerships])
        for partnership in partnerships:
            if emails.get(partnership.pk):
                send_later(
                    template="review/email/cycle_opened",
                    to=emails[partnership.pk],
                    context={"cycle": cycle, "partnership": partnership},
                )
    return cycle


CYCLE_FIELDS = ["name", "deadline", "status"]


def cycle_update(*, actor: Any, cycle: Cycle, expected_version: int, **values: Any) -> Cycle:
    require(actor, "manage_review")
    before = snapshot(cycle, CYCLE_FIELDS)
    for name in CYCLE_FIELDS:
        if name in values:
            setattr(cycle, name, values[name])
    save_with_audit(cycle, actor=actor, expected_version=expected_version, fields=CYCLE_FIELDS, before=before)
    return cycle


def cycle_publish_results(*, actor: Any, cycle: Cycle, expected_version: int, publish: bool) -> Cycle:
    """Publishing lets partnerships see each other's results by name; it can be withdrawn."""
    require(actor, "manage_review")
    cycle.results_published = publish
    cycle.results_published_at = timezone.now() if publish else None
    with transaction.atomic():
        update_versioned(
            cycle,
            expected_version=expected_version,
            actor=actor,
            fields=["results_published", "results_published_at"],
        )
        record(
            action=Action.PUBLISH,
            actor=actor,
            obj=cycle,
            detail={"event": "named_results_published" if publish else "named_results_withdrawn"},
        )
    return cycle


def cycle_request_reminders(*, actor: Any, cycle: Cycle) -> int:
    """Queue reminder e-mails to every partnership that has not submitted; returns how many."""
    require(actor, "manage_review")
    if cycle.status != Cycle.Status.OPEN:
        raise ValidationError("Reminders can only be sent while the cycle is open.")
    outstanding = cycle.assessments.exclude(status=Assessment.Status.SUBMITTED).count()
    if outstanding == 0:
        raise ValidationError("Every participating partnership has submitted its return.")
    with transaction.atomic():
        record(
            action=Action.REMIND,
            actor=actor,
            obj=cycle,
            detail={"event": "reminders_requested", "outstanding": outstanding},
        )
        enqueue_reminders(cycle_id=cycle.pk)
    return outstanding


def enqueue_reminders(*, cycle_id: int) -> None:
    """Hand the reminders to the background worker, queued with the request's change."""
    from macehub.operations.queueing import enqueue_with_change

    from ..tasks import send_return_reminders

    # The request time makes the task safe to run twice (a worker killed after it committed is
    # re-run after its lease): returns reminded since the request are not reminded again.
    enqueue_with_change(send_return_reminders, cycle_id=cycle_id, requested_at=timezone.now().isoformat())


def send_reminders(*, cycle_id: int, today: date | None = None, requested_at: datetime | None = None) -> int:
    """Run by the worker: e-mail the leads of each partnership that has not submitted (and has
    not been reminded since ``requested_at``, so a task run twice reminds nobody twice)."""
    today = today or timezone.localdate()
    cycle = Cycle.objects.get(pk=cycle_id)
    if cycle.status != Cycle.Status.OPEN:
        return 0
    pending = cycle.assessments.exclude(status=Assessment.Status.SUBMITTED)
    if requested_at is not None:
        pending = pending.exclude(last_reminded_at__gte=requested_at)
    outstanding = list(pending.select_related("partnership"))
    emails = lead_emails([a.partnership_id for a in outstanding])
    sent = 0
    with transaction.atomic():
        for assessment in outstanding:
            to = emails.get(assessment.partnership_id, [])
            if not to:
                continue
            send_later(
                template="review/email/return_reminder",
                to=to,
                context={
                    "cycle": cycle,
                    "assessment": assessment,
                    "partnership": assessment.partnership,
                    "late": today > cycle.deadline,
                    "days_left": (cycle.deadline - today).days,
                },
            )
            # Bookkeeping only: the version is left alone so nobody's open form goes stale.
            Assessment.objects.filter(pk=assessment.pk).update(
                last_reminded_at=timezone.now(), reminders_sent=F("reminders_sent") + 1
            )
            sent += 1
        record(
            action=Action.REMIND,
            obj=cycle,
            actor_label="background task: review reminders",
            detail={"event": "reminders_sent", "returns": sent},
        )
    return sent


# --- Returns ----------------------------------------------------------------------------------


def _touch(assessment: Assessment, actor: Any) -> None:
    """Any change to a return moves its version on, so a stale submit page is refused."""
    values: dict[str, Any] = {"version": F("version") + 1, "updated_at": timezone.now(), "updated_by": actor}
    if assessment.status == Assessment.Status.NOT_STARTED:
        values["status"] = Assessment.Status.IN_PROGRESS
    Assessment.objects.filter(pk=assessment.pk).update(**values)


def _answer_for(assessment: Assessment, question: Question, actor: Any, cache: dict[int, Answer]) -> Answer:
    answer = cache.get(question.pk)
    if answer is None:
        answer = Answer.objects.create(assessment=assessment, question=question, created_by=actor, updated_by=actor)
        cache[question.pk] = answer
    return answer


def assessment_save_section(
    *,
    actor: Any,
    assessment: Assessment,
    section: Section,
    expected_version: int,
    answers: dict[int, dict[str, Any]],
    uploads_by_question: dict[int, UploadedFile[bytes]] | None = None,
) -> AssessmentSection:
    """Save one section's ratings, comments and new evidence files.

    A stale copy of the section (someone saved it since) raises ConcurrentEditError; a return
    submitted since the page was opened raises ReturnLockedError. Either way nothing is saved.
    """
    require(actor, "edit_assessment", assessment)
    if section.framework_version_id != assessment.cycle.framework_version_id:
        raise ValidationError("That section is not part of this return.")
    questions = {q.pk: q for q in section.questions.all()}
    version = assessment.cycle.framework_version
    top = version.top_rating
    for question_id, values in answers.items():
        if question_id not in questions:
            raise ValidationError("That question is not part of this section.")
        rating = values.get("rating")
        if rating is not None and not 1 <= rating <= top:
            raise ValidationError(f"Choose a rating from 1 to {top}.")
    # The evidence suggests a rating; the person decides. A different rating needs their reason.
    suggested = returns_evidence.suggestions(assessment, list(questions.values()))
    override_errors = {}
    for question_id, values in answers.items():
        suggestion = suggested.get(question_id)
        rating = values.get("rating")
        differs = suggestion is not None and rating is not None and rating != suggestion.rating
        if suggestion is not None and differs and not (values.get("comment") or "").strip():
            question = questions[question_id]
            override_errors[f"q{question_id}_comment"] = (
                f"{question.code}: say why you chose {rating} – {version.scale_label(rating)} when the "
                f"evidence suggests {suggestion.rating} – {version.scale_label(suggestion.rating)}"
            )
    if override_errors:
        raise ValidationError(override_errors)
    with transaction.atomic():
        locked = _lock(assessment)
        state = AssessmentSection.objects.select_related("assessment").get(assessment=locked, section=section)
        update_versioned(state, expected_version=expected_version, actor=actor, fields=[])
        existing = {a.question_id: a for a in Answer.objects.filter(assessment=locked, question_id__in=questions)}
        changes: dict[str, list[Any]] = {}
        for question_id, values in answers.items():
            question = questions[question_id]
            answer = existing.get(question_id)
            rating = values.get("rating")
            suggestion = suggested.get(question_id)
            differs = suggestion is not None and rating is not None and rating != suggestion.rating
            comment = (values.get("comment") or "").strip() if question.allows_comment or differs else ""
            if answer is None and rating is None and not comment:
                continue
            answer = _answer_for(locked, question, actor, existing)
            before = {"rating": answer.rating, "comment": answer.comment}
            suggested_rating = suggestion.rating if suggestion is not None else None
            reasons = list(suggestion.reasons) if suggestion is not None else []
            same_suggestion = (answer.suggested_rating, answer.suggestion_reasons) == (suggested_rating, reasons)
            if before == {"rating": rating, "comment": comment} and not answer.carried_forward and same_suggestion:
                continue
            answer.rating, answer.comment, answer.carried_forward = rating, comment, False
            answer.suggested_rating, answer.suggestion_reasons = suggested_rating, reasons
            update_versioned(
                answer,
                expected_version=answer.version,
                actor=actor,
                fields=["rating", "comment", "carried_forward", "suggested_rating", "suggestion_reasons"],
            )
            for name, (old, new) in field_changes(
                before, {"rating": rating, "comment": comment}, redact=frozenset({"comment"})
            ).items():
                changes[f"{question.code} {name}"] = [old, new]
        files = []
        for question_id, upload in (uploads_by_question or {}).items():
            if question_id not in questions:
                raise ValidationError("That question is not part of this section.")
            answer = _answer_for(locked, questions[question_id], actor, existing)
            stored = uploads.store(upload, actor=actor, partnership_id=locked.partnership_id)
            Evidence.objects.create(
                answer=answer, file=stored, description=stored.original_name, created_by=actor, updated_by=actor
            )
            files.append({"question": questions[question_id].code, "file": stored.original_name})
        _touch(locked, actor)
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=locked,
            changes=changes,
            detail={"event": "section_saved", "section": section.code, "evidence_added": files},
        )
    return state


def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    assessment = evidence.answer.assessment
    require(actor, "edit_assessment", assessment)
    with transaction.atomic():
        locked = _lock(assessment)
        record(
            action=Action.DELETE,
            actor=actor,
            obj=evidence,
            partnership_id=locked.partnership_id,
            detail={"file": evidence.file.original_name, "question": evidence.answer.question.code},
        )
        evidence.delete()
        _touch(locked, actor)


def assessment_carry_forward(*, actor: Any, assessment: Assessment, previous: Assessment) -> int:
    """Copy last cycle's ratings, comments and evidence into questions not yet answered here.

    Questions are matched by their stable key, so this works across framework versions.
    Copied answers are marked until someone saves their section, so nobody mistakes last
    year's answer for this year's. Returns how many answers were copied."""
    require(actor, "edit_assessment", assessment)
    if previous.partnership_id != assessment.partnership_id:
        raise ValidationError("Answers can only be carried forward from the same partnership's return.")
    questions = {
        q.key: q for q in Question.objects.filter(section__framework_version=assessment.cycle.framework_version)
    }
    with transaction.atomic():
        locked = _lock(assessment)
        answered = set(
            Answer.objects.filter(assessment=locked)
            .exclude(rating__isnull=True, comment="")
            .values_list("question__key", flat=True)
        )
        existing = {a.question_id: a for a in Answer.objects.filter(assessment=locked)}
        copied = 0
        for old in Answer.objects.filter(assessment=previous).select_related("question").prefetch_related("evidence"):
            question = questions.get(old.question.key)
            if question is None or question.key in answered or (old.rating is None and not old.comment):
                continue
            answer = _answer_for(locked, question, actor, existing)
            answer.rating, answer.comment, answer.carried_forward = old.rating, old.comment, True
            update_versioned(
                answer, expected_version=answer.version, actor=actor, fields=["rating", "comment", "carried_forward"]
            )
            for item in old.evidence.all():
                Evidence.objects.create(
                    answer=answer,
                    file_id=item.file_id,
                    description=item.description,
                    created_by=actor,
                    updated_by=actor,
                )
            copied += 1
        if copied:
            locked.carried_forward_from = previous
            locked.save(update_fields=["carried_forward_from"])
            _touch(locked, actor)
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=locked,
            detail={"event": "carried_forward", "from_return": previous.pk, "answers": copied},
        )
    return copied


def missing_answers(assessment: Assessment) -> list[Question]:
    rated = Answer.objects.filter(assessment=assessment, rating__isnull=False).values("question_id")
    return list(
        Question.objects.filter(section__framework_version=assessment.cycle.framework_version_id)
        .exclude(pk__in=rated)
        .select_related("section")
        .order_by("section__order", "order")
    )


def assessment_submit(*, actor: Any, assessment: Assessment, expected_version: int) -> Assessment:
    """The lead submits a complete return; from now on it is read-only."""
    require(actor, "submit_assessment", assessment)
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.version != expected_version:
            raise ConcurrentEditError(locked)
        missing = missing_answers(locked)
        if missing:
            raise ValidationError(
                f"Rate every question before you submit: {len(missing)} still to do, starting with {missing[0].code}."
            )
        carried = Answer.objects.filter(assessment=locked, carried_forward=True).count()
        if carried:
            raise ValidationError(
                f"{carried} answers were carried forward from the last cycle and have not been checked. "
                "Open their sections and save them to confirm they are still right."
            )
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor
        # The evidence the return was submitted with, frozen: a later correction to a record
        # does not change a submitted return (the page says which figures moved since).
        locked.evidence_snapshot = returns_evidence.snapshot(locked)
        update_versioned(
            locked,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "submitted_at", "submitted_by", "evidence_snapshot"],
        )
        record(
            action=Action.SUBMIT,
            actor=actor,
            obj=locked,
            detail={"event": "submitted", "evidence_figures": len(locked.evidence_snapshot["figures"])},
        )
        to = lead_emails([locked.partnership_id]).get(locked.partnership_id, [])
        if to:
            send_later(
                template="review/email/return_submitted",
                to=to,
                context={"assessment": locked, "cycle": locked.cycle, "submitted_by": actor},
            )
    assessment.refresh_from_db()
    return assessment


def assessment_reopen(*, actor: Any, assessment: Assessment, expected_version: int, reason: str) -> Assessment:
    """The London team reopens a submitted return so the partnership can correct it."""
    require(actor, "reopen_assessment", assessment)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return is being reopened"})
    with transaction.atomic():
        assessment.status = Assessment.Status.IN_PROGRESS
        assessment.reopened_count += 1
        update_versioned(
            assessment,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "reopened_count"],
        )
        record(
            action=Action.REOPEN,
            actor=actor,
            obj=assessment,
            detail={"event": "reopened", "reason": reason.strip()},
        )
        to = lead_emails([assessment.partnership_id]).get(assessment.partnership_id, [])
        if to:
            send_later(
                template="review/email/return_reopened",
                to=to,
                context={"assessment": assessment, "cycle": assessment.cycle, "reason": reason.strip()},
            )
    return assessment
