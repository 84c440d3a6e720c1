"""Base model for domain records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .limits import model_limit_errors


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

    #: Dates of things that have already happened (a decision, a consent): never in the future.
    past_dates: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        """Django's checks, then the limits no real record reaches (:mod:`macehub.core.limits`):
        free text of a sane length and dates in a sane range, whoever calls the service."""
        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name, messages in model_limit_errors(self, exclude).items():
            if name not in errors:
                errors[name] = list(messages)
        if errors:
            raise ValidationError(errors)


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


class Submission(models.Model):
    """One sending of a create form, by the hidden id the form carries (C35).

    The first time an id arrives, the create runs and the page it led to is kept here; the
    same id again (a double click, the back button, a retry after a timeout) leads to that
    page without creating anything. The unique key makes two sendings at once wait for each
    other: the second sees the first's result. See :mod:`macehub.core.submissions`.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=500)
    #: Where the successful submission led (its redirect).
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"submission {self.key}"
