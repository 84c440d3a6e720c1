"""Who may be invited (the panel's people and the partnership's agencies) and who is asked what."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from macehub.core.access import PANEL_SCOPED_ROLES
from macehub.organisations.models import Agency, AgencyType, Panel

from ..models import AgendaItem, Invitation, InvitationScope, Meeting


def panel_people(panel: Panel) -> list[Any]:
    """Everyone holding a panel role on this panel (invited professionals included), with the
    role and the agency (one row each)."""
    from macehub.accounts.models import Membership

    return list(
        Membership.objects.filter(panel=panel, role__in=sorted(PANEL_SCOPED_ROLES), ended_at__isnull=True)
        .filter(user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__full_name", "role")
    )


def panel_users(panel: Panel) -> QuerySet[Any]:
    """The people on the panel (``panel_people``) as users, by name: whom an action may go to."""
    from macehub.accounts.models import User

    return User.objects.filter(pk__in={m.user_id for m in panel_people(panel)}).order_by("full_name")


def panel_chair_users(panel: Panel) -> QuerySet[Any]:
    """The panel's chairs as users, by name: who may chair a meeting."""
    from macehub.accounts.models import User

    return User.objects.filter(pk__in=[c.pk for c in panel_chairs(panel)]).order_by("full_name")


def panel_chairs(panel: Panel) -> list[Any]:
    from macehub.accounts.models import Membership, User

    ids = Membership.objects.filter(panel=panel, role="panel_chair", ended_at__isnull=True).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


def partnership_agencies(panel: Panel) -> QuerySet[Agency]:
    return Agency.objects.filter(partnerships=panel.partnership_id, is_active=True).order_by("name")


#: Agencies invited to the whole of an operational meeting unless the coordinator says otherwise;
#: schools, housing and others are usually asked item by item (plus the panel's quorum agencies).
DEFAULT_CORE_TYPES = frozenset(
    {
        AgencyType.POLICE,
        AgencyType.CHILDRENS_SOCIAL_CARE,
        AgencyType.HEALTH,
        AgencyType.YOUTH_JUSTICE,
        AgencyType.COMMUNITY_SAFETY,
        AgencyType.PROBATION,
    }
)


def default_core_agencies(panel: Panel) -> list[Agency]:
    types = set(DEFAULT_CORE_TYPES) | set(panel.quorum_agency_types)
    return [a for a in partnership_agencies(panel) if a.agency_type in types]


def invitations_of(meeting: Meeting) -> list[Invitation]:
    return list(
        Invitation.objects.filter(meeting=meeting)
        .select_related("user", "agency")
        .prefetch_related(Prefetch("items", queryset=AgendaItem.objects.only("pk", "meeting_id")))
        .order_by("user__full_name")
    )


@dataclass
class AskedAgencies:
    """Which agencies are asked to contribute to which items."""

    agencies: list[Agency]
    core_ids: frozenset[int]
    #: item id → agencies asked for that item only (item guests' agencies)
    guests: dict[int, set[int]]

    def asked(self, item_id: int, agency_id: int) -> bool:
        return agency_id in self.core_ids or agency_id in self.guests.get(item_id, set())


def asked_agencies(meeting: Meeting) -> AskedAgencies:
    """Core agencies (the whole meeting) and the agencies of people invited for single items.
    Three queries."""
    core = list(meeting.agencies.order_by("name"))
    through = Invitation.items.through
    rows = list(
        through.objects.filter(invitation__meeting_id=meeting.pk, invitation__scope=InvitationScope.ITEMS).values_list(
            "agendaitem_id", "invitation__agency_id"
        )
    )
    guests: dict[int, set[int]] = defaultdict(set)
    for item_id, agency_id in rows:
        guests[item_id].add(agency_id)
    core_ids = frozenset(a.pk for a in core)
    extra_ids = {a for ids in guests.values() for a in ids} - core_ids
    extra = list(Agency.objects.filter(pk__in=extra_ids).order_by("name")) if extra_ids else []
    return AskedAgencies(agencies=core + extra, core_ids=core_ids, guests=dict(guests))
