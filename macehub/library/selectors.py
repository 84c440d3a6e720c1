"""Reads for the library, scoped to the asking user.

Every member sees every item (there is nothing identifiable in the library); people
without a role see nothing. Lists are built from a fixed number of queries whatever the
number of items, versions or adoptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from macehub.core.selectors import get_visible_or_404
from macehub.organisations.models import Partnership

from .models import Adoption, ItemVersion, Kind, LibraryItem, PendingUpload, ProtocolArea, Tag
from .policies import adoptions, items, policy
from .policies import partnerships as partnership_policy

#: Longest search text and most words considered (searches stay cheap).
MAX_SEARCH_LENGTH = 100
MAX_SEARCH_WORDS = 6

SORTS = {
    "used": ("Most used first", ["-used_by", "title"]),
    "updated": ("Recently updated first", ["-updated_at", "title"]),
    "title": ("Title A to Z", ["title"]),
}

_CURRENT = Q(adoptions__ended_at__isnull=True)


def items_visible_to(user: Any) -> QuerySet[LibraryItem]:
    return items.visible(user, "view", LibraryItem.objects.select_related("owner", "current_version__file"))


def get_item_for(user: Any, pk: Any) -> LibraryItem:
    return get_visible_or_404(items_visible_to(user), pk, user=user)


def item_detail_for(user: Any, pk: Any) -> LibraryItem:
    """One item with everything its page shows, in a fixed number of queries."""
    visible = (
        items_visible_to(user)
        .select_related("created_by", "current_version__created_by")
        .prefetch_related(
            "tags",
            "protocol_areas",
            Prefetch(
                "versions",
                queryset=ItemVersion.objects.select_related("file", "created_by").order_by("-number"),
            ),
            Prefetch(
                "adoptions",
                queryset=Adoption.objects.filter(ended_at__isnull=True)
                .select_related("partnership", "version")
                .order_by("partnership__short_name"),
                to_attr="current_adoptions",
            ),
        )
    )
    return get_visible_or_404(visible, pk, user=user)


def get_version_for(user: Any, item_pk: Any, number: Any) -> ItemVersion:
    item = get_item_for(user, item_pk)
    visible = ItemVersion.objects.filter(item=item).select_related("file", "item__owner")
    try:
        return visible.get(number=number)
    except (ItemVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_current_adoption_for(user: Any, pk: Any) -> Adoption:
    current = Adoption.objects.filter(ended_at__isnull=True).select_related(
        "item__owner", "item__current_version", "partnership", "version"
    )
    adoption: Adoption = get_visible_or_404(adoptions.visible(user, "view", current), pk, user=user)
    return adoption


def _kinds_matching(word: str) -> list[str]:
    word = word.lower()
    return [value for value, label in Kind.choices if word in str(label).lower()]


def search_items(
    user: Any,
    *,
    q: str = "",
    kind: str = "",
    tag: str = "",
    area: str = "",
    owner: str = "",
    sort: str = "used",
) -> QuerySet[LibraryItem]:
    """Items matching every word of ``q`` in the title, summary, a tag or the type name,
    narrowed by the filters. Annotated with ``used_by`` (partnerships using it now)."""
    qs = items_visible_to(user)
    words = q[:MAX_SEARCH_LENGTH].split()[:MAX_SEARCH_WORDS]
    through_tags = LibraryItem.tags.through.objects.filter(libraryitem_id=OuterRef("pk"))
    for word in words:
        condition: Any = (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(protocol_clauses__icontains=word)
            | Exists(through_tags.filter(tag__key__icontains=word.lower()))
        )
        kinds = _kinds_matching(word)
        if kinds:
            condition |= Q(kind__in=kinds)
        qs = qs.filter(condition)
    if kind:
        qs = qs.filter(kind=kind)
    if tag:
        qs = qs.filter(Exists(through_tags.filter(tag__key=tag.strip().lower())))
    if area:
        through_areas = LibraryItem.protocol_areas.through.objects.filter(
            libraryitem_id=OuterRef("pk"), protocolarea__code=area
        )
        qs = qs.filter(Exists(through_areas))
    if owner == "london":
        qs = qs.filter(owner__isnull=True)
    elif owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    ordering = SORTS.get(sort, SORTS["used"])[1]
    return (
        qs.annotate(used_by=Count("adoptions", filter=_CURRENT))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("key")))
        .order_by(*ordering, "pk")
    )


def all_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(items__isnull=False).distinct().order_by("key")


def protocol_areas() -> QuerySet[ProtocolArea]:
    return ProtocolArea.objects.all()


def owner_partnerships() -> QuerySet[Partnership]:
    """Partnerships that own at least one item (for the search filter)."""
    return Partnership.objects.filter(library_items__isnull=False).distinct().order_by("short_name")


def partnerships_user_stewards(user: Any) -> list[Partnership]:
    """Partnerships the person may adopt for and share items as, by name."""
    active = Partnership.objects.filter(is_active=True).order_by("short_name")
    return list(partnership_policy.visible(user, "steward", active))


def stewarded_partnership(user: Any, pk: Any) -> Partnership | None:
    """The partnership ``pk`` if the person stewards it (adopts for it, shares items as it)."""
    text = str(pk)
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        return None
    found: Partnership | None = partnership_policy.visible(user, "steward").filter(pk=int(pk)).first()
    return found


def owner_choices_for(user: Any) -> list[tuple[str, str]]:
    """Who the person may share an item as: ("london", …) and/or partnership ids."""
    choices = [(str(p.pk), p.short_name) for p in partnerships_user_stewards(user)]
    if policy.can(user, "share_london_wide"):
        choices.insert(0, ("london", "London-wide (the London project team)"))
    return choices


def pending_upload_for(user: Any, pk: Any) -> PendingUpload | None:
    """The person's own kept upload, or None (never anyone else's)."""
    if not pk or not str(pk).isdigit() or not getattr(user, "is_authenticated", False):
        return None
    return PendingUpload.objects.select_related("file").filter(pk=int(pk), created_by=user).first()


# --- Take-up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    label: str
    count: int


@dataclass
class TakeUp:
    items: Sequence[LibraryItem]
    bands: list[Band]
    outdated: list[Adoption]
    active_partnerships: int
    partnerships_using: int
    partnerships_not_using: list[str]
    current_adoptions: int


def _band_label(n: int) -> str:
    if n == 0:
        return "Not used by any partnership yet"
    if n == 1:
        return "Used by 1 partnership"
    if n <= 4:
        return "Used by 2 to 4 partnerships"
    return "Used by 5 or more partnerships"


BAND_ORDER = [_band_label(n) for n in (0, 1, 2, 5)]


def take_up_for(user: Any) -> TakeUp:
    """How widely items are used and who is behind, in a fixed number of queries."""
    items = list(
        items_visible_to(user)
        .annotate(
            used_by=Count("adoptions", filter=_CURRENT),
            on_latest=Count("adoptions", filter=_CURRENT & Q(adoptions__version_id=F("current_version_id"))),
        )
        .order_by("-used_by", "title", "pk")
    )
    counts = dict.fromkeys(BAND_ORDER, 0)
    for item in items:
        counts[_band_label(item.used_by)] += 1
    current = Adoption.objects.filter(ended_at__isnull=True, item__in=[i.pk for i in items])
    outdated = list(
        current.exclude(version_id=F("item__current_version_id"))
        .select_related("partnership", "item__current_version", "version")
        .order_by("partnership__short_name", "item__title")
    )
    using_ids = set(current.values_list("partnership_id", flat=True).distinct())
    active = list(Partnership.objects.filter(is_active=True).order_by("short_name").values_list("pk", "short_name"))
    return TakeUp(
        items=items,
        bands=[Band(label, counts[label]) for label in BAND_ORDER],
        outdated=outdated,
        active_partnerships=len(active),
        partnerships_using=len([pk for pk, _ in active if pk in using_ids]),
        partnerships_not_using=[name for pk, name in active if pk not in using_ids],
        current_adoptions=sum(i.used_by for i in items),
    )


def outdated_adoptions_for(user: Any) -> list[Adoption]:
    """Items the person's partnerships use where a newer version has been shared since."""
    return list(
        adoptions.visible(user, "of_my_partnerships")
        .exclude(version_id=F("item__current_version_id"))
        .select_related("partnership", "item__current_version", "version")
        .order_by("item__title")[:10]
    )


def recent_items_for(user: Any, limit: int = 3) -> list[LibraryItem]:
    return list(items_visible_to(user).order_by("-updated_at", "pk")[:limit])
