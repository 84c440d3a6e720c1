"""The meeting pack: the items the person may see, each with a pseudonymous summary and contributions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from macehub.subjects.models import Kind, Status
from macehub.subjects.selectors import links_visible_to

from ..models import AgendaItem, Contribution, Meeting
from .agenda import in_agenda_order, items_visible_to
from .contributions import contributions_by_item


@dataclass
class PackItem:
    item: AgendaItem
    contributions: list[Contribution]
    links: list[str]
    children_linked: int
    harm_types: list[str]


def pack_items(user: Any, meeting: Meeting, *, window: slice | None = None) -> list[PackItem]:
    """The agenda items the person may see, each with a short summary of the record (by reference,
    never by name), its current links the person may see, and the agencies' contributions.
    At a context conference, linked children are counted, never listed (R24). ``window``: only
    those items, in agenda order (one page of a very large meeting)."""
    items = in_agenda_order(list(items_visible_to(user, meeting).prefetch_related("subject__harm_types")))
    if window is not None:
        items = items[window]
    subject_ids = [i.subject_id for i in items if i.subject_id]
    links = list(
        links_visible_to(user)
        .filter(Q(source_id__in=subject_ids) | Q(target_id__in=subject_ids), ended_on__isnull=True)
        .exclude(source__status=Status.MERGED)
        .exclude(target__status=Status.MERGED)
        .select_related("source", "target")
    )
    by_subject: dict[int, list[str]] = defaultdict(list)
    children: dict[int, int] = defaultdict(int)
    for link in links:
        for this, other in ((link.source, link.target), (link.target, link.source)):
            if this.pk not in subject_ids:
                continue
            if other.kind == Kind.CHILD and meeting.is_context_conference:
                children[this.pk] += 1
                continue
            phrase = link.get_link_type_display()
            if this is link.source:
                by_subject[this.pk].append(f"{phrase} {other.safe_label}")
            else:
                by_subject[this.pk].append(f"{other.safe_label} {phrase} this record")
    contributions = contributions_by_item(user, items)
    result = []
    for item in items:
        harm = [h.label for h in item.subject.harm_types.all()] if item.subject_id and item.subject else []
        result.append(
            PackItem(
                item=item,
                contributions=contributions.get(item.pk, []),
                links=sorted(by_subject.get(item.subject_id or 0, [])),
                children_linked=children.get(item.subject_id or 0, 0),
                harm_types=harm,
            )
        )
    return result
