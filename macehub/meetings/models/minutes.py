"""Minutes: drafted from what the meeting recorded, edited, approved by a chair, then
immutable. A correction is a new version with a reason; the version it replaces is kept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel

from .meetings import AgendaItem, Meeting


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Replaced by a correction"


class ApprovedMinutesError(Exception):
    """Approved minutes never change: correct them with a new version."""


class Minutes(TrackedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes_versions")
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    opening = models.TextField("Opening and general business", blank=True)
    correction_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    distributed_at = models.DateTimeField(null=True, blank=True)
    #: Frozen on approval: attendance, quoracy, risk decisions and actions as they stood, so the
    #: approved minutes read the same for ever whatever happens to the records afterwards.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        verbose_name_plural = "minutes"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_number_unique"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status=MinutesStatus.DRAFT), name="minutes_one_draft_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(status=MinutesStatus.APPROVED), name="minutes_one_approved_per_meeting"
            ),
            models.CheckConstraint(condition=Q(status__in=MinutesStatus.values), name="minutes_status_known"),
            models.CheckConstraint(
                condition=Q(status=MinutesStatus.DRAFT) | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="minutes_approved_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""), name="minutes_correction_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}, version {self.number}"

    @property
    def audit_label(self) -> str:
        return f"Minutes v{self.number} of meeting {self.meeting.date:%Y-%m-%d}"

    @property
    def audit_partnership_id(self) -> int:
        return self.meeting.panel.partnership_id

    @property
    def is_draft(self) -> bool:
        return self.status == MinutesStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Belt and braces under the services: once approved, only the status (to "superseded")
        # and the distribution time may change.
        if not self._state.adding and self.pk:
            stored = Minutes.objects.filter(pk=self.pk).values("status", "opening", "snapshot").first()
            if (
                stored
                and stored["status"] != MinutesStatus.DRAFT
                and (stored["opening"] != self.opening or stored["snapshot"] != self.snapshot)
            ):
                raise ApprovedMinutesError("Approved minutes cannot be changed.")
        super().save(*args, **kwargs)


class ItemMinute(TrackedModel):
    """The minute of one agenda item in one version of the minutes. Seen only by those who may
    see the item."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="items")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="minute_versions")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["minutes", "item__position", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["minutes", "item"], name="item_minute_once_per_version")]

    def __str__(self) -> str:
        return f"Minute of {self.item}"

    @property
    def audit_label(self) -> str:
        return f"Minute of {self.item.audit_label}"

    @property
    def audit_partnership_id(self) -> int:
        return self.item.meeting.panel.partnership_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Minutes.objects.filter(pk=self.minutes_id).exclude(status=MinutesStatus.DRAFT).exists():
            raise ApprovedMinutesError("Approved minutes cannot be changed.")
        super().save(*args, **kwargs)
