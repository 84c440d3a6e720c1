"""The intruder audit: what a reader outside the partnership can work out from published figures.

Everything published becomes a system of linear constraints over integer unknowns — the true
counts (see ``docs/disclosure-control.md``):

* a published number is fixed; ``0`` is fixed at 0 (zeros are always shown);
* a hidden count (``c``) is an integer of at least 1 (it would have been shown as 0 otherwise);
* a figure shown in several places (the same total in five tables, a partnership's cell in the
  London dataset) is **one** unknown: callers give it one key;
* additive tables: the parts add up to their total (:meth:`Publication.add_sum`);
* nested counts (interviews offered within returns): the unpublished difference is itself a
  count of people, an unknown of at least 0 that is protected too (:meth:`Publication.add_nested`);
* London totals are the sum of the partnerships' figures (again :meth:`Publication.add_sum`).

For every hidden figure :func:`audit` computes the smallest and the largest value consistent with
all of that, by integer programming with HiGHS (``scipy.optimize.milp``), one connected group of
unknowns at a time. A hidden figure whose interval is narrower than the protection width is
exposed; so is a never-published difference whose interval is narrower than the width and could
hold a small count (1 to threshold − 1): an exact 0 or an exact 40 is no secret — both could have
been published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

SUPPRESSED = "c"
#: No count of people in London's published tables comes near this: it stands for "no limit".
UNBOUNDED = 10**6


class InconsistentPublication(ValueError):  # noqa: N818 - reads as a sentence where it is raised
    """The published figures contradict the structure they are said to have (no solution exists)."""


@dataclass
class Figure:
    """One true count: published as a number, hidden (``c``), or never published (a difference)."""

    key: str
    #: What it counts, in plain words: "children aged 10 to 13".
    label: str
    #: Where it is published: "Children discussed by age".
    where: str
    #: The published string: a whole number, ``c``, or None for a difference that is never published.
    shown: str | None = None
    #: The true value: known to the publisher (for suppression), never to the audit.
    value: int | None = None
    #: A difference of nested counts: never published, but a count of people all the same.
    derived: bool = False

    @property
    def hidden(self) -> bool:
        return self.shown == SUPPRESSED

    @property
    def unknown(self) -> bool:
        return self.derived or self.shown == SUPPRESSED

    def fixed(self) -> int:
        if self.shown is None or self.hidden:
            raise ValueError(f"{self.key} is not a published number")
        return int(self.shown)


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient × figure) == 0``, and why an intruder knows it (for explanations)."""

    terms: tuple[tuple[str, int], ...]
    #: Plain words; ``{total}`` is replaced by the published total, e.g. "the total {total} of ‘…’".
    reason: str
    #: The figure whose published value ``{total}`` names.
    anchor: str = ""

    def figure_keys(self) -> Iterable[str]:
        return (k for k, _ in self.terms)


@dataclass
class Publication:
    """Everything published that an intruder could combine: figures and the relations between them."""

    figures: dict[str, Figure] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def figure(
        self,
        key: str,
        *,
        label: str,
        where: str,
        shown: str | None = None,
        value: int | None = None,
        derived: bool = False,
    ) -> Figure:
        """Add a figure, or return the one already under this key (the same figure shown again)."""
        found = self.figures.get(key)
        if found is None:
            found = self.figures[key] = Figure(key, label, where, shown, value, derived)
        elif shown is not None and shown != found.shown:
            # Shown as a number anywhere, it is known everywhere.
            if found.shown is None or found.shown == SUPPRESSED:
                found.shown = shown
            elif shown != SUPPRESSED:
                raise InconsistentPublication(f"{label} is published as both {found.shown} and {shown}")
        return found

    def add_sum(self, total: str, parts: Sequence[str], *, reason: str) -> None:
        """``total`` is the sum of ``parts`` (a table's total, a London total)."""
        if total in parts:
            return
        terms = ((total, 1), *((p, -1) for p in parts))
        self.relations.append(Relation(tuple(terms), reason, anchor=total))

    def add_nested(self, parent: Sequence[str], child: str, *, key: str, label: str, where: str, reason: str) -> None:
        """``child`` counts a subset of ``parent`` (a sum of figures): the rest is a count of its own,
        never published, that must not be narrowed to a small number."""
        values = [self.figures[p].value for p in parent]
        child_value = self.figures[child].value
        value = None
        if child_value is not None and all(v is not None for v in values):
            value = sum(v for v in values if v is not None) - child_value
        self.figure(key, label=label, where=where, value=value, derived=True)
        terms = ((key, 1), (child, 1), *((p, -1) for p in parent))
        self.relations.append(Relation(tuple(terms), reason, anchor=parent[0] if len(parent) == 1 else ""))


