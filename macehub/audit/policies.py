"""Who may read and export the audit trail (audit app policy). Nobody may change it.

``audit.event``: system admins see every event. A borough admin sees events about their
partnerships' records, and the partnership-less events (sign-ins, account changes) of people
who hold or held a role there.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Q

from macehub.core.access import Role, access_for
from macehub.core.policies import EVERYTHING, NOTHING, Policy, RecordPolicy, predicate

from .models import AuditEvent


@predicate
def is_auditor(user: Any, obj: Any = None) -> bool:
    profile = access_for(user)
    return profile.is_system_admin or bool(profile.partnership_ids(Role.BOROUGH_ADMIN))


def _events_seen(user: Any) -> Q:
    profile = access_for(user)
    if profile.is_system_admin:
        return EVERYTHING
    partnerships = profile.partnership_ids(Role.BOROUGH_ADMIN)
    if not partnerships:
        return NOTHING
    # By name, not import: accounts sits above audit.
    membership = apps.get_model("accounts", "Membership")
    members = membership.objects.filter(partnership_id__in=partnerships).values("user_id")
    # The cheap column first: can() decides most events without asking the database.
    return Q(partnership_id__in=partnerships) | (Q(partnership_id__isnull=True) & Q(actor_id__in=members))


events = RecordPolicy(AuditEvent, name="audit.event")
events.scope("view", _events_seen)


class AuditPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_events", is_auditor)
        self.rule("export_events", is_auditor)
        self.rule("view_event", events.rule_for("view"))


policy = AuditPolicy()
