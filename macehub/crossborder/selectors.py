"""Every read of cross-border working, scoped to the asking person (and the counts oversight
reads for a partnership's dataset)."""

from __future__ import annotations

from datetime import date
from statistics import median
from typing import Any

from django.db.models import Count, Q, QuerySet

from macehub.organisations.models import Partnership

from .models import FoundElsewhere, Handover, HandoverState, PlacementSummary
from .policies import finds, handovers, reading_partnerships, summaries


def incoming(user: Any) -> QuerySet[Handover]:
    """Handovers to the partnerships where the person coordinates or chairs."""
    return handovers.visible(user, "view_incoming").select_related(
        "to_partnership", "from_panel__partnership", "received_panel"
    )


def outgoing(user: Any) -> QuerySet[Handover]:
    """Handovers of children on the person's registers."""
    return handovers.visible(user, "view_sent").select_related("to_partnership", "from_panel", "child")


def handovers_of_child(user: Any, child: Any) -> list[Handover]:
    return list(outgoing(user).filter(child=child).select_related("received_panel"))


def summaries_of(user: Any, handover: Handover) -> list[PlacementSummary]:
    return list(summaries.visible(user).filter(handover=handover))


def finds_for(user: Any) -> QuerySet[FoundElsewhere]:
    """Finds in the person's partnerships' areas (where and when only)."""
    return finds.visible(user, "view_in_my_area").select_related("authority", "from_panel__partnership")


def repeated_places(user: Any, partnership: Any, *, at_least: int = 2) -> list[dict[str, Any]]:
    """Places where children from elsewhere were found more than once: places to consider adding
    to the partnership's location register."""
    rows = (
        finds.visible(user)
        .filter(to_partnership=partnership)
        .exclude(place="")
        .values("authority__name", "place")
        .annotate(times=Count("pk"), partnerships=Count("from_panel__partnership", distinct=True))
        .filter(times__gte=at_least)
        .order_by("-times", "place")
    )
    return list(rows)


# --- Counts for the partnership's dataset (no people, no records: oversight reads these) ----------


def partnership_counts(partnership_id: int, panel_ids: tuple[int, ...], start: date, end: date) -> dict[str, Any]:
    """Children moved out and in, handovers sent and acknowledged (and the median working-free
    calendar days to acknowledge), children from here found in another area and children from
    elsewhere found here — for moves sent (or finds made) between ``start`` and ``end``."""
    sent = Q(sent_at__date__gte=start, sent_at__date__lte=end)
    out_rows = Handover.objects.filter(sent, from_panel_id__in=panel_ids)
    in_rows = Handover.objects.filter(sent, to_partnership_id=partnership_id)
    days = [
        (acknowledged - sent_at).total_seconds() / 86400
        for sent_at, acknowledged in out_rows.filter(acknowledged_at__isnull=False).values_list(
            "sent_at", "acknowledged_at"
        )
        if acknowledged is not None
    ]
    found = Q(found_on__gte=start, found_on__lte=end)
    return {
        "moved_out": out_rows.values("child").distinct().count(),
        "moved_in_accepted": in_rows.filter(state=HandoverState.ACCEPTED).count(),
        "sent": out_rows.count(),
        "acknowledged": out_rows.filter(acknowledged_at__isnull=False).count(),
        "received": in_rows.count(),
        "median_days": round(median(days), 1) if days else None,
        "found_elsewhere": FoundElsewhere.objects.filter(found, from_panel_id__in=panel_ids).count(),
        "found_here": FoundElsewhere.objects.filter(found, to_partnership_id=partnership_id).count(),
    }


def partnership_or_none(pk: int) -> Partnership | None:
    return Partnership.objects.filter(pk=pk).first()


def partnerships_acted_for(user: Any) -> list[Partnership]:
    """The partnerships the person acts for across the border (where they coordinate or chair)."""
    return list(reading_partnerships(user))
