"""Self-assessment cycles and each partnership's return (an "assessment") in them.

The London project team opens a cycle for a framework version, a deadline and the
participating partnerships; one :class:`Assessment` is created per partnership. Its lead
(the strategic lead or borough admin) and colleagues answer it section by section, then the
lead submits it. A submitted return is read-only until the London team reopens it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from macehub.core.models import TrackedModel

from .frameworks import FrameworkVersion, Question, Section


class Cycle(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120, unique=True, help_text="For example ‘2025 MACE self-assessment’.")
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="cycles")
    opens_on = models.DateField()
    deadline = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The earlier cycle whose answers are carried forward and compared with.",
    )
    results_published = models.BooleanField(
        default=False, help_text="When published, partnerships see other partnerships' results by name."
    )
    results_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["open", "closed"]), name="review_cycle_status_known"),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")), name="review_cycle_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(TrackedModel):
    """One partnership's return in one cycle."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.PROTECT, related_name="review_assessments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_count = models.PositiveSmallIntegerField(default=0)
    carried_forward_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    evidence_snapshot = models.JSONField(
        null=True,
        blank=True,
        help_text="The evidence figures the return was submitted with (null until submission).",
    )

    class Meta:
        ordering = ["cycle", "partnership__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "partnership"], name="review_one_return_per_partnership"),
            models.CheckConstraint(
                condition=models.Q(status__in=["not_started", "in_progress", "submitted"]),
                name="review_assessment_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="review_submitted_return_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} — {self.cycle}"

    @property
    def audit_label(self) -> str:
        return f"self-assessment return #{self.pk}"

    @property
    def audit_partnership_id(self) -> int:
        return self.partnership_id

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_editable(self) -> bool:
        return self.status != self.Status.SUBMITTED and self.cycle.status == Cycle.Status.OPEN


class AssessmentSection(TrackedModel):
    """A section of one return. Its ``version`` lets colleagues work on different sections at
    once while a stale copy of the same section is refused."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="section_states")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["section__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "section"], name="review_one_state_per_section"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.section}"

    @property
    def audit_partnership_id(self) -> int:
        return self.assessment.partnership_id


class Answer(TrackedModel):
    """A rating (and optional comment) for one question of one return.

    It points at the question *version* it answers, so a later framework version never
    changes it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    carried_forward = models.BooleanField(
        default=False, help_text="Copied from the previous cycle and not yet checked by the partnership."
    )
    suggested_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The rating the evidence suggests (never submitted without a person)."
    )
    suggestion_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["question__section__order", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="review_one_answer_per_question"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=6),
                name="review_answer_rating_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(suggested_rating__isnull=True)
                | models.Q(suggested_rating__gte=1, suggested_rating__lte=6),
                name="review_answer_suggested_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} — {self.assessment}"

    @property
    def audit_label(self) -> str:
        return f"answer #{self.pk}"

    @property
    def audit_partnership_id(self) -> int:
        return self.assessment.partnership_id


class Evidence(TrackedModel):
    """A file attached to an answer (stored privately by :mod:`macehub.core.uploads`)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    file = models.ForeignKey("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.description or str(self.file)

    @property
    def audit_label(self) -> str:
        return f"evidence #{self.pk}"

    @property
    def audit_partnership_id(self) -> int:
        return self.answer.assessment.partnership_id
