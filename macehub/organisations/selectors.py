"""Reads for partnerships, agencies and panels, scoped to the asking user."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from macehub.core.selectors import get_visible_or_404

from .models import Agency, LocalAuthority, Panel, Partnership
from .policies import agencies, panels, partnerships


def panels_visible_to(user: Any) -> QuerySet[Panel]:
    """Panels a person may open: their own panels, every panel of a partnership where they
    hold a partnership role, or all panels for system admins. London roles see none."""
    return panels.visible(user, "view", Panel.objects.select_related("partnership"))


def get_panel_for(user: Any, pk: Any) -> Panel:
    return get_visible_or_404(panels_visible_to(user), pk, user=user)


def partnerships_visible_to(user: Any) -> QuerySet[Partnership]:
    qs = Partnership.objects.prefetch_related("authorities").annotate(panel_count=Count("panels", distinct=True))
    return partnerships.visible(user, "view", qs)


def get_partnership_for(user: Any, pk: Any) -> Partnership:
    return get_visible_or_404(partnerships_visible_to(user), pk, user=user)


def agencies_manageable_by(user: Any) -> QuerySet[Agency]:
    return agencies.visible(user, "edit", Agency.objects.prefetch_related("partnerships"))


def get_agency_for(user: Any, pk: Any) -> Agency:
    return get_visible_or_404(agencies_manageable_by(user), pk, user=user)


def partnerships_administered_by(user: Any) -> QuerySet[Partnership]:
    return partnerships.visible(user, "administer", Partnership.objects.filter(is_active=True))


def authorities() -> QuerySet[LocalAuthority]:
    """Reference data: public facts, not scoped."""
    return LocalAuthority.objects.prefetch_related("partnerships")


def active_partnerships() -> QuerySet[Partnership]:
    """Every active partnership, by short name: public facts (the London page lists who has not
    released yet)."""
    return Partnership.objects.filter(is_active=True).order_by("short_name")


def active_agencies_of(partnership_id: int) -> QuerySet[Agency]:
    """The active agencies working with a partnership, by name (public facts: for choosing one)."""
    return Agency.objects.filter(partnerships=partnership_id, is_active=True).order_by("name")


def agencies_by_pk(ids: Any) -> QuerySet[Agency]:
    """These agencies, by name (the caller's policy decided which ids)."""
    return Agency.objects.filter(pk__in=ids).order_by("name")


# --- For the registration form (before anyone has access): names only, active records only.


def registration_partnerships() -> QuerySet[Partnership]:
    return active_partnerships()


def registration_panels() -> QuerySet[Panel]:
    return Panel.objects.filter(is_active=True, partnership__is_active=True).select_related("partnership")


def registration_agencies() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).prefetch_related("partnerships")
