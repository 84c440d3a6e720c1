"""Reads for partnerships, agencies and panels, scoped to the asking user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from macehub.core.access import PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for
from macehub.core.selectors import get_visible_or_404

from .models import Agency, LocalAuthority, Panel, Partnership


def panels_visible_to(user: Any) -> QuerySet[Panel]:
    """Panels a person may open: their own panels, every panel of a partnership where they
    hold a partnership role, or all panels for system admins. London roles see none."""
    profile = access_for(user)
    qs = Panel.objects.select_related("partnership")
    if profile.is_system_admin:
        return qs
    return qs.filter(
        Q(pk__in=profile.panel_ids(*PANEL_ROLES)) | Q(partnership_id__in=profile.partnership_ids(*PARTNERSHIP_ROLES))
    )


def get_panel_for(user: Any, pk: Any) -> Panel:
    return get_visible_or_404(panels_visible_to(user), pk, user=user)


def partnerships_visible_to(user: Any) -> QuerySet[Partnership]:
    profile = access_for(user)
    qs = Partnership.objects.prefetch_related("authorities").annotate(panel_count=Count("panels", distinct=True))
    if profile.is_system_admin:
        return qs
    return qs.filter(pk__in=profile.partnership_ids(*PARTNERSHIP_ROLES))


def get_partnership_for(user: Any, pk: Any) -> Partnership:
    return get_visible_or_404(partnerships_visible_to(user), pk, user=user)


def agencies_manageable_by(user: Any) -> QuerySet[Agency]:
    profile = access_for(user)
    qs = Agency.objects.prefetch_related("partnerships")
    if profile.is_system_admin:
        return qs
    return qs.filter(partnerships__in=profile.partnership_ids(Role.BOROUGH_ADMIN)).distinct()


def get_agency_for(user: Any, pk: Any) -> Agency:
    return get_visible_or_404(agencies_manageable_by(user), pk, user=user)


def partnerships_administered_by(user: Any) -> QuerySet[Partnership]:
    profile = access_for(user)
    if profile.is_system_admin:
        return Partnership.objects.filter(is_active=True)
    return Partnership.objects.filter(pk__in=profile.partnership_ids(Role.BOROUGH_ADMIN), is_active=True)


def authorities() -> QuerySet[LocalAuthority]:
    """Reference data: public facts, not scoped."""
    return LocalAuthority.objects.prefetch_related("partnerships")


# --- For the registration form (before anyone has access): names only, active records only.


def registration_partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.filter(is_active=True).order_by("short_name")


def registration_panels() -> QuerySet[Panel]:
    return Panel.objects.filter(is_active=True, partnership__is_active=True).select_related("partnership")


def registration_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).prefetch_related("partnerships")
