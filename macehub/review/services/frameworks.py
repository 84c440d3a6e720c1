"""Changing self-assessment frameworks. Only draft versions change; a published version is
frozen because answers point at its questions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import field_changes, snapshot, update_versioned

from ..framework_files import load_framework
from ..models import Framework, FrameworkVersion, Question, Section
from .common import require

SECTION_FIELDS = ["code", "title", "area", "introduction", "order"]
QUESTION_FIELDS = [
    "code",
    "text",
    "focus",
    "protocol_reference",
    "guidance",
    "evidence_prompt",
    "allows_comment",
    "order",
    "measures",
]


def _require_draft(version: FrameworkVersion) -> None:
    if not version.is_editable:
        raise ValidationError(
            "This version is published and cannot be changed, because returns answer its questions. "
            "Start a new version to make changes."
        )


def version_new_draft(*, actor: Any, framework: Framework) -> FrameworkVersion:
    """Copy the newest version into a new draft (one draft at a time)."""
    require(actor, "manage_review")
    if framework.versions.filter(status=FrameworkVersion.Status.DRAFT).exists():
        raise ValidationError("There is already a draft version of this framework. Change that one instead.")
    source = framework.versions.order_by("-number").first()
    if source is None:
        raise ValidationError("This framework has no version to copy.")
    with transaction.atomic():
        number = (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = FrameworkVersion(
            framework=framework,
            number=number,
            rating_scale=source.rating_scale,
            notes="",
            based_on=source,
            created_by=actor,
            updated_by=actor,
        )
        draft.full_clean()
        draft.save()
        for section in source.sections.prefetch_related("questions"):
            copy = Section.objects.create(
                framework_version=draft,
                key=section.key,
                created_by=actor,
                updated_by=actor,
                **{f: getattr(section, f) for f in SECTION_FIELDS},
            )
            Question.objects.bulk_create(
                Question(
                    section=copy,
                    key=q.key,
                    created_by=actor,
                    updated_by=actor,
                    **{f: getattr(q, f) for f in QUESTION_FIELDS},
                )
                for q in section.questions.all()
            )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=draft,
            detail={"event": "draft_version_started", "copied_from": source.number},
        )
    return draft


def version_update(
    *, actor: Any, version: FrameworkVersion, expected_version: int, notes: str, rating_scale: list[dict[str, Any]]
) -> FrameworkVersion:
    require(actor, "manage_review")
    _require_draft(version)
    before = snapshot(version, ["notes", "rating_scale"])
    version.notes = notes
    version.rating_scale = rating_scale
    save_with_audit(
        version, actor=actor, expected_version=expected_version, fields=["notes", "rating_scale"], before=before
    )
    return version


def version_publish(*, actor: Any, version: FrameworkVersion, expected_version: int) -> FrameworkVersion:
    """Publish a draft for use in new cycles; older published versions are retired (cycles
    already using them keep them)."""
    require(actor, "manage_review")
    _require_draft(version)
    if not Question.objects.filter(section__framework_version=version).exists():
        raise ValidationError("Add at least one question before publishing.")
    empty = list(version.sections.filter(questions__isnull=True).values_list("code", flat=True))
    if empty:
        raise ValidationError(f"Section {', '.join(empty)} has no questions. Add one or remove the section.")
    with transaction.atomic():
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        update_versioned(version, expected_version=expected_version, actor=actor, fields=["status", "published_at"])
        retired = list(
            FrameworkVersion.objects.filter(framework_id=version.framework_id, status=FrameworkVersion.Status.PUBLISHED)
            .exclude(pk=version.pk)
            .values_list("number", flat=True)
        )
        FrameworkVersion.objects.filter(
            framework_id=version.framework_id, status=FrameworkVersion.Status.PUBLISHED
        ).exclude(pk=version.pk).update(status=FrameworkVersion.Status.RETIRED)
        record(action=Action.PUBLISH, actor=actor, obj=version, detail={"event": "published", "retired": retired})
    return version


def _unique_key(version: FrameworkVersion, model: type[Section] | type[Question], base: str) -> str:
    base = slugify(base)[:50] or "item"
    existing = set(
        Section.objects.filter(framework_version=version).values_list("key", flat=True)
        if model is Section
        else Question.objects.filter(section__framework_version=version).values_list("key", flat=True)
    )
    key, n = base, 2
    while key in existing:
        key, n = f"{base}-{n}", n + 1
    return key


def section_save(
    *,
    actor: Any,
    version: FrameworkVersion,
    section: Section | None,
    expected_version: int | None = None,
    **values: Any,
) -> Section:
    require(actor, "manage_review")
    _require_draft(version)
    creating = section is None
    target = section or Section(framework_version=version, created_by=actor, updated_by=actor)
    before = {} if creating else snapshot(target, SECTION_FIELDS)
    for name in SECTION_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.key = _unique_key(version, Section, values.get("title", "section"))
            if not values.get("order"):
                target.order = (version.sections.aggregate(n=Max("order"))["n"] or 0) + 1
            target.full_clean()
            target.save()
            record(
                action=Action.CREATE,
                actor=actor,
                obj=target,
                changes=field_changes({}, snapshot(target, SECTION_FIELDS)),
            )
        else:
            save_with_audit(
                target, actor=actor, expected_version=expected_version or 0, fields=SECTION_FIELDS, before=before
            )
    return target


def question_save(
    *,
    actor: Any,
    section: Section,
    question: Question | None,
    expected_version: int | None = None,
    **values: Any,
) -> Question:
    require(actor, "manage_review")
    version = section.framework_version
    _require_draft(version)
    code = values.get("code")
    clash = Question.objects.filter(section__framework_version=version, code=code)
    if question is not None:
        clash = clash.exclude(pk=question.pk)
    if code and clash.exists():
        raise ValidationError({"code": "Another question in this version already has this number."})
    creating = question is None
    target = question or Question(section=section, created_by=actor, updated_by=actor)
    before = {} if creating else snapshot(target, QUESTION_FIELDS)
    for name in QUESTION_FIELDS:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.key = _unique_key(version, Question, values.get("code", "") + "-" + values.get("focus", ""))
            if not values.get("order"):
                target.order = (section.questions.aggregate(n=Max("order"))["n"] or 0) + 1
            target.full_clean()
            target.save()
            record(
                action=Action.CREATE,
                actor=actor,
                obj=target,
                changes=field_changes({}, snapshot(target, QUESTION_FIELDS)),
            )
        else:
            save_with_audit(
                target, actor=actor, expected_version=expected_version or 0, fields=QUESTION_FIELDS, before=before
            )
    return target


def question_remove(*, actor: Any, question: Question) -> None:
    require(actor, "manage_review")
    _require_draft(question.section.framework_version)
    with transaction.atomic():
        record(
            action=Action.DELETE,
            actor=actor,
            obj=question,
            detail={"code": question.code, "text": question.text[:200]},
        )
        question.delete()


def framework_import(*, actor: Any, data: dict[str, Any], publish: bool) -> FrameworkVersion:
    """Load a framework file as a new version (``manage.py load_review_framework``).

    ``actor`` is None when an operator runs the command on the server."""
    if actor is not None:
        require(actor, "manage_review")
    with transaction.atomic():
        version: FrameworkVersion = load_framework(
            data,
            framework_model=Framework,
            version_model=FrameworkVersion,
            section_model=Section,
            question_model=Question,
            publish=publish,
            actor=actor,
        )
        if publish:
            FrameworkVersion.objects.filter(
                framework_id=version.framework_id, status=FrameworkVersion.Status.PUBLISHED
            ).exclude(pk=version.pk).update(status=FrameworkVersion.Status.RETIRED)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=version,
            detail={"event": "framework_loaded", "published": publish},
            actor_label="" if actor is not None else "manage.py load_review_framework",
        )
    return version