@dataclass(frozen=True)
class Finding:
    """A figure an intruder can narrow below the protection width."""

    key: str
    low: int
    high: int
    explanation: str

    @property
    def exact(self) -> bool:
        return self.low == self.high


@dataclass
class AuditResult:
    findings: list[Finding]
    #: (smallest, largest) for every figure checked; largest is ``UNBOUNDED`` when there is no limit.
    intervals: dict[str, tuple[int, int]]

    @property
    def passed(self) -> bool:
        return not self.findings


def components(pub: Publication) -> list[tuple[list[str], list[Relation]]]:
    """Groups of unknowns that share a relation (published numbers are constants, not links)."""
    parent: dict[str, str] = {k: k for k, f in pub.figures.items() if f.unknown}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for rel in pub.relations:
        unknown = [k for k in rel.figure_keys() if k in parent]
        for other in unknown[1:]:
            a, b = find(unknown[0]), find(other)
            if a != b:
                parent[a] = b
    members: dict[str, list[str]] = {}
    for k in parent:
        members.setdefault(find(k), []).append(k)
    relations: dict[str, list[Relation]] = {}
    for rel in pub.relations:
        unknown = [k for k in rel.figure_keys() if k in parent]
        if unknown:
            relations.setdefault(find(unknown[0]), []).append(rel)
    return [(sorted(keys), relations.get(root, [])) for root, keys in sorted(members.items())]


class _Programme:
    """One component as an integer programme (``A x == b``, bounds, integers) held in one HiGHS
    model, re-optimised for each objective: building it once keeps an audit to milliseconds."""

    def __init__(self, pub: Publication, keys: list[str], relations: list[Relation]) -> None:
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        n = len(keys)
        self.lower = np.array([0.0 if pub.figures[k].derived else 1.0 for k in keys])
        self.empty = not relations
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("threads", 1)
        self.highs.addVars(n, self.lower, np.full(n, float(UNBOUNDED)))
        self.integer = False
        for rel in relations:
            constant = 0
            index, values = [], []
            for k, coef in rel.terms:
                figure = pub.figures[k]
                if figure.unknown:
                    index.append(self.index[k])
                    values.append(float(coef))
                else:
                    constant += coef * figure.fixed()
            self.highs.addRow(-constant, -constant, len(index), np.array(index, dtype=np.int32), np.array(values))

    def solve(self, objective: np.ndarray) -> np.ndarray:
        """An optimal integer solution. The linear relaxation is tried first (warm-started simplex):
        tables that add up have whole-number corners, so it is usually already the integer optimum;
        when it is not, the model becomes an integer programme from then on."""
        if self.empty:
            return np.where(objective > 0, self.lower, float(UNBOUNDED))
        n = len(self.keys)
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), objective.astype(float))
        x = self._run()
        if not self.integer and not np.allclose(x, np.round(x), atol=1e-7):
            self.integer = True
            kinds = np.full(n, highspy.HighsVarType.kInteger)
            self.highs.changeColsIntegrality(n, np.arange(n, dtype=np.int32), kinds)
            x = self._run()
        solution: np.ndarray = np.round(x)
        return solution

    def _run(self) -> np.ndarray:
        self.highs.run()
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise InconsistentPublication(self.highs.modelStatusToString(status))
        return np.array(self.highs.getSolution().col_value)


