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
