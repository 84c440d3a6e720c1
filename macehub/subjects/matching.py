"""Possible duplicates: is this child (person, location, group) already on the register?

The database narrows the candidates (same panel and kind; same date of birth, or a name,
alias or agency reference sharing a word start — at most a few hundred rows); rapidfuzz then
scores names in Python. Nothing here loads the whole register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from .models import Kind, Status, Subject, normalise
from .selectors import subjects_visible_to

#: How many candidates the database may hand over for scoring.
CANDIDATE_LIMIT = 300


@dataclass
class Match:
    subject: Subject
    score: int
    reasons: list[str] = field(default_factory=list)


def _names(given: str, family: str, aliases: list[str], name: str = "") -> list[str]:
    full = " ".join(p for p in (given, family) if p)
    return [n for n in (normalise(x) for x in [full, name, *aliases]) if n]


def _dates_look_alike(a: date, b: date) -> bool:
    """Day and month swapped, or one digit of the year mistyped."""
    swapped = a.year == b.year and a.day == b.month and a.month == b.day
    year_typo = a.month == b.month and a.day == b.day and abs(a.year - b.year) in (1, 10)
    return swapped or year_typo


#: What scoring a would-be duplicate reads of each record on the register.
_MATCHED_FIELDS = (
    "id",
    "panel",
    "kind",
    "number",
    "given_names",
    "family_name",
    "name",
    "aliases",
    "agency_references",
    "date_of_birth",
    "status",
)


def possible_duplicates(
    user: Any,
    *,
    panel: Any,
    kind: str,
    given_names: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    aliases: list[str] | None = None,
    agency_references: list[str] | None = None,
    name: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Match]:
    """Records on the register that may be the same one, best first, with reasons in words."""
    aliases = aliases or []
    references = [normalise(r) for r in agency_references or [] if normalise(r)]
    mine = _names(given_names, family_name, aliases, name)
    if not mine and not references and date_of_birth is None:
        return []
    words = {w for n in mine for w in n.split() if len(w) >= 3}
    narrow = Q()
    for word in sorted(words):
        narrow |= Q(search_key__contains=word[:4])
    for ref in references:
        narrow |= Q(search_key__contains=ref)
    if date_of_birth is not None:
        narrow |= Q(date_of_birth=date_of_birth)
    if not narrow:
        return []
    candidates = (
        subjects_visible_to(user)
        .filter(panel=panel, kind=kind)
        .exclude(status=Status.MERGED)
        .filter(narrow)
        .only(*_MATCHED_FIELDS)
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    people = kind in (Kind.CHILD, Kind.PERSON)
    matches = []
    for other in candidates[:CANDIDATE_LIMIT]:
        match = _score(other, mine, references, date_of_birth, people=people)
        if match is not None:
            matches.append(match)
    matches.sort(key=lambda m: (-m.score, m.subject.number))
    return matches[:limit]


def _score(
    other: Subject, mine: list[str], references: list[str], date_of_birth: date | None, *, people: bool
) -> Match | None:
    theirs = _names(other.given_names, other.family_name, other.aliases, other.name)
    name_score = max((int(fuzz.token_sort_ratio(a, b)) for a in mine for b in theirs), default=0)
    if not people:
        name_score = max(name_score, max((int(fuzz.token_set_ratio(a, b)) for a in mine for b in theirs), default=0))
    reasons = []
    shared_reference = bool(set(references) & {normalise(r) for r in other.agency_references})
    if shared_reference:
        reasons.append("Same agency reference")
    same_dob = date_of_birth is not None and other.date_of_birth == date_of_birth
    similar_dob = (
        date_of_birth is not None
        and other.date_of_birth is not None
        and not same_dob
        and _dates_look_alike(date_of_birth, other.date_of_birth)
    )
    if same_dob:
        reasons.append("Same date of birth")
    elif similar_dob:
        reasons.append("Date of birth looks like a typing slip of the same date")
    if name_score >= 60:
        reasons.append(f"Name {name_score}% similar")
    dob_unknown = date_of_birth is None or other.date_of_birth is None
    likely = (
        shared_reference
        or (people and (same_dob or similar_dob) and name_score >= 60)
        or (name_score >= 85 and (dob_unknown or not people))
    )
    if not likely:
        return None
    score = name_score + (30 if shared_reference else 0) + (20 if same_dob else 10 if similar_dob else 0)
    return Match(subject=other, score=min(score, 100), reasons=reasons)


def possible_duplicates_many(
    user: Any, *, panel: Any, kind: str, queries: list[dict[str, Any]], limit: int = 3
) -> list[list[Match]]:
    """:func:`possible_duplicates` for many would-be records at once (an import): the panel's
    register of that kind is read once and indexed by word start, date of birth and agency
    reference, and each query's candidates are scored by the same rules."""
    register = list(
        subjects_visible_to(user)
        .filter(panel=panel, kind=kind)
        .exclude(status=Status.MERGED)
        .only(*_MATCHED_FIELDS, "search_key")
    )
    by_start: dict[str, set[int]] = {}
    by_dob: dict[date, set[int]] = {}
    by_ref: dict[str, set[int]] = {}
    for index, other in enumerate(register):
        for word in other.search_key.replace("|", " ").split():
            by_start.setdefault(word[:4], set()).add(index)
        if other.date_of_birth is not None:
            by_dob.setdefault(other.date_of_birth, set()).add(index)
        for ref in other.agency_references:
            by_ref.setdefault(normalise(ref), set()).add(index)
    people = kind in (Kind.CHILD, Kind.PERSON)
    results: list[list[Match]] = []
    for query in queries:
        mine = _names(
            query.get("given_names") or "",
            query.get("family_name") or "",
            query.get("aliases") or [],
            query.get("name") or "",
        )
        references = [normalise(r) for r in query.get("agency_references") or [] if normalise(r)]
        dob = query.get("date_of_birth")
        found: set[int] = set()
        for word in {w for n in mine for w in n.split() if len(w) >= 3}:
            found |= by_start.get(word[:4], set())
        for ref in references:
            found |= by_ref.get(ref, set())
        if dob is not None:
            found |= by_dob.get(dob, set())
        matches = []
        for index in sorted(found)[:CANDIDATE_LIMIT]:
            match = _score(register[index], mine, references, dob, people=people)
            if match is not None:
                matches.append(match)
        matches.sort(key=lambda m: (-m.score, m.subject.number))
        results.append(matches[:limit])
    return results
