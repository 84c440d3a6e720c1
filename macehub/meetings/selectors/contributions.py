"""The agencies' contributions: the item × agency grid and the contributions to each item."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from macehub.organisations.models import Agency

from ..models import NOT_ASKED, NOT_SENT, AgendaItem, Chase, Contribution, Meeting
from ..policies import contribution_records, invitation_for, meeting_records
from .agenda import in_agenda_order, items_visible_to
from .invitations import asked_agencies


@dataclass
class GridRow:
    item: AgendaItem
    cells: list[tuple[Agency, str, Contribution | None]]

    @property
    def missing(self) -> int:
        return sum(1 for _, state, _ in self.cells if state == NOT_SENT)


@dataclass
class ContributionGrid:
    agencies: list[Agency]
    rows: list[GridRow]
    #: agency id → (missing, asked)
    totals: dict[int, tuple[int, int]]
    last_chased: dict[int, Any]

    @property
    def missing(self) -> int:
        return sum(m for m, _ in self.totals.values())

    @property
    def asked(self) -> int:
        return sum(a for _, a in self.totals.values())


def contributions_grid(user: Any, meeting: Meeting) -> ContributionGrid:
    """Item × agency: submitted, nothing held, not sent (or not asked). A fixed number of
    queries, however many items and agencies (tested with 30 × 12)."""
    items = in_agenda_order(list(items_visible_to(user, meeting)))
    asked = asked_agencies(meeting)
    contributions = {
        (c.item_id, c.agency_id): c
        for c in contributions_visible_to(user)
        .filter(item__in=[i.pk for i in items])
        .only("pk", "item_id", "agency_id", "status", "submitted_at", "version")
    }
    totals: dict[int, list[int]] = {a.pk: [0, 0] for a in asked.agencies}
    rows = []
    for item in items:
        cells: list[tuple[Agency, str, Contribution | None]] = []
        for agency in asked.agencies:
            if not asked.asked(item.pk, agency.pk):
                cells.append((agency, NOT_ASKED, None))
                continue
            contribution = contributions.get((item.pk, agency.pk))
            totals[agency.pk][1] += 1
            if contribution is None:
                totals[agency.pk][0] += 1
                cells.append((agency, NOT_SENT, None))
            else:
                cells.append((agency, contribution.status, contribution))
        rows.append(GridRow(item, cells))
    last_chased: dict[int, Any] = {}
    for chase in Chase.objects.filter(meeting=meeting).order_by("chased_at").only("agency_id", "chased_at"):
        last_chased[chase.agency_id] = chase.chased_at
    return ContributionGrid(
        agencies=asked.agencies,
        rows=rows,
        totals={k: (v[0], v[1]) for k, v in totals.items()},
        last_chased=last_chased,
    )


def contribution_agencies_for(user: Any, meeting: Meeting) -> list[Agency]:
    """Which agencies this person may contribute for: their own (if invited), or — for
    coordinators and chairs recording on an agency's behalf — any agency asked."""
    if meeting_records.can(user, "run", meeting):
        return asked_agencies(meeting).agencies
    invited = invitation_for(user, meeting)
    if invited is None:
        return []
    return list(Agency.objects.filter(pk=invited.agency_id))


def contributions_visible_to(user: Any) -> QuerySet[Contribution]:
    """The contributions the person may read (``meetings.contribution``: those to items they may see)."""
    return contribution_records.visible(user)


def contributions_of_agency(user: Any, items: list[AgendaItem], agency: Agency) -> dict[int, Contribution]:
    """Item id → what ``agency`` has sent about it, for the items given (that the person may see)."""
    return {
        c.item_id: c
        for c in contributions_visible_to(user)
        .filter(item__in=[i.pk for i in items], agency=agency)
        .select_related("submitted_by")
    }


def contributions_by_item(
    user: Any, items: list[AgendaItem], *, agency_ids: set[int] | None = None
) -> dict[int, list[Contribution]]:
    """Every contribution to these items that the person may see, by item (the pack and the
    item's contribution page both read them here)."""
    from macehub.accounts.models import Membership

    # Whether the sender represents (or represented) the agency on the panel; otherwise a
    # coordinator or chair recorded it on the agency's behalf. A subquery, not a query per row.
    own_agency = Membership.objects.filter(
        user_id=OuterRef("submitted_by_id"),
        agency_id=OuterRef("agency_id"),
        panel_id=OuterRef("item__meeting__panel_id"),
    )
    qs = (
        contributions_visible_to(user)
        .filter(item__in=[i.pk for i in items])
        .select_related("agency", "submitted_by")
        .annotate(sent_for_own_agency=Exists(own_agency))
    )
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    result: dict[int, list[Contribution]] = defaultdict(list)
    for c in qs.order_by("agency__name"):
        result[c.item_id].append(c)
    return result
