"""Disclosure control applied to the agreed dataset (``macehub.core.disclosure`` does the work).

* :func:`protect` turns one computed :class:`~.measures.Table` into the published strings a
  release stores: additive tables with their totals and cycle-based secondary suppression;
  other tables figure by figure (counts 1–4 → ``c``; percentages, rates and ratios hidden when
  their count or base is small). Tables about agencies and meetings are not about people and
  are published as they are.
* :func:`preview` shows the same table with the raw values and which cells will be hidden
  (primary: a small count; secondary: hidden so a small count cannot be worked out).
* :func:`assemble` builds the pan-London table for one extract table from the partnerships'
  *released* strings: partnerships × figures, each partnership's total, and London totals.
  A London total is only a number when every partnership's figure in it was published
  (otherwise ``c``), and the assembled table is then checked as a whole — every hidden cell
  must lie on a cycle of hidden cells, so none can be recovered from the London totals — and
  more totals are hidden if one is not.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from macehub.core.disclosure import (
    DEFAULT_THRESHOLD,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    _on_cycle,
    is_small,
    protect_count,
    protect_percentage,
    round_to,
    suppress_table,
)

from .measures import COUNT, PERCENT, PLAIN, RATE, RATIO, Cell, Table

SYMBOLS = {SUPPRESSED, NOT_APPLICABLE, NOT_AVAILABLE}


def _line(line: Any) -> list[str]:
    return [line.key, line.label, line.kind]


def format_number(value: float | int | None, kind: str) -> str:
    """A figure as shown when no disclosure control applies."""
    if value is None:
        return NOT_AVAILABLE
    if kind == RATIO:
        return f"{value:.2f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def show_cell(cell: Cell) -> str:
    """The unprotected figure (for the partnership's own dashboard)."""
    if cell.kind == PERCENT:
        if cell.base is None or cell.value is None:
            return NOT_AVAILABLE
        if cell.base == 0:
            return NOT_APPLICABLE
        return f"{100 * float(cell.value) / cell.base:.1f}"
    if cell.kind == RATE:
        if not cell.base or cell.value is None:
            return NOT_AVAILABLE
        return f"{10_000 * float(cell.value) / cell.base:.1f}"
    return format_number(cell.value, cell.kind)


def protect_cell(cell: Cell, *, threshold: int = DEFAULT_THRESHOLD, rounding: int | None = None) -> str:
    """One figure on its own, after disclosure control."""
    if cell.kind == COUNT:
        return protect_count(None if cell.value is None else int(cell.value), threshold=threshold, rounding=rounding)
    if cell.kind == PERCENT:
        return protect_percentage(
            None if cell.value is None else int(cell.value), cell.base, threshold=threshold, places=1
        )
    if cell.kind == RATE:
        if cell.value is None or not cell.base:
            return NOT_AVAILABLE
        if is_small(int(cell.value), threshold):
            return SUPPRESSED
        return f"{10_000 * float(cell.value) / cell.base:.1f}"
    if cell.kind == RATIO:
        if cell.value is None:
            return NOT_AVAILABLE
        if cell.base is not None and is_small(cell.base, threshold):
            return SUPPRESSED
        return f"{float(cell.value):.2f}"
    return format_number(cell.value, PLAIN)


def protect(table: Table, *, threshold: int = DEFAULT_THRESHOLD, rounding: int | None = None) -> dict[str, Any]:
    """The published form of a table: what a release stores (never a raw small count)."""
    spec = table.spec
    result: dict[str, Any] = {
        "title": spec.title,
        "definition": spec.definition,
        "additive": spec.additive,
        "rows": [_line(r) for r in table.rows],
        "columns": [_line(c) for c in table.columns],
        "row_totals": None,
        "column_totals": None,
        "total": None,
    }
    if not spec.individuals:
        result["cells"] = [[show_cell(table.cell(r.key, c.key)) for c in table.columns] for r in table.rows]
        return result
    if spec.additive and table.rows and table.count_columns == table.columns:
        protected = suppress_table(table.count_matrix(), threshold=threshold, rounding=rounding)
        shown = protected.display()
        result["cells"] = [row[:-1] for row in shown[:-1]]
        result["row_totals"] = [row[-1] for row in shown[:-1]] if len(table.columns) > 1 else None
        result["column_totals"] = shown[-1][:-1]
        result["total"] = shown[-1][-1]
        return result
    result["cells"] = [
        [protect_cell(table.cell(r.key, c.key), threshold=threshold, rounding=rounding) for c in table.columns]
        for r in table.rows
    ]
    return result


@dataclass
class PreviewCell:
    raw: str
    shown: str
    reason: str = ""  # "", "small" (primary) or "protects" (secondary)


@dataclass
class Preview:
    title: str
    key: str
    rows: list[str]
    columns: list[str]
    cells: list[list[PreviewCell]]
    totals: list[PreviewCell] = field(default_factory=list)
    total: PreviewCell | None = None

    @property
    def labelled(self) -> list[tuple[str, list[PreviewCell]]]:
        return list(zip(self.rows, self.cells, strict=True))

    @property
    def hidden(self) -> int:
        cells = [c for row in self.cells for c in row] + self.totals + ([self.total] if self.total else [])
        return sum(1 for c in cells if c.reason)


def preview(table: Table, *, threshold: int = DEFAULT_THRESHOLD) -> Preview:
    """Raw figures beside what will be published, with the reason for each hidden one."""
    spec = table.spec
    result = Preview(spec.title, spec.key, [r.label for r in table.rows], [c.label for c in table.columns], [])
    if spec.additive and spec.individuals and table.rows and table.count_columns == table.columns:
        protected = suppress_table(table.count_matrix(), threshold=threshold)

        def make(i: int, j: int) -> PreviewCell:
            value = protected.values[i][j]
            reason = "small" if (i, j) in protected.primary else "protects" if (i, j) in protected.hidden else ""
            return PreviewCell(str(value), protected.shown(i, j), reason)

        rows, cols = protected.shape
        result.cells = [[make(i, j) for j in range(1, cols)] for i in range(1, rows)]
        result.totals = [make(0, j) for j in range(1, cols)]
        result.total = make(0, 0)
        return result
    for r in table.rows:
        line = []
        for c in table.columns:
            cell = table.cell(r.key, c.key)
            raw = show_cell(cell)
            if not spec.individuals:
                line.append(PreviewCell(raw, raw))
                continue
            shown = protect_cell(cell, threshold=threshold)
            line.append(PreviewCell(raw, shown, "small" if shown == SUPPRESSED else ""))
        result.cells.append(line)
    return result


# --- Reading released strings ----------------------------------------------------------------


def as_number(text: str | None) -> float | None:
    if text is None or text in SYMBOLS:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def released_value(table: dict[str, Any], row: str, col: str) -> str | None:
    """The published string for (row, col) of a released table, or None if it has no such cell."""
    rows = [r[0] for r in table.get("rows", [])]
    cols = [c[0] for c in table.get("columns", [])]
    if row not in rows or col not in cols:
        return None
    return str(table["cells"][rows.index(row)][cols.index(col)])


def median_of(values: Sequence[str | None], *, minimum: int = 3) -> float | None:
    """The median of the published figures (symbols left out), when at least ``minimum`` are published."""
    numbers = [n for n in (as_number(v) for v in values) if n is not None]
    if len(numbers) < minimum:
        return None
    return float(statistics.median(numbers))


# --- The pan-London assembly -----------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One figure per partnership in the London table (a row, or a column total, of the released table)."""

    key: str
    label: str
    kind: str
    row: str | None  # the released table's row, or None for a column total
    col: str


def series_of(table: dict[str, Any]) -> list[Series]:
    rows = table["rows"]
    cols = table["columns"]
    if table.get("additive") and len(cols) > 1:
        return [Series(c[0], c[1], c[2], None, c[0]) for c in cols]
    first = cols[0]
    return [Series(r[0], r[1], first[2] if first[2] != COUNT else r[2], r[0], first[0]) for r in rows]


def series_value(table: dict[str, Any], series: Series) -> str:
    if series.row is None:
        cols = [c[0] for c in table["columns"]]
        totals = table.get("column_totals") or []
        index = cols.index(series.col)
        return str(totals[index]) if index < len(totals) else NOT_AVAILABLE
    value = released_value(table, series.row, series.col)
    return NOT_AVAILABLE if value is None else value


@dataclass
class Assembled:
    key: str
    title: str
    definition: str
    additive: bool
    series: list[Series]
    partnerships: list[str]
    cells: list[list[str]]
    partnership_totals: list[str] | None
    london: list[str]
    london_total: str | None
    #: For percentages the London figure is the median of the published figures, not a total.
    london_is_median: list[bool] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "definition": self.definition,
            "additive": self.additive,
            "series": [[s.key, s.label, s.kind] for s in self.series],
            "partnerships": self.partnerships,
            "cells": self.cells,
            "partnership_totals": self.partnership_totals,
            "london": self.london,
            "london_total": self.london_total,
            "london_is_median": self.london_is_median,
        }


