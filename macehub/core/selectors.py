"""Scoped fetch helpers shared by every app's selectors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from . import auditing


def get_visible_or_404[M: models.Model](visible: models.QuerySet[M], pk: Any, *, user: Any) -> M:
    """The object with ``pk`` from the user's visible set, or 404.

    "Missing" and "not yours" look the same to the user (no probing for record ids).
    An attempt to open a record that exists but is outside the user's scope is recorded
    as a permission-denied audit event.
    """
    try:
        return visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        pass
    try:
        exists = visible.model._default_manager.filter(pk=pk).exists()
    except (ValueError, TypeError):
        exists = False
    if exists:
        auditing.record(
            auditing.PERMISSION_DENIED,
            actor=user,
            detail={"object_type": visible.model._meta.label_lower, "object_id": str(pk)},
        )
    raise Http404
