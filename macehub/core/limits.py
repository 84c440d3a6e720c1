"""Limits no real record reaches: how long free text may be, and which dates make sense.

They keep a pasted megabyte out of minutes, packs and PDFs, and a consent date of 2099 out
of the NRM record. Forms say the limit next to the field and refuse more
(:class:`macehub.core.forms.GovukForm`); models refuse it again in ``full_clean``
(:class:`macehub.core.models.TrackedModel`), so a service called from anywhere keeps to it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

#: Free text (a textarea): about 3,000 words. The longest real minutes of one item, terms of
#: reference or risk summary are a fraction of this.
TEXT_LIMIT = 20_000
#: A one-line answer with no length of its own.
LINE_LIMIT = 500
#: No MACE record is about anything before this.
EARLIEST = date(1900, 1, 1)
#: Planned dates (reviews, deadlines, meetings) are at most this many years ahead.
YEARS_AHEAD = 10


def latest_date(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def long_date(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def date_problem(value: date | None, *, name: str, past: bool = False, today: date | None = None) -> str | None:
    """Why ``value`` is not a sensible date for this field, in GOV.UK's words, or None."""
    if value is None:
        return None
    today = today or timezone.localdate()
    if value < EARLIEST:
        return f"{name} must be after {long_date(EARLIEST)}"
    if past and value > today:
        return f"{name} must be today or in the past"
    if value > latest_date(today):
        return f"{name} must be before {long_date(latest_date(today))}"
    return None


def text_problem(value: Any, *, name: str, limit: int = TEXT_LIMIT) -> str | None:
    if isinstance(value, str) and len(value) > limit:
        return f"{name} must be {limit:,} characters or fewer"
    return None


def model_limit_errors(instance: models.Model, exclude: Any = None) -> dict[str, list[str]]:
    """The limits above for every text and date field of ``instance`` (dates named in its
    ``past_dates`` must not be in the future)."""
    excluded = set(exclude or ())
    past = set(getattr(instance, "past_dates", ()))
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if field.name in excluded or not field.editable:
            continue
        value = getattr(instance, field.attname)
        name = str(field.verbose_name)
        name = name[0].upper() + name[1:]
        problem = None
        if isinstance(field, models.TextField) and field.max_length is None:
            problem = text_problem(value, name=name)
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            problem = date_problem(value, name=name, past=field.name in past)
        if problem:
            errors.setdefault(field.name, []).append(problem)
    return errors


def check_model_limits(instance: models.Model, exclude: Any = None) -> None:
    errors = model_limit_errors(instance, exclude)
    if errors:
        raise ValidationError(errors)
