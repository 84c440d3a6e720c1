"""Actions agreed at meetings (R25), and what each later meeting decided about them: done,
carried forward (with a reason that separates "circumstances changed" from "the agency did
not act", as MARAC guidance asks), or no longer needed. Repeated non-completion escalates to
the chair (R26)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from macehub.core.models import TrackedModel

from .meetings import AgendaItem, Meeting


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


class Action(TrackedModel):
    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="meeting_actions")
    number = models.PositiveIntegerField(editable=False)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions_agreed")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="meeting_actions"
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    times_carried_forward = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reminded_before_on = models.DateField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "number"], name="action_reference_unique_in_panel"),
            models.CheckConstraint(condition=Q(status__in=ActionStatus.values), name="action_status_known"),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.OPEN) | Q(completed_at__isnull=False),
                name="action_closed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["panel", "status", "due_date"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["owner_agency", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"A-{self.number:04d}"

    @property
    def audit_label(self) -> str:
        return f"Action {self.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()


class ReviewOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    CARRIED_FORWARD = "carried_forward", "Carried forward"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"


class CarryReason(models.TextChoices):
    CIRCUMSTANCES_CHANGED = "circumstances_changed", "Circumstances changed"
    IN_PROGRESS = "in_progress", "Started, needs more time"
    AGENCY_DID_NOT_ACT = "agency_did_not_act", "Agency did not act"


class ActionReview(TrackedModel):
    """What a meeting decided about an action agreed earlier."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="reviews")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_reviews")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    reason = models.CharField(max_length=25, choices=CarryReason.choices, blank=True)
    note = models.TextField(blank=True)
    previous_due_date = models.DateField()
    new_due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "meeting"], name="action_reviewed_once_per_meeting"),
            models.CheckConstraint(condition=Q(outcome__in=ReviewOutcome.values), name="action_review_outcome_known"),
            models.CheckConstraint(
                condition=~Q(outcome=ReviewOutcome.CARRIED_FORWARD)
                | (Q(reason__in=CarryReason.values) & Q(new_due_date__isnull=False)),
                name="action_carried_forward_has_reason_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_outcome_display()}"

    @property
    def audit_label(self) -> str:
        return f"Review of action {self.action.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.meeting.panel.partnership_id
