"""Spotting items that look like duplicates of each other.

Two items probably duplicate each other when they share a file byte for byte (the same
SHA-256), or when they are of the same type and their titles or file names say the same
thing once the words every MACE document shares are set aside ("London MACE agenda
template v2" and "Agenda – Croydon MACE" are both simply an agenda). The check warns; it
never blocks — people decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import PurePath
from typing import Any

from django.db.models import QuerySet

from .models import ItemVersion, LibraryItem

#: Words that say nothing about what a MACE document is for.
GENERIC_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "and",
        "to",
        "in",
        "on",
        "with",
        "our",
        "your",
        "by",
        "at",
        "from",
        "v",
        "version",
        "final",
        "draft",
        "copy",
        "updated",
        "update",
        "new",
        "latest",
        "revised",
        "amended",
        "template",
        "templates",
        "doc",
        "docx",
        "document",
        "pdf",
        "xlsx",
        "form",
        "forms",
        "mace",
        "marve",
        "mave",
        "mase",
        "panel",
        "panels",
        "meeting",
        "meetings",
        "multi",
        "agency",
        "child",
        "children",
        "exploitation",
        "london",
        "borough",
        "partnership",
        "safeguarding",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_VERSION_OR_NUMBER = re.compile(r"^(v\d+|\d+)$")

#: How alike two word sets must be (shared words / all words) to count as similar.
JACCARD_THRESHOLD = 0.75
#: How alike the remaining words must read letter by letter (catches typos).
SPELLING_THRESHOLD = 0.88
#: At most this many pairs are listed on the take-up page.
MAX_PAIRS = 100


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def place_words() -> frozenset[str]:
    """Words from partnership names ("Kingston", "Richmond"): a borough's name in a title
    does not make its agenda a different kind of agenda."""
    from macehub.organisations.models import Partnership

    words: set[str] = set()
    for name in Partnership.objects.values_list("short_name", flat=True):
        words.update(_WORD.findall(name.lower()))
    return frozenset(words)


def key_words(text: str, places: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words of a title or file name that say what the document is."""
    words = _WORD.findall(text.lower().replace("_", " "))
    return frozenset(
        _stem(w) for w in words if w not in GENERIC_WORDS and w not in places and not _VERSION_OR_NUMBER.match(w)
    )


def file_key_words(filename: str, places: frozenset[str] = frozenset()) -> frozenset[str]:
    return key_words(PurePath(filename).stem, places)


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    small, large = sorted((a, b), key=len)
    if len(small) >= 2 and small <= large:
        return True
    if len(a & b) / len(a | b) >= JACCARD_THRESHOLD:
        return True
    return SequenceMatcher(None, " ".join(sorted(a)), " ".join(sorted(b))).ratio() >= SPELLING_THRESHOLD


@dataclass
class Match:
    """An existing item the new upload may duplicate, and why."""

    item: LibraryItem
    reasons: list[str] = field(default_factory=list)


def _same_kind_items(kind: str) -> QuerySet[LibraryItem]:
    return (
        LibraryItem.objects.filter(kind=kind)
        .select_related("owner", "current_version__file")
        .only(
            "pk",
            "title",
            "kind",
            "owner__short_name",
            "current_version__number",
            "current_version__file__original_name",
        )
    )


def possible_duplicates(
    *, kind: str, title: str, filename: str, sha256: str, exclude_item_id: int | None = None
) -> list[Match]:
    """Existing items an upload may duplicate: any item holding the very same file, and
    items of the same type with a similar title or file name. Three queries whatever the
    size of the library."""
    matches: dict[int, Match] = {}
    same_file = (
        ItemVersion.objects.filter(file__sha256=sha256)
        .select_related("item__owner", "item__current_version__file")
        .order_by("item_id", "number")
    )
    for version in same_file:
        if version.item_id == exclude_item_id:
            continue
        match = matches.setdefault(version.item_id, Match(version.item))
        match.reasons.append(f"exactly the same file as version {version.number}")
    if title or filename:
        places = place_words()
        title_words = key_words(title, places)
        file_words = file_key_words(filename, places) if filename else frozenset()
        for item in _same_kind_items(kind):
            if item.pk == exclude_item_id:
                continue
            reasons = []
            if title and similar(title_words, key_words(item.title, places)):
                reasons.append("a similar title")
            if (
                file_words
                and item.current_version is not None
                and similar(file_words, file_key_words(item.current_version.file.original_name, places))
            ):
                reasons.append("a similar file name")
            if reasons:
                matches.setdefault(item.pk, Match(item)).reasons.extend(reasons)
    return sorted(matches.values(), key=lambda m: (not m.reasons[0].startswith("exactly"), m.item.title))


@dataclass(frozen=True)
class Pair:
    first: LibraryItem
    second: LibraryItem
    reason: str


def likely_duplicate_pairs(items: Sequence[LibraryItem] | None = None) -> list[Pair]:
    """Pairs of items that look like duplicates of each other, for the take-up page.

    ``items`` must have ``owner`` and ``current_version__file`` loaded. Comparisons run
    within each type (a few dozen items each across London), in Python, after two queries."""
    if items is None:
        items = list(LibraryItem.objects.select_related("owner", "current_version__file").order_by("kind", "title"))
    by_pk = {item.pk: item for item in items}
    pairs: dict[tuple[int, int], str] = {}

    shared: dict[str, set[int]] = {}
    for item_id, digest in ItemVersion.objects.values_list("item_id", "file__sha256"):
        shared.setdefault(digest, set()).add(item_id)
    for ids in shared.values():
        ordered = sorted(i for i in ids if i in by_pk)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] = "The same file"

    places = place_words()
    by_kind: dict[str, list[tuple[LibraryItem, frozenset[str], frozenset[str]]]] = {}
    for item in items:
        file_words = (
            file_key_words(item.current_version.file.original_name, places)
            if item.current_version is not None
            else frozenset()
        )
        by_kind.setdefault(item.kind, []).append((item, key_words(item.title, places), file_words))
    for group in by_kind.values():
        for i, (first, a_title, a_file) in enumerate(group):
            for second, b_title, b_file in group[i + 1 :]:
                key = (min(first.pk, second.pk), max(first.pk, second.pk))
                if key in pairs:
                    continue
                if similar(a_title, b_title):
                    pairs[key] = "Similar titles"
                elif similar(a_file, b_file):
                    pairs[key] = "Similar file names"

    result = [Pair(by_pk[a], by_pk[b], reason) for (a, b), reason in pairs.items()]
    result.sort(key=lambda p: (p.reason != "The same file", p.first.get_kind_display(), p.first.title))
    return result[:MAX_PAIRS]


def describe(match: Match) -> str:
    """ "exactly the same file as version 2 and a similar title" """
    reasons: list[Any] = match.reasons
    if len(reasons) == 1:
        return str(reasons[0])
    return ", ".join(reasons[:-1]) + f" and {reasons[-1]}"
