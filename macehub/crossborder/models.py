"""Cross-border working (R43): children who move out of a partnership, children placed in one
borough by another, and children found in another partnership's area after going missing.

Two partnerships never share a record. What crosses the border is written down at the moment
it is sent (a handover summary, a placement summary, a "found in your area" notice) and each
side sees only that, never the other's register record.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from macehub.core.models import TrackedModel


class MoveKind(models.TextChoices):
    FAMILY_MOVED = "family_moved", "Family moved"
    PLACED = "placed", "Looked-after child placed in another borough"
    CUSTODY = "custody", "In custody"
    SUPPORTED = "supported", "Supported accommodation elsewhere"
    OTHER = "other", "Other"


class HandoverState(models.TextChoices):
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted onto the register"
    DECLINED = "declined", "Not accepted"


#: What a handover summary may hold (the minimum set, R43). The sending coordinator chooses.
SUMMARY_PARTS = {
    "harm_types": "Harm types",
    "risk_level": "Risk level",
    "current_plan": "Current plan",
    "open_actions": "Open actions",
    "key_contacts": "Key contacts",
}


class Handover(TrackedModel):
    """A child moving (or placed) out of one partnership, and its notification to the other.

    ``summary`` is a snapshot taken when it was sent: later changes to the sending record never
    reach the receiving partnership.
    """

    child = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="handovers_out")
    from_panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="handovers_out")
    to_partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.PROTECT, related_name="handovers_in"
    )
    kind = models.CharField(max_length=20, choices=MoveKind.choices)
    moved_on = models.DateField()
    #: For a placement or custody: when it is expected to end (optional).
    expected_end = models.DateField(null=True, blank=True)
    #: The pseudonymous reference, age band and sex as sent (the receiving side never sees the record).
    summary = models.JSONField(default=dict)
    parts = models.JSONField(default=list)
    note = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    state = models.CharField(max_length=15, choices=HandoverState.choices, default=HandoverState.SENT)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decline_reason = models.TextField(blank=True)
    received_panel = models.ForeignKey(
        "organisations.Panel", null=True, blank=True, on_delete=models.PROTECT, related_name="handovers_in"
    )
    new_child = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="handover_in"
    )
    chased_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MoveKind.values), name="handover_kind_known"),
            models.CheckConstraint(condition=Q(state__in=HandoverState.values), name="handover_state_known"),
            models.CheckConstraint(
                condition=Q(state=HandoverState.SENT) | Q(acknowledged_at__isnull=False),
                name="handover_acknowledged_before_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state=HandoverState.ACCEPTED) | Q(new_child__isnull=False, received_panel__isnull=False),
                name="handover_accepted_names_new_record",
            ),
            models.CheckConstraint(
                condition=~Q(state=HandoverState.DECLINED) | ~Q(decline_reason=""),
                name="handover_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(expected_end__isnull=True) | Q(expected_end__gte=F("moved_on")),
                name="handover_end_after_move",
            ),
        ]
        indexes = [models.Index(fields=["to_partnership", "state"])]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def snapshot(self) -> dict[str, Any]:
        """The summary as sent (empty once the retention job has erased the sending record)."""
        return self.summary if isinstance(self.summary, dict) else {}

    @property
    def audit_label(self) -> str:
        return f"Handover of {self.snapshot.get('reference', 'an erased record')} to {self.to_partnership.short_name}"

    @property
    def audit_partnership_id(self) -> int:
        return self.from_panel.partnership_id

    @property
    def is_placement(self) -> bool:
        return self.kind == MoveKind.PLACED

    @property
    def is_open(self) -> bool:
        return self.state in (HandoverState.SENT, HandoverState.ACKNOWLEDGED)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.expected_end and self.moved_on and self.expected_end < self.moved_on:
            errors["expected_end"] = "The expected end must be the same as or after the date of the move"
        if self.from_panel_id and self.to_partnership_id and self.from_panel.partnership_id == self.to_partnership_id:
            errors["to_partnership"] = "Choose another partnership: this one is your own"
        if errors:
            raise ValidationError(errors)


class Side(models.TextChoices):
    PLACING = "placing", "Placing authority"
    HOST = "host", "Host authority"


class PlacementSummary(TrackedModel):
    """What one side of a placement agrees to share with the other about the child.

    Each side writes and updates its own; it sees the other's, never the other's record.
    """

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="placement_summaries")
    side = models.CharField(max_length=10, choices=Side.choices)
    text = models.TextField()

    class Meta:
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "side"], name="placement_summary_one_per_side"),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="placement_summary_side_known"),
        ]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"{Side(self.side).label} summary of {self.handover.audit_label}"

    @property
    def audit_partnership_id(self) -> int:
        if self.side == Side.PLACING:
            return self.handover.from_panel.partnership_id
        return self.handover.to_partnership_id


class FoundElsewhere(TrackedModel):
    """A child found, after going missing, in another partnership's area: that partnership is
    told where and when (the place is theirs to know about), never who the child is."""

    episode = models.OneToOneField("casework.MissingEpisode", on_delete=models.CASCADE, related_name="found_notice")
    from_panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="+")
    to_partnership = models.ForeignKey("organisations.Partnership", on_delete=models.PROTECT, related_name="finds")
    authority = models.ForeignKey("organisations.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    place = models.CharField(max_length=200, blank=True)
    found_on = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["to_partnership", "found_on"])]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Child found in {self.authority.name}"

    @property
    def audit_partnership_id(self) -> int:
        return self.to_partnership_id
