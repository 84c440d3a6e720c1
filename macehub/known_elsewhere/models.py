"""Known elsewhere?: keyed fingerprints, enquiries, matches, agreed shares and cross-border links.

Two layers, kept apart:

* **London layer** — :class:`Fingerprint` only: a fingerprint, its kind, the partnership that
  holds it and the role to contact there. No identifier, no record, no panel, nothing else
  (``tests/test_known_elsewhere.py`` scans it for identifier text).
* **Partnership layer** — :class:`RecordFingerprint` (which of a partnership's own records gave
  which fingerprint, so the holder can find it), and the working records of an enquiry: the
  :class:`Enquiry` (asked by a coordinator), each :class:`Match` (a partnership that holds a
  matching fingerprint), the :class:`ShareRequest` (details asked for, agreed or declined by the
  holder, with the fields shared kept as a snapshot) and the :class:`CrossLink` (a location on one
  register linked to a group or person on another's, once both agree).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel

from .fingerprints import IdentifierKind

CONTACT_ROLE = "MACE coordinator"


class Fingerprint(models.Model):
    """London layer: one partnership holds something with this fingerprint."""

    digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=IdentifierKind.choices)
    partnership = models.ForeignKey("organisations.Partnership", on_delete=models.CASCADE, related_name="+")
    contact_role = models.CharField(max_length=60, default=CONTACT_ROLE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["digest", "kind", "partnership"], name="fingerprint_once_per_partnership"),
            models.CheckConstraint(condition=Q(kind__in=IdentifierKind.values), name="fingerprint_kind_known"),
        ]
        indexes = [models.Index(fields=["digest"])]

    def __str__(self) -> str:
        return f"{self.kind} fingerprint"


class RecordFingerprint(models.Model):
    """Partnership layer: which of the partnership's records gave a fingerprint."""

    subject = models.ForeignKey("subjects.Subject", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=IdentifierKind.choices)
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "kind", "digest"], name="record_fingerprint_once")]

    def __str__(self) -> str:
        return f"{self.kind} fingerprint of record {self.subject_id}"


class Enquiry(TrackedModel):
    """A coordinator asked whether something is known to other partnerships."""

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="+")
    partnership = models.ForeignKey("organisations.Partnership", on_delete=models.PROTECT, related_name="+")
    #: The record asked from (empty when the identifier was typed on the form).
    subject = models.ForeignKey("subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=IdentifierKind.choices)
    #: The fingerprints asked about (never the identifier itself).
    digests = models.JSONField(default=list)
    reason = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Known-elsewhere enquiry {self.pk}"

    @property
    def audit_partnership_id(self) -> int:
        return self.partnership_id

    @property
    def asked_about(self) -> str:
        if self.subject_id is not None and self.subject is not None:
            return self.subject.reference
        return f"a {IdentifierKind(self.kind).label.lower()} typed in"


class Match(models.Model):
    """Another partnership holds a matching fingerprint: who, and whom to contact. Nothing else."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="matches")
    holder = models.ForeignKey("organisations.Partnership", on_delete=models.PROTECT, related_name="+")
    contact_role = models.CharField(max_length=60, default=CONTACT_ROLE)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["enquiry", "holder"], name="match_once_per_holder")]
        verbose_name_plural = "matches"

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Known-elsewhere match {self.pk}"


class ShareStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the holder"
    AGREED = "agreed", "Agreed: details shared"
    DECLINED = "declined", "Declined"


#: What a holder may choose to share, by record kind (never free text it did not choose).
SHAREABLE_FIELDS: dict[str, str] = {
    "reference": "Their record reference",
    "full_name": "Name",
    "date_of_birth": "Date of birth",
    "aliases": "Aliases",
    "name": "Name of the location or group",
    "harm_types": "Harm types",
    "status": "Status on their register",
    "description": "Description",
    "police_flags": "Police flags",
}


class ShareRequest(TrackedModel):
    """The asker asked for details; the holder agrees (lawful basis, purpose, chosen fields) or
    declines. What was agreed is kept as a snapshot: the asker sees exactly that."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="share_request")
    reason = models.TextField(help_text="Why the asker needs the details.")
    status = models.CharField(max_length=10, choices=ShareStatus.choices, default=ShareStatus.REQUESTED)
    holder_record = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lawful_basis = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    shared_fields = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ShareStatus.values), name="share_status_known"),
            models.CheckConstraint(
                condition=~Q(status="agreed") | (~Q(lawful_basis="") & ~Q(purpose="")),
                name="share_agreed_has_basis_and_purpose",
            ),
        ]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Known-elsewhere share request {self.pk}"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for the other partnership"
    AGREED = "agreed", "Agreed by both"
    DECLINED = "declined", "Declined"


class CrossLink(TrackedModel):
    """A location on one partnership's register linked to a group or person held by another
    partnership, proposed from an agreed share and in force once the holder agrees too."""

    share = models.OneToOneField(ShareRequest, on_delete=models.CASCADE, related_name="cross_link")
    location = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=LinkStatus.values), name="cross_link_status_known")
        ]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Cross-border link {self.pk}"
