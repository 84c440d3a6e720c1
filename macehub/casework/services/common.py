"""What casework writes share: date checks, errors by field, and auditing a look at a record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record

MAX_OUTCOMES = 6


def not_future(errors: dict[str, str], name: str, value: date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[name] = f"{what} must be today or in the past"


def not_future_moment(errors: dict[str, str], name: str, value: datetime | None, what: str) -> None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        errors[name] = f"{what} must be now or in the past"


def raise_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


def viewed(*, actor: Any, obj: Any, page: str) -> None:
    """Every look at a casework record (or a child's casework) is an audit event."""
    with transaction.atomic():
        record(action=Action.VIEW, actor=actor, obj=obj, detail={"page": page})