def exposed(low: int, high: int, *, derived: bool, width: int, threshold: int) -> bool:
    if high - low >= width:
        return False
    # A never-published difference that is certainly 0, or certainly not small, gives nothing away.
    return not derived or (low < threshold and high >= 1)


def audit_component(
    pub: Publication, keys: list[str], relations: list[Relation], *, width: int, threshold: int
) -> tuple[list[Finding], dict[str, tuple[int, int]]]:
    """Audit one group of unknowns. Every optimum found is remembered: a figure already seen at two
    values at least ``width`` apart needs no programme of its own."""
    programme = _Programme(pub, keys, relations)
    n = len(keys)
    seen_low = np.full(n, np.inf)
    seen_high = np.full(n, -np.inf)

    def remember(x: np.ndarray) -> None:
        np.minimum(seen_low, x, out=seen_low)
        np.maximum(seen_high, x, out=seen_high)

    remember(programme.solve(np.ones(n)))
    remember(programme.solve(-np.ones(n)))
    intervals: dict[str, tuple[int, int]] = {}
    findings = []
    for i, key in enumerate(keys):
        figure = pub.figures[key]
        if seen_high[i] - seen_low[i] >= width:
            intervals[key] = (int(seen_low[i]), int(seen_high[i]))
            continue
        objective = np.zeros(n)
        objective[i] = 1.0
        low_x = programme.solve(objective)
        remember(low_x)
        high_x = programme.solve(-objective)
        remember(high_x)
        low, high = int(low_x[i]), int(high_x[i])
        intervals[key] = (low, high)
        if exposed(low, high, derived=figure.derived, width=width, threshold=threshold):
            findings.append(Finding(key, low, high, explain(pub, key, low, high, relations)))
    return findings, intervals


def interval(pub: Publication, key: str) -> tuple[int, int]:
    """The smallest and largest value an intruder can give one figure (two programmes)."""
    for keys, relations in components(pub):
        if key in keys:
            programme = _Programme(pub, keys, relations)
            objective = np.zeros(len(keys))
            i = programme.index[key]
            objective[i] = 1.0
            return int(programme.solve(objective)[i]), int(programme.solve(-objective)[i])
    figure = pub.figures[key]
    return (figure.fixed(), figure.fixed()) if not figure.unknown else (0 if figure.derived else 1, UNBOUNDED)


def audit(pub: Publication, *, width: int, threshold: int) -> AuditResult:
    """Every hidden figure's interval, and the figures an intruder can narrow below ``width``."""
    findings: list[Finding] = []
    intervals: dict[str, tuple[int, int]] = {}
    for keys, relations in components(pub):
        found, bounds = audit_component(pub, keys, relations, width=width, threshold=threshold)
        findings += found
        intervals.update(bounds)
    return AuditResult(findings, intervals)


def explain(pub: Publication, key: str, low: int, high: int, relations: Sequence[Relation] = ()) -> str:
    """The finding in plain words: which figure, what it can be worked out as, and from what."""
    figure = pub.figures[key]
    if figure.derived:
        subject = f"The number of {figure.label} ({figure.where}) is not published, but it"
    else:
        subject = f"The hidden figure ‘{figure.label}’ in {figure.where}"
    if low == high:
        what = f"can be worked out as exactly {low}"
    elif high >= UNBOUNDED:
        what = f"can be worked out as at least {low}"
    else:
        what = f"can be narrowed to between {low} and {high}"
    reasons = []
    for rel in relations or pub.relations:
        if key in dict(rel.terms):
            anchor = pub.figures.get(rel.anchor)
            total = anchor.shown if anchor is not None and anchor.shown is not None else "not shown"
            text = rel.reason.replace("{total}", total)
            if text not in reasons:
                reasons.append(text)
    source = " and ".join(reasons[:2]) if reasons else "the other published figures"
    return f"{subject} {what} from {source}."
