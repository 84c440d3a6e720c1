"""The tests' own intruder: an independent oracle for disclosure control (check C33).

It reads only what is published — the strings of released tables and London datasets, and the
tables' structure as their published definitions describe it — and never calls MACE Hub's audit or
suppression code. It writes every fact it knows as linear constraints over integer unknowns and
asks for the smallest and largest value of every hidden figure through SciPy's ``milp``, always as an integer programme — a different
path from MACE Hub's audit, which drives HiGHS through ``highspy`` and tries linear relaxations
first. :meth:`Intruder.enumerate_bounds` does the same by brute force for tiny problems, so the
oracle itself is checked against a third way.

What it knows (``docs/disclosure-control.md``, "What the intruder is assumed to know"):

* a published number is exact; ``c`` is a whole number of at least 1; ``:`` and ``z`` say nothing;
* an additive table's figures add up to its totals;
* the children discussed (``children_summary``) are the total of every by-characteristic table;
  disruption by tactic has the same total as disruption by category;
* nested counts (new ⊆ discussed, each harm type ⊆ discussed, offered ⊆ returns, …), with the
  difference unknown but at least 0, and itself a count that must not be given away;
* the three risk trajectories add up to at most the children discussed;
* a percentage p (one decimal place) of n over a base B: (p − 0.05) B ≤ 100 n ≤ (p + 0.05) B;
* London totals are the sums of the partnerships' published figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

LIMIT = 1_000_000.0
SMALL_CHECK = 8  # unknowns up to which enumerate_bounds may be used


@dataclass
class Intruder:
    """Unknowns, what is fixed, and linear facts: ``low <= Σ coef·x <= high``."""

    lower: dict[str, int] = field(default_factory=dict)  # unknown → its least value
    fixed: dict[str, int] = field(default_factory=dict)
    facts: list[tuple[dict[str, float], float, float]] = field(default_factory=list)
    differences: set[str] = field(default_factory=set)

    def read(self, name: str, text: Any) -> bool:
        """Learn one published string. Returns False when it says nothing (``:``, ``z``, missing)."""
        text = None if text is None else str(text)
        if text == "c":
            self.lower[name] = 1
            return True
        if text is None or text in (":", "z", ""):
            return False
        self.fixed[name] = int(float(text))
        return True

    def known(self, name: str) -> bool:
        return name in self.lower or name in self.fixed

    def equal(self, total: str, parts: Iterable[str]) -> None:
        parts = [p for p in parts if self.known(p)]
        if not self.known(total):
            return
        terms: dict[str, float] = {total: 1.0}
        for p in parts:
            terms[p] = terms.get(p, 0.0) - 1.0
        self.facts.append((terms, 0.0, 0.0))

    def within(self, inner: str, outer: Iterable[str], rest: str) -> None:
        """``inner`` counts some of ``outer`` (summed): the rest is an unknown ≥ 0."""
        outer = list(outer)
        if not self.known(inner) or not all(self.known(o) for o in outer):
            return
        self.lower[rest] = 0
        self.differences.add(rest)
        terms = {rest: 1.0, inner: 1.0}
        for o in outer:
            terms[o] = terms.get(o, 0.0) - 1.0
        self.facts.append((terms, 0.0, 0.0))

    def share(self, percent: Any, numerator: str, base: Iterable[str], *, scale: float = 100.0) -> None:
        """A published share: (p − half a unit) × base ≤ scale × numerator ≤ (p + half a unit) × base."""
        text = str(percent)
        base = list(base)
        if text in ("c", ":", "z") or not self.known(numerator) or not all(self.known(b) for b in base):
            return
        p = float(text)
        half = 0.5 * 10 ** -(len(text.split(".")[1]) if "." in text else 0)
        for bound, sign in ((p - half, 1.0), (p + half, -1.0)):
            # sign × (scale·n − bound·B) >= 0
            terms: dict[str, float] = {numerator: sign * scale}
            for b in base:
                terms[b] = terms.get(b, 0.0) - sign * bound
            self.facts.append((terms, 0.0, np.inf))

    # --- Solving ------------------------------------------------------------------------------

    def _reduced(self) -> tuple[list[str], list[tuple[dict[str, float], float, float]]]:
        unknowns = sorted(self.lower)
        rows = []
        for terms, low, high in self.facts:
            constant = sum(c * self.fixed[k] for k, c in terms.items() if k in self.fixed)
            free = {k: c for k, c in terms.items() if k not in self.fixed and c != 0}
            if free:
                rows.append((free, low - constant, high - constant))
            elif not (low - 1e-6 <= constant <= high + 1e-6):
                raise AssertionError(f"the published figures contradict each other: {terms}")
        return unknowns, rows

    def _groups(self) -> list[tuple[list[str], list[tuple[dict[str, float], float, float]]]]:
        """Unknowns that share no fact cannot narrow each other: solve each group on its own."""
        unknowns, rows = self._reduced()
        group = {k: k for k in unknowns}

        def root(k: str) -> str:
            while group[k] != k:
                k = group[k]
            return k

        for free, _, _ in rows:
            first, *rest = list(free)
            for other in rest:
                group[root(other)] = root(first)
        result: dict[str, tuple[list[str], list[Any]]] = {}
        for k in unknowns:
            result.setdefault(root(k), ([], []))[0].append(k)
        for row in rows:
            result[root(next(iter(row[0])))][1].append(row)
        return list(result.values())

    def bounds(self, *, enough: int | None = None) -> dict[str, tuple[int, int]]:
        """Smallest and largest value of every unknown: an integer programme each way (HiGHS through
        SciPy's ``milp``, always as an integer programme). With ``enough``, an unknown already seen at
        two values ``enough`` apart in solutions found for others is reported with that range instead
        (any solution found is a valid witness: this only saves solving)."""
        result = {}
        for unknowns, rows in self._groups():
            result.update(self._group_bounds(unknowns, rows, enough))
        return result

    def _group_bounds(
        self, unknowns: list[str], rows: list[tuple[dict[str, float], float, float]], enough: int | None
    ) -> dict[str, tuple[int, int]]:
        index = {k: i for i, k in enumerate(unknowns)}
        n = len(unknowns)
        bounds = Bounds([self.lower[k] for k in unknowns], [LIMIT] * n)
        constraints = []
        if rows:
            matrix = np.zeros((len(rows), n))
            for r, (free, _, _) in enumerate(rows):
                for k, c in free.items():
                    matrix[r, index[k]] = c
            constraints = [LinearConstraint(matrix, [lo for _, lo, _ in rows], [hi for _, _, hi in rows])]
        seen_low, seen_high = np.full(n, np.inf), np.full(n, -np.inf)

        def solve(cost: np.ndarray) -> np.ndarray:
            solved = milp(cost, integrality=np.ones(n), bounds=bounds, constraints=constraints)
            assert solved.status == 0, solved.message
            x = np.round(solved.x)
            np.minimum(seen_low, x, out=seen_low)
            np.maximum(seen_high, x, out=seen_high)
            return x

        if enough is not None:
            solve(np.ones(n))
            solve(-np.ones(n))
        result = {}
        for k, i in index.items():
            if enough is not None and seen_high[i] - seen_low[i] >= enough:
                result[k] = (int(seen_low[i]), int(seen_high[i]))
                continue
            ends = []
            for sign in (1.0, -1.0):
                cost = np.zeros(n)
                cost[i] = sign
                ends.append(int(solve(cost)[i]))
            result[k] = (ends[0], ends[1])
        return result

    def enumerate_bounds(self, top: int = 12) -> dict[str, tuple[int, int]]:
        """The same by trying every combination up to ``top`` (tiny problems only)."""
        unknowns, rows = self._reduced()
        assert len(unknowns) <= SMALL_CHECK
        found: dict[str, list[int]] = {k: [] for k in unknowns}
        ranges = [range(self.lower[k], top + 1) for k in unknowns]
        for values in itertools.product(*ranges):
            x = dict(zip(unknowns, values, strict=True))
            if all(low - 1e-9 <= sum(c * x[k] for k, c in free.items()) <= high + 1e-9 for free, low, high in rows):
                for k, v in x.items():
                    found[k].append(v)
        return {k: (min(v), max(v)) for k, v in found.items() if v}

    def disclosures(self, *, width: int, threshold: int) -> dict[str, tuple[int, int]]:
        """Hidden figures narrower than ``width``, and differences narrower than ``width`` that could be
        a small count (an exact 0, or a certainly large difference, is no secret)."""
        exposed = {}
        for k, (low, high) in self.bounds(enough=width).items():
            if high - low >= width:
                continue
            if k in self.differences and not (low < threshold and high >= 1):
                continue
            exposed[k] = (low, high)
        return exposed


# --- Reading MACE Hub's published tables ------------------------------------------------------------

BY_CHARACTERISTIC = ["children_age", "children_sex", "children_ethnicity", "children_send", "children_looked_after"]
WITHIN = [  # (table, inner row, [outer rows]) all in the table's first column, unless the outer is "discussed"
    ("children_summary", "new", ["discussed"]),
    ("contexts_open", "cases", ["group", "location"]),
    ("missing", "children", ["episodes"]),
    ("missing", "offered", ["returned"]),
    ("missing", "completed", ["returned"]),
    ("missing", "within_72", ["completed"]),
    ("nrm", "rg_on_time", ["rg_made"]),
    ("nrm", "rg_positive", ["rg_made"]),
    ("nrm", "cg_positive", ["cg_made"]),
]
PERCENTAGES = [  # (table, row, numerator row, base row) in a one-column table
    ("missing", "offered_pct", "offered", "returned"),
    ("missing", "within_72_pct", "within_72", "returned"),
    ("nrm", "rg_on_time_pct", "rg_on_time", "rg_made"),
]


def _rows(table: dict[str, Any]) -> list[str]:
    return [r[0] for r in table["rows"]]


def _cols(table: dict[str, Any]) -> list[str]:
    return [c[0] for c in table["columns"]]


def read_release(intruder: Intruder, tables: dict[str, dict[str, Any]], who: str) -> None:
    """Everything one release (or one partnership's published tables) tells an intruder."""

    def cell(table: str, row: str, col: str | None = None) -> str:
        return f"{who}/{table}/{row}/{col or _cols(tables[table])[0]}"

    discussed = cell("children_summary", "discussed") if "children_summary" in tables else None
    for key, t in tables.items():
        rows, cols = _rows(t), _cols(t)
        counted = [j for j, c in enumerate(t["columns"]) if c[2] == "count"]
        for i, r in enumerate(t["rows"]):
            for j in counted:
                if r[2] == "count":
                    intruder.read(f"{who}/{key}/{r[0]}/{cols[j]}", t["cells"][i][j])
        if t.get("column_totals") is None:
            continue
        grand = f"{who}/{key}/total"
        if key in BY_CHARACTERISTIC and discussed is not None:
            grand = discussed  # the same children
        if key == "disruption_tactics" and "disruptions" in tables:
            grand = f"{who}/disruptions/total"
        intruder.read(grand, t["total"])
        if len(cols) == 1:
            intruder.equal(grand, [f"{who}/{key}/{r}/{cols[0]}" for r in rows])
            continue
        col_totals = []
        for j, c in enumerate(cols):
            name = f"{who}/{key}/total/{c}"
            intruder.read(name, t["column_totals"][j])
            intruder.equal(name, [f"{who}/{key}/{r}/{c}" for r in rows])
            col_totals.append(name)
        for i, r in enumerate(rows):
            name = f"{who}/{key}/{r}/total"
            intruder.read(name, (t.get("row_totals") or [None] * len(rows))[i])
            intruder.equal(name, [f"{who}/{key}/{r}/{c}" for c in cols])
        intruder.equal(grand, col_totals)
    for table, inner, outer in WITHIN:
        if table in tables:
            intruder.within(cell(table, inner), [cell(table, o) for o in outer], f"{who}/{table}/{inner}/rest")
    if "children_harm" in tables and discussed is not None:
        for r in _rows(tables["children_harm"]):
            intruder.within(cell("children_harm", r), [discussed], f"{who}/children_harm/{r}/rest")
    if "risk_trajectory" in tables:
        t = tables["risk_trajectory"]
        counts = [cell("risk_trajectory", r, "children") for r in _rows(t)]
        if discussed is not None and all(intruder.known(c) for c in counts):
            both = f"{who}/risk/assessed"
            intruder.lower[both] = 0
            intruder.differences.add(both)
            intruder.equal(both, counts)
            intruder.within(both, [discussed], f"{who}/risk/assessed/rest")
        for i, r in enumerate(_rows(t)):
            intruder.share(t["cells"][i][_cols(t).index("share")], cell("risk_trajectory", r, "children"), counts)
    for table, row, numerator, base in PERCENTAGES:
        if table in tables:
            t = tables[table]
            intruder.share(t["cells"][_rows(t).index(row)][0], cell(table, numerator), [cell(table, base)])
    if "disproportionality" in tables:
        _read_disproportionality(intruder, tables, who)


def _read_disproportionality(intruder: Intruder, tables: dict[str, dict[str, Any]], who: str) -> None:
    t = tables["disproportionality"]
    cols = _cols(t)
    rows = [r for r in _rows(t) if r != "not_recorded"]
    # The children column repeats the ethnic-group table's figures when both are published.
    same = "children_ethnicity" in tables
    n = {r: f"{who}/{'children_ethnicity' if same else 'disproportionality'}/{r}/children" for r in rows}
    for i, r in enumerate(_rows(t)):
        intruder.read(f"{who}/{'children_ethnicity' if same else 'disproportionality'}/{r}/children", t["cells"][i][0])
    population = {r: t["cells"][_rows(t).index(r)][cols.index("population")] for r in rows}
    known_population = all(str(p).isdigit() for p in population.values())
    for r in rows:
        i = _rows(t).index(r)
        intruder.share(t["cells"][i][cols.index("share")], n[r], [n[g] for g in rows])
        rate = str(t["cells"][i][cols.index("rate")])
        if known_population and rate not in ("c", ":", "z") and intruder.known(n[r]):
            pop = int(population[r])
            # rate = 10,000 n / population, to one decimal place
            intruder.facts.append(({n[r]: 10_000.0}, (float(rate) - 0.05) * pop, (float(rate) + 0.05) * pop))
        ratio = str(t["cells"][i][cols.index("ratio")])
        if known_population and ratio not in ("c", ":", "z") and all(intruder.known(n[g]) for g in rows):
            pop = int(population[r])
            total_pop = sum(int(p) for p in population.values())
            q = float(ratio)
            # ratio = (n / pop) / (recorded / total_pop): n·total_pop within (q ± 0.005)·pop·recorded
            for bound, sign in ((q - 0.005, 1.0), (q + 0.005, -1.0)):
                terms = {n[r]: sign * total_pop}
                for g in rows:
                    terms[n[g]] = terms.get(n[g], 0.0) - sign * bound * pop
                intruder.facts.append((terms, 0.0, np.inf))


def read_london(intruder: Intruder, dataset: dict[str, dict[str, Any]], who: list[str], label: str = "london") -> None:
    """A London dataset: each row repeats a partnership's release (``who`` in row order), and each
    published London total is the sum of its column."""
    for key, t in dataset.items():
        series = t["series"]
        for j, s in enumerate(series):
            if s[2] != "count":
                continue
            names = []
            for i, partnership in enumerate(who):
                name = _london_cell(key, s[0], partnership, t)
                intruder.read(name, t["cells"][i][j])
                names.append(name)
            if str(t["london"][j]) not in ("c", ":", "z"):
                intruder.read(f"{label}/{key}/{s[0]}", t["london"][j])
                intruder.equal(f"{label}/{key}/{s[0]}", names)
        if t.get("partnership_totals") is not None and str(t.get("london_total")) not in ("c", ":", "z", "None"):
            totals = [_london_total(key, p) for p in who]
            for p, text in zip(totals, t["partnership_totals"], strict=True):
                intruder.read(p, text)
            intruder.read(f"{label}/{key}/total", t["london_total"])
            intruder.equal(f"{label}/{key}/total", totals)


def _london_cell(key: str, series: str, who: str, table: dict[str, Any]) -> str:
    if table.get("partnership_totals") is not None and len(table["series"]) > 1 and key == "referrals":
        return f"{who}/{key}/total/{series}"
    first = {"children_summary": "children", "contexts_open": "records", "missing": "number", "nrm": "number",
             "disruptions": "activities", "risk_trajectory": "children"}.get(key, "children")  # fmt: skip
    return f"{who}/{key}/{series}/{first}"


def _london_total(key: str, who: str) -> str:
    if key in BY_CHARACTERISTIC:
        return f"{who}/children_summary/discussed/children"
    return f"{who}/{key}/total"
