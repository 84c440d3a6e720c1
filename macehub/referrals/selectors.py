"""Reads for referrals, scoped to the asking person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from macehub.core.selectors import get_visible_or_404
from macehub.subjects.policies import deciding_panel_ids, poc_panel_ids

from .models import Referral, ReferralStatus, SubjectType
from .policies import referring_panel_ids


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    """The person's own referrals (while they hold a role on that panel), and every referral
    of the panels they screen — possible perpetrators only where they may see persons of concern."""
    screening = deciding_panel_ids(user)
    poc = poc_panel_ids(user)
    own = Q(referrer_id=getattr(user, "pk", None), panel_id__in=referring_panel_ids(user))
    queue = Q(panel_id__in=screening) & (~Q(subject_type=SubjectType.PERSON) | Q(panel_id__in=poc))
    return Referral.objects.filter(own | queue).select_related("panel", "panel__partnership", "referrer_agency")


def get_referral_for(user: Any, pk: Any) -> Referral:
    return get_visible_or_404(referrals_visible_to(user).select_related("referrer", "decided_by"), pk, user=user)


def own_referrals(user: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(referrer_id=user.pk, panel_id__in=referring_panel_ids(user))
        .select_related("panel")
        .order_by("-created_at")
    )


def queue(user: Any, panel: Any, *, status: str = ReferralStatus.SUBMITTED) -> QuerySet[Referral]:
    """A panel's referrals for screening: waiting ones oldest first, decided ones newest first."""
    qs = referrals_visible_to(user).filter(panel=panel).prefetch_related("harm_types")
    if status == ReferralStatus.SUBMITTED:
        return qs.filter(status=status).order_by("created_at")
    if status == "decided":
        return qs.exclude(status=ReferralStatus.SUBMITTED).order_by("-decided_at", "-created_at")
    return qs.order_by("-created_at")


def waiting_counts(user: Any) -> list[dict[str, Any]]:
    """For the home page: per panel the person screens, how many referrals wait and since when."""
    from django.db.models import Count, Min

    rows = (
        referrals_visible_to(user)
        .filter(panel_id__in=deciding_panel_ids(user), status=ReferralStatus.SUBMITTED)
        .values("panel_id", "panel__name")
        .annotate(waiting=Count("pk"), oldest=Min("created_at"))
        .order_by("panel__name")
    )
    return [dict(row) for row in rows]
