"""Reading and writing self-assessment frameworks as JSON files (see data/README.md).

The loader takes the model classes as arguments so the data migration can pass its
historical models; it never changes an existing version — a file always becomes a new one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from .models.frameworks import ReviewArea, validate_rating_scale

DEFAULT_FRAMEWORK_FILE = Path(__file__).resolve().parent / "data" / "london-protocol-2021.json"
#: The evidence measures for each question of the default framework, by question key.
EVIDENCE_MAPPING_FILE = Path(__file__).resolve().parent / "data" / "evidence_mapping.json"


def evidence_mapping() -> dict[str, list[str]]:
    """Question key → evidence measure keys, for the default framework (data/evidence_mapping.json)."""
    with EVIDENCE_MAPPING_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {k: list(v) for k, v in data.items() if not k.startswith("_") and isinstance(v, list)}


def _measures(value: Any) -> list[str]:
    """A question's measure keys from a file: a list of strings (unknown keys are kept and ignored
    when figures are shown, so a file from a newer MACE Hub still loads)."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()][:30]


_QUESTION_TEXT_FIELDS = ("text", "protocol_reference", "evidence_prompt")


def read_framework_file(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    check_framework_data(data)
    return data  # type: ignore[no-any-return]


def check_framework_data(data: Any) -> None:
    """Raise ValidationError, in plain words, for anything a framework file gets wrong."""
    if not isinstance(data, dict):
        raise ValidationError("A framework file must contain one JSON object.")
    for name in ("key", "name"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ValidationError(f"The framework needs a ‘{name}’.")
    validate_rating_scale(data.get("rating_scale"))
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise ValidationError("The framework needs at least one section.")
    section_keys: set[str] = set()
    question_keys: set[str] = set()
    codes: set[str] = set()
    for section in sections:
        for name in ("key", "code", "title", "area"):
            if not isinstance(section.get(name), str) or not section[name].strip():
                raise ValidationError(f"Every section needs a ‘{name}’.")
        if section["area"] not in ReviewArea.values:
            raise ValidationError(f"Section {section['code']}: area must be one of {', '.join(ReviewArea.values)}.")
        if section["key"] in section_keys:
            raise ValidationError(f"Section key ‘{section['key']}’ is used twice.")
        section_keys.add(section["key"])
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ValidationError(f"Section {section['code']} needs at least one question.")
        for question in questions:
            for name in ("key", "code", *_QUESTION_TEXT_FIELDS):
                if not isinstance(question.get(name), str) or not question[name].strip():
                    raise ValidationError(f"Question {question.get('code', '?')} needs a ‘{name}’.")
            if question["key"] in question_keys:
                raise ValidationError(f"Question key ‘{question['key']}’ is used twice.")
            if question["code"] in codes:
                raise ValidationError(f"Question code ‘{question['code']}’ is used twice.")
            question_keys.add(question["key"])
            codes.add(question["code"])


def load_framework(
    data: dict[str, Any],
    *,
    framework_model: Any,
    version_model: Any,
    section_model: Any,
    question_model: Any,
    publish: bool = True,
    actor: Any = None,
) -> Any:
    """Create the framework if new, then a new version holding the file's sections and questions."""
    check_framework_data(data)
    mapping = evidence_mapping() if data["key"] == "london-protocol-2021" else {}
    # Migration 0002's historical Question has no ``measures`` yet (0003 adds and fills it).
    has_measures = any(f.name == "measures" for f in question_model._meta.get_fields())
    framework, _ = framework_model.objects.get_or_create(
        key=slugify(data["key"]),
        defaults={"name": data["name"], "description": data.get("description", ""), "created_by": actor},
    )
    latest = framework.versions.order_by("-number").first()
    now = timezone.now()
    version = version_model.objects.create(
        framework=framework,
        number=(latest.number + 1) if latest else 1,
        status="published" if publish else "draft",
        published_at=now if publish else None,
        rating_scale=data["rating_scale"],
        notes=data.get("version_notes", ""),
        created_by=actor,
        updated_by=actor,
    )
    for section_order, section in enumerate(data["sections"], start=1):
        section_row = section_model.objects.create(
            framework_version=version,
            key=slugify(section["key"]),
            code=section["code"],
            title=section["title"],
            area=section["area"],
            introduction=section.get("introduction", ""),
            order=section_order,
            created_by=actor,
            updated_by=actor,
        )
        for question_order, question in enumerate(section["questions"], start=1):
            extra: dict[str, Any] = {}
            if has_measures:
                extra["measures"] = (
                    _measures(question["measures"])
                    if "measures" in question
                    else list(mapping.get(slugify(question["key"]), []))
                )
            question_model.objects.create(
                **extra,
                section=section_row,
                key=slugify(question["key"]),
                code=question["code"],
                text=question["text"],
                focus=question.get("focus", ""),
                protocol_reference=question["protocol_reference"],
                guidance=question.get("guidance", ""),
                evidence_prompt=question["evidence_prompt"],
                allows_comment=bool(question.get("allows_comment", True)),
                order=question_order,
                created_by=actor,
                updated_by=actor,
            )
    return version


def load_default_framework(**models: Any) -> Any:
    """The framework shipped with MACE Hub, loaded once (by migration 0002 or on a flushed test database)."""
    data = read_framework_file(DEFAULT_FRAMEWORK_FILE)
    existing = models["framework_model"].objects.filter(key=data["key"]).first()
    if existing is not None and existing.versions.exists():
        return existing.versions.order_by("number").first()
    return load_framework(data, **models)


def ensure_default_framework() -> Any:
    """The published default framework, loaded first if missing (the demo seed; a browser test's
    flush empties the tables the migration filled)."""
    from .models import Framework, FrameworkVersion, Question, Section

    load_default_framework(
        framework_model=Framework,
        version_model=FrameworkVersion,
        section_model=Section,
        question_model=Question,
    )
    return FrameworkVersion.objects.filter(status="published").order_by("-number").first()


def framework_as_data(version: Any) -> dict[str, Any]:
    """A version as the JSON file format, for export and re-loading."""
    return {
        "key": version.framework.key,
        "name": version.framework.name,
        "description": version.framework.description,
        "version_notes": version.notes,
        "rating_scale": version.rating_scale,
        "sections": [
            {
                "key": section.key,
                "code": section.code,
                "title": section.title,
                "area": section.area,
                "introduction": section.introduction,
                "questions": [
                    {
                        "key": q.key,
                        "code": q.code,
                        "text": q.text,
                        "focus": q.focus,
                        "protocol_reference": q.protocol_reference,
                        "guidance": q.guidance,
                        "evidence_prompt": q.evidence_prompt,
                        "allows_comment": q.allows_comment,
                        "measures": list(q.measures or []),
                    }
                    for q in section.questions.all()
                ],
            }
            for section in version.sections.all()
        ],
    }
