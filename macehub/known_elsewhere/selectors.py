"""Reads of "known elsewhere?", each scoped through the app's record policies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from macehub.organisations.models import Panel

from .models import CrossLink, Enquiry, Match, ShareRequest, ShareStatus
from .policies import asking_panels as policy_asking_panels
from .policies import cross_links, enquiries, matches, shares


def asking_panels(user: Any) -> list[tuple[int, str]]:
    return list(policy_asking_panels(user).values_list("pk", "name"))


def enquiries_for(user: Any) -> QuerySet[Enquiry]:
    return enquiries.visible(user).select_related("panel", "subject", "created_by")


def get_enquiry_for(user: Any, pk: int) -> Enquiry:
    found: Enquiry = enquiries.get_or_404(
        user, pk, queryset=Enquiry.objects.select_related("panel", "partnership", "subject")
    )
    return found


def answer_for(enquiry: Enquiry) -> list[Match]:
    """The partnerships that hold a match: always one query, whatever the answer."""
    return list(
        Match.objects.filter(enquiry=enquiry).select_related("holder", "share_request").order_by("holder__name")
    )


def asked_of_us(user: Any) -> QuerySet[Match]:
    """Matches on what the person's partnerships hold (the holder's side)."""
    return (
        matches.visible(user, "view_as_holder")
        .select_related("enquiry__partnership", "holder", "share_request")
        .order_by("-found_at", "-pk")
    )


def get_match_for(user: Any, pk: int, action: str = "view") -> Match:
    found: Match = matches.get_or_404(
        user, pk, action, queryset=Match.objects.select_related("enquiry__partnership", "enquiry__panel", "holder")
    )
    return found


def get_share_for(user: Any, pk: int, action: str = "view") -> ShareRequest:
    found: ShareRequest = shares.get_or_404(
        user,
        pk,
        action,
        queryset=ShareRequest.objects.select_related(
            "match__enquiry__partnership", "match__enquiry__subject", "match__holder", "holder_record", "decided_by"
        ),
    )
    return found


def waiting_for_decision(user: Any) -> QuerySet[ShareRequest]:
    return shares.visible(user, "decide").select_related("match__enquiry__partnership")


def links_for(user: Any) -> QuerySet[CrossLink]:
    return cross_links.visible(user).select_related(
        "location", "share__match__holder", "share__match__enquiry__partnership", "share__holder_record"
    )


def get_link_for(user: Any, pk: int, action: str = "view") -> CrossLink:
    found: CrossLink = cross_links.get_or_404(
        user,
        pk,
        action,
        queryset=CrossLink.objects.select_related(
            "location", "share__match__holder", "share__match__enquiry__partnership"
        ),
    )
    return found


def matches_found(partnership_ids: list[int] | None = None) -> dict[str, int]:
    """Measure: enquiries made and matches found (for oversight; counts only, to be passed
    through disclosure control there). By asking partnership when given."""
    asked = Enquiry.objects.all()
    found = Match.objects.all()
    agreed = ShareRequest.objects.filter(status=ShareStatus.AGREED)
    if partnership_ids is not None:
        asked = asked.filter(partnership_id__in=partnership_ids)
        found = found.filter(enquiry__partnership_id__in=partnership_ids)
        agreed = agreed.filter(match__enquiry__partnership_id__in=partnership_ids)
    return {"enquiries": asked.count(), "matches_found": found.count(), "details_shared": agreed.count()}


def partnership_enquiry_counts(partnership_id: int, start: date, end: date) -> dict[str, int]:
    """Measure for the partnership dataset: "known elsewhere?" enquiries the partnership made
    between ``start`` and ``end``, how many found a match in another partnership, and how many
    requests for details the holder agreed in that time. Counts only (oversight applies
    disclosure control)."""
    asked = Enquiry.objects.filter(
        partnership_id=partnership_id, created_at__date__gte=start, created_at__date__lte=end
    )
    agreed = ShareRequest.objects.filter(
        match__enquiry__partnership_id=partnership_id,
        status=ShareStatus.AGREED,
        decided_at__date__gte=start,
        decided_at__date__lte=end,
    )
    return {
        "enquiries": asked.count(),
        "enquiries_matched": asked.filter(matches__isnull=False).distinct().count(),
        "details_shared": agreed.count(),
    }


def asking_panel_objects(user: Any) -> list[Panel]:
    return list(policy_asking_panels(user))
