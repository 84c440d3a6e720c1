"""Shared write helpers used by every app's services."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone


class ConcurrentEditError(Exception):
    """Someone else saved this record after the user opened it."""

    def __init__(self, instance: models.Model) -> None:
        self.instance = instance
        super().__init__(f"{instance._meta.verbose_name} was changed by someone else while you were editing it.")


def field_changes(
    before: dict[str, Any], after: dict[str, Any], *, redact: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose values differ; for audit events.

    Fields named in ``redact`` are recorded as changed without their values."""
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            changes[name] = ["(redacted)", "(redacted)"] if name in redact else [old, new]
    return changes


def _attname(model: type[models.Model] | models.Model, name: str) -> str:
    field = model._meta.get_field(name)
    return getattr(field, "attname", name)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The current values of ``fields``, JSON-friendly, for :func:`field_changes`."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(str(o) for o in getattr(instance, name).all())
        else:
            value = getattr(instance, _attname(instance, name))
            values[name] = value if isinstance(value, (int, str, bool, list, dict, type(None))) else str(value)
    return values


def update_versioned(instance: models.Model, *, expected_version: int, actor: Any, fields: list[str]) -> None:
    """Save ``fields`` of ``instance`` only if nobody has saved it since ``expected_version``.

    Validates first (``full_clean``). The compare-and-set is one UPDATE ... WHERE version = n,
    so two people saving at once cannot both succeed, on SQLite or PostgreSQL. Call inside
    the service's transaction.
    """
    instance.full_clean()
    model = type(instance)
    values = {_attname(model, name): getattr(instance, _attname(model, name)) for name in fields}
    now = timezone.now()
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=now, updated_by=actor
    )
    if updated != 1:
        raise ConcurrentEditError(instance)
    instance.version = expected_version + 1  # type: ignore[attr-defined]
    instance.updated_at = now  # type: ignore[attr-defined]
    instance.updated_by = actor  # type: ignore[attr-defined]
