"""Statistical disclosure control for every figure that leaves a partnership.

The rules (domain requirements R49–R55, following the Government Statistical Service's
practice; the method in full is ``docs/disclosure-control.md``):

* a count from 1 up to ``threshold - 1`` (default 1–4) is hidden and shown as ``c``
  (*primary suppression*); a true zero is always shown as ``0``;
* **secondary suppression with the intruder audit in the loop** (:func:`suppress`): everything
  published becomes a set of linear constraints over integer unknowns
  (:mod:`macehub.core.intruder`); while the audit can narrow a hidden figure (or an unpublished
  difference of nested counts) below the protection width, more figures are hidden — the one
  that protects it at the least cost, or failing that the one that widens its interval most.
  Zeros are never hidden. The output passes the audit by construction: hiding every non-zero
  figure linked to an exposed one always does, and the loop ends there at worst;
* a percentage, rate or ratio is published only when every count it rests on is published, so
  it reveals nothing the counts do not;
* symbols: ``c`` confidential, ``z`` not applicable, ``:`` not available;
* the method and parameters travel with every protected table (:func:`method`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .intruder import (
    SUPPRESSED,
    UNBOUNDED,
    AuditResult,
    Finding,
    InconsistentPublication,
    Publication,
    audit,
    audit_component,
    components,
    exposed,
    interval,
)

NOT_APPLICABLE = "z"
NOT_AVAILABLE = ":"
SYMBOLS = {
    SUPPRESSED: "confidential: a small number, or one that would reveal a small number",
    NOT_APPLICABLE: "not applicable",
    NOT_AVAILABLE: "not available",
}
DEFAULT_THRESHOLD = 5
METHOD_VERSION = 2
#: How many further figures the suppression tries for each exposed one before choosing.
CANDIDATES = 6

__all__ = [
    "DEFAULT_THRESHOLD",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "SUPPRESSED",
    "SYMBOLS",
    "UNBOUNDED",
    "AuditResult",
    "Finding",
    "InconsistentPublication",
    "Publication",
    "audit",
    "is_small",
    "method",
    "protect_count",
    "protection_width",
    "suppress",
]


def protection_width(threshold: int) -> int:
    """The protection width: a hidden figure's smallest and largest possible values must be at least
    this far apart. It equals the threshold, so a hidden 1 can be as large as ``1 + threshold`` and
    nobody can tell whether it is a small count at all."""
    return threshold


def method(*, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
    """The method and parameters, recorded with each release."""
    return {
        "method": "primary suppression of small counts with audited secondary suppression",
        "version": METHOD_VERSION,
        "threshold": threshold,
        "protection_width": protection_width(threshold),
        "suppressed_range": f"1 to {threshold - 1}",
        "zero_shown_as": "0",
        "audit": (
            "integer programming over every published figure (hidden counts at least 1, shared totals, "
            "nested counts, London totals): no hidden figure can be narrowed to fewer than "
            f"{protection_width(threshold)} values apart"
        ),
        "percentages": "published only when every count they rest on is published",
        "symbols": dict(SYMBOLS),
    }


def is_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < value < threshold


def protect_count(value: int | None, *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """One figure on its own, with nothing published beside it that it adds up to."""
    if value is None:
        return NOT_AVAILABLE
    if is_small(value, threshold):
        return SUPPRESSED
    return str(value)


def _show(pub: Publication, hidden: set[str], locked: set[str]) -> None:
    for key, figure in pub.figures.items():
        if figure.derived or figure.value is None or key in locked:
            continue
        figure.shown = SUPPRESSED if key in hidden else str(figure.value)


def suppress(
    pub: Publication, *, threshold: int = DEFAULT_THRESHOLD, width: int | None = None, locked: Iterable[str] = ()
) -> AuditResult:
    """Choose what to hide so that the audit passes, and set every figure's ``shown`` string.

    ``pub`` holds true values (``value``) for the figures being published now; figures already
    published elsewhere (``locked``: an earlier release) keep their ``shown`` string and are
    never re-hidden. Returns the final audit (which passed)."""
    width = protection_width(threshold) if width is None else width
    locked = set(locked)
    publishable = {k for k, f in pub.figures.items() if not f.derived and f.value is not None and k not in locked}
    hidden = {k for k in publishable if is_small(pub.figures[k].value or 0, threshold)}
    _show(pub, hidden, locked)
    # A component's audit depends only on which of its figures are unknown: remember it.
    cache: dict[frozenset[str], tuple[list[Finding], dict[str, tuple[int, int]]]] = {}
    while True:
        findings: list[Finding] = []
        intervals: dict[str, tuple[int, int]] = {}
        groups = components(pub)
        for keys, relations in groups:
            signature = frozenset(keys)
            if signature not in cache:
                cache[signature] = audit_component(pub, keys, relations, width=width, threshold=threshold)
            found, bounds = cache[signature]
            findings += found
            intervals.update(bounds)
        if not findings:
            return AuditResult([], intervals)
        target = min(findings, key=lambda f: (f.high - f.low, f.key))
        group = next(set(keys) for keys, _ in groups if target.key in keys)
        choice = _best_partner(pub, target, group, publishable, width=width, threshold=threshold)
        if choice is None:
            raise InconsistentPublication(f"No further figure can protect it: {target.explanation}")
        hidden.add(choice)
        _show(pub, hidden, locked)


def _best_partner(
    pub: Publication, target: Finding, group: set[str], publishable: set[str], *, width: int, threshold: int
) -> str | None:
    """The figure to hide next for ``target``: among the published non-zero figures that share a
    relation with it (or with the unknowns linked to it), the cheapest that makes it safe; if none
    does, the one that widens its interval most. Never a zero, never a figure published earlier."""
    direct: set[str] = set()
    linked: set[str] = set()
    for rel in pub.relations:
        keys = list(rel.figure_keys())
        if group.isdisjoint(keys):
            continue
        for k in keys:
            figure = pub.figures[k]
            if k in publishable and not figure.unknown and figure.value:
                (direct if target.key in keys else linked).add(k)

    def by_value(keys: set[str]) -> list[str]:
        return sorted(keys, key=lambda k: (-(pub.figures[k].value or 0), k))

    ordered = by_value(direct) + by_value(linked - direct)
    derived = pub.figures[target.key].derived
    best: tuple[tuple[int, int], str] | None = None
    for candidate in ordered[:CANDIDATES]:
        figure = pub.figures[candidate]
        before = figure.shown
        figure.shown = SUPPRESSED
        try:
            low, high = interval(pub, target.key)
        finally:
            figure.shown = before
        value = figure.value or 0
        # Safe at the least cost (the smallest figure lost); otherwise the widest interval.
        safe = not exposed(low, high, derived=derived, width=width, threshold=threshold)
        rank = (0, value) if safe else (1, -(high - low))
        if best is None or rank < best[0]:
            best = (rank, candidate)
    return best[1] if best is not None else None