def _sum_if_complete(values: list[str]) -> str:
    numbers = [as_number(v) for v in values]
    if not values:
        return NOT_AVAILABLE
    if any(v == SUPPRESSED for v in values):
        return SUPPRESSED
    if any(n is None for n in numbers):
        return NOT_AVAILABLE
    return str(int(sum(n for n in numbers if n is not None)))


def assemble(key: str, releases: list[tuple[str, dict[str, Any]]]) -> Assembled | None:
    """The London table for one extract table from (partnership name, released table) pairs."""
    released = [(name, tables[key]) for name, tables in releases if key in tables]
    if not released:
        return None
    template = released[-1][1]
    series = series_of(template)
    cells = [[series_value(table, s) for s in series] for _, table in released]
    additive = bool(template.get("additive"))
    totals = [str(table.get("total") or NOT_AVAILABLE) for _, table in released] if additive else None
    london: list[str] = []
    is_median: list[bool] = []
    for j, s in enumerate(series):
        column = [row[j] for row in cells]
        if s.kind == COUNT:
            london.append(_sum_if_complete(column))
            is_median.append(False)
        else:
            median = median_of(column)
            london.append(NOT_AVAILABLE if median is None else format_number(round(median, 1), s.kind))
            is_median.append(True)
    london_total = _sum_if_complete(totals) if totals is not None else None
    assembled = Assembled(
        key, template["title"], template.get("definition", ""), additive, series, [n for n, _ in released], cells,
        totals, london, london_total, is_median,
    )  # fmt: skip
    _protect_assembled(assembled)
    return assembled


