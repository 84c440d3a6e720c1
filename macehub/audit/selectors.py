"""Who may read which audit events."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from macehub.core.access import Role, access_for

from .models import AuditEvent


def events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """System admins see every event. A borough admin sees events about their partnerships'
    records, and the sign-in and account events of people who hold roles there."""
    profile = access_for(user)
    if profile.is_system_admin:
        return AuditEvent.objects.all()
    partnerships = profile.partnership_ids(Role.BOROUGH_ADMIN)
    if not partnerships:
        return AuditEvent.objects.none()
    membership = apps.get_model("accounts", "Membership")
    member_ids = membership.objects.filter(partnership_id__in=partnerships).values("user_id")
    return AuditEvent.objects.filter(
        Q(partnership_id__in=partnerships) | Q(partnership_id__isnull=True, actor_id__in=member_ids)
    )
