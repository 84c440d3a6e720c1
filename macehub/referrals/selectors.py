"""Reads for referrals, scoped to the asking person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from macehub.core.selectors import get_visible_or_404

from . import policies
from .models import Referral, ReferralStatus


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """The person's own referrals (while they hold a role on that panel), and every referral
    of the panels they screen — possible perpetrators only where they may see persons of concern."""
    return policies.referrals.visible(user).select_related("panel", "panel__partnership", "referrer_agency")


def get_referral_for(user: Any, pk: Any) -> Referral:
    return get_visible_or_404(referrals_visible_to(user).select_related("referrer", "decided_by"), pk, user=user)


def own_referrals(user: Any) -> QuerySet[Referral]:
    return policies.referrals.visible(user, "mine").select_related("panel").order_by("-created_at")


def queue(user: Any, panel: Any, *, status: str = ReferralStatus.SUBMITTED) -> QuerySet[Referral]:
    """A panel's referrals for screening: waiting ones oldest first, decided ones newest first."""
    qs = referrals_visible_to(user).filter(panel=panel).prefetch_related("harm_types")
    if status == ReferralStatus.SUBMITTED:
        return qs.filter(status=status).order_by("created_at")
    if status == "decided":
        return qs.exclude(status=ReferralStatus.SUBMITTED).order_by("-decided_at", "-created_at")
    return qs.order_by("-created_at")


def accepted_referrals(panel_id: int, ids: list[int]) -> QuerySet[Referral]:
    """These referrals, if accepted for the panel (the agenda builder adds their records)."""
    return Referral.objects.filter(pk__in=ids, panel_id=panel_id, status=ReferralStatus.ACCEPTED).select_related(
        "referrer", "referrer_agency"
    )


def waiting_counts(user: Any) -> list[dict[str, Any]]:
    """For the home page: per panel the person screens, how many referrals wait and since when."""
    from django.db.models import Count, Min

    rows = (
        referrals_visible_to(user)
        .filter(panel__in=policies.panels.visible(user, "screen"), status=ReferralStatus.SUBMITTED)
        .values("panel_id", "panel__name")
        .annotate(waiting=Count("pk"), oldest=Min("created_at"))
        .order_by("panel__name")
    )
    return [dict(row) for row in rows]
