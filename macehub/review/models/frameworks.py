"""Self-assessment frameworks: versioned data, sections and questions.

A framework (for example "London MACE self-assessment (2021 protocol)") has numbered
versions. Only a draft version can be changed; a published version is frozen because
answers point at its questions. A new version is a copy, so answers given to an older
version never change. Sections and questions carry a ``key`` that stays the same from one
version to the next: that is how last cycle's answers are carried forward and how scores
are compared between cycles.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from macehub.core.models import TrackedModel


class ReviewArea(models.TextChoices):
    """The four questions of the London peer review."""

    PROTOCOL = "protocol", "Implementing the 2021 protocol"
    VOLT = "volt", "Understanding and using VOLT"
    MEETINGS = "meetings", "Organising MACE meetings: agenda, attendance, partner contributions, chairing"
    OVERSIGHT = "oversight", "Oversight, data, strategy and impact"


def validate_rating_scale(value: Any) -> None:
    """A scale is 2–6 levels numbered 1, 2, 3…, each with a label and a descriptor."""
    if not isinstance(value, list) or not 2 <= len(value) <= 6:
        raise ValidationError("A rating scale needs between 2 and 6 levels.")
    for position, level in enumerate(value, start=1):
        if not isinstance(level, dict) or level.get("value") != position:
            raise ValidationError("Rating levels must be numbered 1, 2, 3… in order.")
        label = level.get("label")
        descriptor = level.get("descriptor")
        if not isinstance(label, str) or not label.strip() or len(label) > 60:
            raise ValidationError(f"Level {position} needs a name of up to 60 characters.")
        if not isinstance(descriptor, str) or not descriptor.strip():
            raise ValidationError(f"Level {position} needs a descriptor.")


class Framework(TrackedModel):
    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(TrackedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    rating_scale = models.JSONField(validators=[validate_rating_scale])
    notes = models.TextField("What changed in this version", blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["framework__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="review_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "retired"]), name="review_version_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="review_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.name}, version {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def audit_label(self) -> str:
        return f"framework {self.framework_id} version {self.number}"

    def scale_choices(self) -> list[tuple[int, str]]:
        return [(level["value"], f"{level['value']} – {level['label']}") for level in self.rating_scale]

    def scale_label(self, value: int | None) -> str:
        for level in self.rating_scale:
            if level["value"] == value:
                return str(level["label"])
        return "Not rated"

    @property
    def top_rating(self) -> int:
        return len(self.rating_scale)


class Section(TrackedModel):
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="sections")
    key = models.SlugField(max_length=60)
    code = models.CharField(max_length=8)
    title = models.CharField(max_length=200)
    area = models.CharField("Review question it tests", max_length=20, choices=ReviewArea.choices)
    introduction = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework_version", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "key"], name="review_section_key_unique"),
            models.UniqueConstraint(fields=["framework_version", "code"], name="review_section_code_unique"),
            models.CheckConstraint(condition=models.Q(area__in=ReviewArea.values), name="review_section_area_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Question(TrackedModel):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions")
    key = models.SlugField(max_length=60, help_text="Stays the same between versions; answers carry forward by it.")
    code = models.CharField(max_length=10)
    text = models.TextField()
    focus = models.CharField(
        max_length=100, blank=True, help_text="The aspect it tests, for example ‘Agenda’ or ‘Chairing’."
    )
    protocol_reference = models.CharField(
        "Protocol clause or review question", max_length=300, help_text="For example ‘Section 10; appendix D’."
    )
    guidance = models.TextField(blank=True)
    evidence_prompt = models.TextField()
    allows_comment = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    measures = models.JSONField(
        "Evidence figures from the records",
        default=list,
        blank=True,
        help_text="Keys of the evidence measures (review/evidence/measures.py) shown beside this question.",
    )

    class Meta:
        ordering = ["section__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="review_question_key_unique"),
            models.UniqueConstraint(fields=["section", "code"], name="review_question_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"
