"""Carrying agenda items and actions over when two register records are merged."""

from __future__ import annotations

from typing import Any

from macehub.subjects.models import Subject

from ..models import Action, AgendaItem


def carry_meeting_records_over(keep: Subject, merged: Subject) -> dict[str, Any]:
    """Merge hook (registered with the subjects app): the duplicate's agenda items and actions now
    belong to the record that is kept. Where both records were on the same meeting's agenda, the
    duplicate's item stays as it was recorded (the minutes read as it happened)."""
    both = AgendaItem.objects.filter(subject=keep).values("meeting_id")
    items = AgendaItem.objects.filter(subject=merged).exclude(meeting_id__in=both).update(subject=keep)
    actions = Action.objects.filter(subject=merged).update(subject=keep)
    return {"agenda_items_moved": items, "actions_moved": actions}