def hidden_positions(assembled: Assembled) -> set[tuple[int, int]]:
    """Hidden cells of the assembled count table in ``suppress_table``'s layout: row 0 holds the
    London totals, column 0 the partnership totals; data cells are (1.., 1..)."""
    hidden: set[tuple[int, int]] = set()
    counts = [j for j, s in enumerate(assembled.series) if s.kind == COUNT]
    for i, row in enumerate(assembled.cells, start=1):
        for j in counts:
            if row[j] == SUPPRESSED:
                hidden.add((i, j + 1))
        if assembled.partnership_totals is not None and assembled.partnership_totals[i - 1] == SUPPRESSED:
            hidden.add((i, 0))
    for j in counts:
        if assembled.london[j] == SUPPRESSED:
            hidden.add((0, j + 1))
    if assembled.london_total == SUPPRESSED:
        hidden.add((0, 0))
    return hidden


def _protect_assembled(assembled: Assembled) -> None:
    """Secondary suppression across the assembled table: every hidden count must lie on a cycle
    of hidden cells (rows and columns as nodes) once the London totals are added; where one does
    not, hide the London totals that would give it away."""
    if not assembled.additive:
        return  # No row equations: a London total only ever hides when one of its figures is hidden.
    changed = True
    while changed:
        changed = False
        hidden = hidden_positions(assembled)
        for edge in sorted(hidden):
            if _on_cycle(hidden, edge):
                continue
            i, j = edge
            # Hide the London total of its column and the grand total, and its row's total: a rectangle.
            if j > 0:
                assembled.london[j - 1] = SUPPRESSED
            assembled.london_total = SUPPRESSED
            if i > 0 and assembled.partnership_totals is not None:
                assembled.partnership_totals[i - 1] = SUPPRESSED
            changed = True
            break


def rounded(value: int, base: int | None) -> int:
    return round_to(value, base)
