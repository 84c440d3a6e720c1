"""Oversight data: releases of the standard London extract, the published pan-London dataset,
and API tokens.

Nothing here holds a record about a child. A :class:`Release` stores one partnership's
quarterly figures *after* disclosure control (the published strings — numbers, ``c``, ``z``,
``:`` — never a raw small count) with the method and parameters used. Once signed off by the
strategic lead a release never changes: a correction is a new release with a higher number.
A :class:`LondonDataset` is the London team's published assembly of the current signed-off
releases for a quarter. The London team can withdraw a release or a dataset (the only change
either ever sees, made by the withdrawal service with an audited event). An :class:`APIToken` stores only the SHA-256 hash of its secret.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from macehub.core.models import TrackedModel


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "Prepared, waiting for sign-off"
    SIGNED_OFF = "signed_off", "Signed off and released to London"
    #: Taken back by the London team (it gave figures away); a correction re-issues the quarter.
    WITHDRAWN = "withdrawn", "Withdrawn by the London team"


class ImmutableReleaseError(Exception):
    """A signed-off release never changes: correct it with a new release."""


class Release(TrackedModel):
    """One partnership's quarterly release of the standard London extract (disclosure-controlled)."""

    partnership = models.ForeignKey("organisations.Partnership", on_delete=models.PROTECT, related_name="releases")
    period_start = models.DateField()
    period_end = models.DateField()
    #: 1 for the first release of the quarter, 2… for corrections.
    number = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT)
    #: ``{table_key: {"title", "rows", "columns", "cells", "row_totals", "column_totals", "total", ...}}``;
    #: every figure is a published string after disclosure control.
    tables = models.JSONField(default=dict)
    #: ``macehub.core.disclosure.method(...)`` as applied.
    method = models.JSONField(default=dict)
    threshold = models.PositiveSmallIntegerField(default=5)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)
    #: Synthetic figures made by the demo data (never in a real deployment).
    is_demo = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start", "partnership__short_name", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period_start", "number"], name="release_number_unique_in_quarter"
            ),
            models.UniqueConstraint(
                fields=["partnership", "period_start"],
                condition=Q(status=ReleaseStatus.DRAFT),
                name="release_one_draft_per_quarter",
            ),
            models.CheckConstraint(condition=Q(status__in=ReleaseStatus.values), name="release_status_known"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="release_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status=ReleaseStatus.DRAFT) | Q(signed_off_at__isnull=False),
                name="release_signed_off_has_date",
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(correction_reason=""), name="release_correction_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_reason="")),
                name="release_withdrawn_has_when_and_why",
            ),
        ]
        indexes = [models.Index(fields=["status", "period_start"])]

    def __str__(self) -> str:
        return f"{self.partnership} {self.label}" + (f" (correction {self.number - 1})" if self.number > 1 else "")

    @property
    def label(self) -> str:
        from .periods import quarter_of

        return quarter_of(self.period_start).label

    @property
    def period_key(self) -> str:
        from .periods import quarter_of

        return quarter_of(self.period_start).key

    @property
    def audit_label(self) -> str:
        return f"Release {self.partnership.short_name} {self.label} v{self.number}"

    @property
    def audit_partnership_id(self) -> int:
        return self.partnership_id

    @property
    def is_signed_off(self) -> bool:
        return self.status == ReleaseStatus.SIGNED_OFF

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            stored = Release.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (ReleaseStatus.SIGNED_OFF, ReleaseStatus.WITHDRAWN):
                raise ImmutableReleaseError("A signed-off release cannot be changed; prepare a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status != ReleaseStatus.DRAFT:
            raise ImmutableReleaseError("A signed-off release cannot be deleted.")
        return super().delete(*args, **kwargs)


class LondonDataset(TrackedModel):
    """The pan-London dataset for one quarter, as published by the London team: the current
    signed-off releases assembled, London totals added and suppression applied again."""

    period_start = models.DateField()
    period_end = models.DateField()
    number = models.PositiveSmallIntegerField(default=1)
    tables = models.JSONField(default=dict)
    method = models.JSONField(default=dict)
    #: ``[{"release": id, "partnership": short name, "number": n}]`` — what went in.
    sources = models.JSONField(default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    #: Withdrawn by the London team (it gave figures away); its figures are no longer served.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-period_start", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "number"], name="london_dataset_number_unique"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="london_dataset_withdrawn_has_why",
            ),
        ]

    def __str__(self) -> str:
        return f"London dataset {self.label}" + (f" (version {self.number})" if self.number > 1 else "")

    @property
    def label(self) -> str:
        from .periods import quarter_of

        return quarter_of(self.period_start).label

    @property
    def audit_label(self) -> str:
        return f"London dataset {self.label} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableReleaseError("A published London dataset cannot be changed; publish a new version.")
        super().save(*args, **kwargs)


class TokenScope(models.TextChoices):
    PARTNERSHIP = "partnership", "One partnership's figures"
    LONDON = "london", "Released London figures"


TOKEN_PREFIX = "mh_"  # noqa: S105 - a public prefix, not a secret


def hash_token(secret: str) -> str:
    """SHA-256 of the whole token. Tokens are 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


class APIToken(TrackedModel):
    """A read-only API token, scoped to one partnership or to the London layer. Only the hash
    of the secret is stored; the secret is shown once, when the token is issued."""

    name = models.CharField(max_length=100, help_text="What the token is for, for example ‘Power BI refresh’.")
    scope = models.CharField(max_length=12, choices=TokenScope.choices)
    partnership = models.ForeignKey(
        "organisations.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: The first characters of the secret, so people can tell their tokens apart.
    hint = models.CharField(max_length=12, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=TokenScope.values), name="api_token_scope_known"),
            models.CheckConstraint(
                condition=Q(scope=TokenScope.PARTNERSHIP, partnership__isnull=False)
                | Q(scope=TokenScope.LONDON, partnership__isnull=True),
                name="api_token_partnership_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def audit_label(self) -> str:
        return f"API token {self.hint}… ({self.name})"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.partnership_id

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
