"""Helpers every meetings service uses."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from macehub.accounts.types import User
from macehub.organisations.models import Cadence
from macehub.subjects.models import Kind, Status, Subject, normalise

from ..policies import policy


def require(actor: User, action: str, obj: Any = None) -> None:
    if not policy.can(actor, action, obj):
        raise PermissionDenied(action)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_dates(cadence: str, first: date, count: int) -> list[date]:
    """``count`` meeting dates from ``first`` on the panel's cadence (monthly and quarterly keep
    the day of the month, moved back to the month's last day where it has fewer days)."""
    steps = {
        Cadence.WEEKLY: 7,
        Cadence.FORTNIGHTLY: 14,
        Cadence.EVERY_FOUR_WEEKS: 28,
        Cadence.SIX_WEEKLY: 42,
    }
    if cadence in steps:
        return [first + timedelta(days=steps[Cadence(cadence)] * i) for i in range(count)]
    months = 3 if cadence == Cadence.QUARTERLY else 1
    return [_add_months(first, months * i) for i in range(count)]


def children_named_in(panel_id: int, *texts: str) -> list[str]:
    """R24: the references of children on the panel's register whose full name (or a recorded
    alias of two words or more) appears in any of the texts. Used to keep children's names out of
    context conferences. One query."""
    haystack = f" {normalise(' '.join(t for t in texts if t))} "
    if not haystack.strip():
        return []
    found = []
    rows = Subject.objects.filter(panel_id=panel_id, kind=Kind.CHILD).exclude(status=Status.MERGED)
    for subject in rows.only("pk", "kind", "number", "given_names", "family_name", "aliases"):
        names = [subject.full_name, *[a for a in subject.aliases if len(str(a).split()) >= 2]]
        for name in names:
            key = normalise(str(name))
            if key and len(key.split()) >= 2 and f" {key} " in haystack:
                found.append(subject.reference)
                break
    return found


def refuse_children_names(meeting: Any, field: str, *texts: str) -> None:
    if not meeting.is_context_conference:
        return
    named = children_named_in(meeting.panel_id, *texts)
    if named:
        raise ValidationError(
            {
                field: "A context conference does not name children. Remove the name of "
                + ", ".join(named)
                + " (you can use the record's reference)"
            }
        )


def clean_text(value: str) -> str:
    return value.replace("\r\n", "\n").strip()
