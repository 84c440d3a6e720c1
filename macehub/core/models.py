"""Base model for domain records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TrackedModel(models.Model):
    """Who created and last changed a record, when, and its version.

    ``version`` increases on every change made through a service; an edit submitted
    with an older version is a concurrent edit and is refused (see
    :func:`macehub.core.services.update_versioned`).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


def _upload_name() -> str:
    import secrets

    return secrets.token_hex(24)


class StoredFile(models.Model):
    """An uploaded file, kept outside the web root under a random name.

    Whoever owns the upload (an evidence answer, a library version, a referral) holds a
    foreign key to it and decides who may download it; :mod:`macehub.core.uploads` checks
    the content, stores it and serves it.
    """

    storage_name = models.CharField(max_length=64, unique=True, default=_upload_name, editable=False)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The partnership whose data this is (None for London-wide material), for audit scoping.
    partnership_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def audit_label(self) -> str:
        return f"file {self.original_name}"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.partnership_id
