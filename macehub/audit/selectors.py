"""Who may read which audit events."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent
from .policies import events


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """System admins see every event. A borough admin sees events about their partnerships'
    records, and the sign-in and account events of people who hold roles there."""
    return events.visible(user, "view")
