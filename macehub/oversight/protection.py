"""Disclosure control applied to the agreed dataset (``macehub.core.disclosure`` does the work).

* :func:`publish` turns one partnership's computed tables for one period into the published
  strings, **jointly**: every table about people goes into one intruder model
  (:mod:`.structure`: additive tables, shared totals, nested counts), small counts are hidden and
  further figures hidden until the intruder audit passes. A release is the London-extract part of
  that one publication, so the dashboard's "as published" view, exports, the board report and the
  release show the same strings. Tables about agencies and meetings are published as they are.
* :func:`preview` shows the same figures with the raw values and why each hidden one is hidden.
* :func:`audit_releases` audits published strings only, as an intruder would: one release, or
  every release and London dataset combined (:func:`london_publication`).
* :func:`assemble` builds the pan-London table for one extract table from the partnerships'
  *released* strings: a London total is a number only when every partnership's figure in it was
  published (so it adds nothing an intruder did not have), and the whole dataset is audited
  jointly before it is published.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from macehub.core.disclosure import (
    DEFAULT_THRESHOLD,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    AuditResult,
    Publication,
    audit,
    protection_width,
    suppress,
)

from .measures import COUNT, PERCENT, RATE, RATIO, Cell, Table
from .structure import TOTAL, Model, grid_from_released, grid_from_table, publishable_share, share_inputs

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


@dataclass
class Published:
    """One partnership's tables for one period after disclosure control, with how they got there."""

    tables: dict[str, dict[str, Any]]
    publication: Publication
    names: dict[tuple[str, str, str], str]
    audit: AuditResult
    threshold: int


def publish(
    tables: dict[str, Table],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    where: str = "",
    prefix: str = "p",
    locked: dict[str, dict[str, Any]] | None = None,
) -> Published:
    """The published form of a set of tables, protected jointly (never a raw small count).

    ``locked`` holds tables already published (their strings): those figures keep their strings
    and are never hidden again; the other tables are protected around them."""
    people = [t for t in tables.values() if t.spec.individuals]
    pub = Publication()
    model = Model(pub, prefix, where)
    model.add([grid_from_table(t) for t in people])
    fixed: set[str] = set()
    for key, data in (locked or {}).items():
        grid = grid_from_released(key, data)
        for position, name in model.names.items():
            if position[0] == key and name not in fixed:
                _, shown = grid.read(position[1], position[2])
                if shown is not None:
                    pub.figures[name].shown = shown
                    fixed.add(name)
    result = suppress(pub, threshold=threshold, width=protection_width(threshold), locked=fixed)
    out = {key: _published_table(t, pub, model.names) for key, t in tables.items()}
    out.update({k: v for k, v in (locked or {}).items() if k in out})
    return Published(out, pub, model.names, result, threshold)


def unavailable(table: Table) -> dict[str, Any]:
    """A table published with no figures (``:``): what is left when it cannot be protected around
    figures published earlier."""
    return {
        "title": table.spec.title,
        "definition": table.spec.definition,
        "additive": False,
        "rows": [_line(r) for r in table.rows],
        "columns": [_line(c) for c in table.columns],
        "cells": [[NOT_AVAILABLE for _ in table.columns] for _ in table.rows],
        "row_totals": None,
        "column_totals": None,
        "total": None,
    }


def _published_table(table: Table, pub: Publication, names: dict[tuple[str, str, str], str]) -> dict[str, Any]:
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

    def shown(row: str, col: str) -> str:
        key = names.get((spec.key, row, col))
        if key is not None:
            return pub.figures[key].shown or NOT_AVAILABLE
        cell = table.cell(row, col)
        raw = show_cell(cell)
        if row == TOTAL or col == TOTAL or cell.kind == COUNT or raw in (NOT_AVAILABLE, NOT_APPLICABLE):
            return raw
        inputs = share_inputs(spec.key, row, col)
        if inputs is None:  # a population figure: public already
            return raw
        return raw if inputs and publishable_share(pub, names, inputs) else SUPPRESSED

    result["cells"] = [[shown(r.key, c.key) for c in table.columns] for r in table.rows]
    additive = spec.additive and table.rows and table.count_columns == table.columns
    if additive:
        result["column_totals"] = [shown(TOTAL, c.key) if len(table.columns) > 1 else shown(TOTAL, TOTAL)
                                   for c in table.columns]  # fmt: skip
        result["total"] = shown(TOTAL, TOTAL)
        if len(table.columns) > 1:
            result["row_totals"] = [shown(r.key, TOTAL) for r in table.rows]
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


def preview(table: Table, published: Published) -> Preview:
    """Raw figures beside what will be published, with the reason for each hidden one."""
    spec = table.spec
    data = published.tables[spec.key]
    result = Preview(spec.title, spec.key, [r.label for r in table.rows], [c.label for c in table.columns], [])
    grid = grid_from_table(table)

    def make(row: str, col: str, shown: str) -> PreviewCell:
        value, _ = grid.read(row, col)
        raw = str(value) if value is not None else show_cell(table.cell(row, col))
        if row != TOTAL and col != TOTAL and table.cell(row, col).kind != COUNT:
            raw = show_cell(table.cell(row, col))
        if shown != SUPPRESSED or raw == SUPPRESSED:
            return PreviewCell(raw, shown)
        small = value is not None and 0 < value < published.threshold
        return PreviewCell(raw, shown, "small" if small else "protects")

    for i, r in enumerate(table.rows):
        line = [make(r.key, c.key, data["cells"][i][j]) for j, c in enumerate(table.columns)]
        if data.get("row_totals") is not None:
            line.append(make(r.key, TOTAL, data["row_totals"][i]))
        result.cells.append(line)
    if data.get("row_totals") is not None:
        result.columns.append("Total")
    if data.get("column_totals") is not None:
        if len(table.columns) > 1:
            result.totals = [make(TOTAL, c.key, data["column_totals"][j]) for j, c in enumerate(table.columns)]
            result.totals.append(make(TOTAL, TOTAL, data["total"]))
        else:
            result.totals = [make(TOTAL, TOTAL, data["total"])]
        result.total = None
    return result


# --- Auditing what was published ----------------------------------------------------------------


def add_released(pub: Publication, tables: dict[str, dict[str, Any]], *, prefix: str, where: str) -> Model:
    """Every figure of one released set of tables (strings only), with its relations."""
    from .measures import SPECS

    model = Model(pub, prefix, where)
    grids = [grid_from_released(k, t) for k, t in tables.items() if k in SPECS and SPECS[k].individuals]
    model.add(grids)
    return model


def audit_release(tables: dict[str, dict[str, Any]], *, threshold: int, where: str = "") -> AuditResult:
    """The intruder audit of one release's published strings."""
    pub = Publication()
    add_released(pub, tables, prefix="r", where=where)
    return audit(pub, width=protection_width(threshold), threshold=threshold)


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
    return assembled


def london_publication(
    releases: Sequence[tuple[str, str, dict[str, dict[str, Any]]]],
    datasets: Iterable[tuple[str, dict[str, Any], Sequence[str]]] = (),
) -> Publication:
    """Everything an intruder reading the London layer combines: the releases (``(prefix, where,
    tables)``: each release's figures are its own unknowns) and the London datasets built from them
    (``(label, tables, source prefixes in row order)``): a partnership's cell in a London table is
    the same unknown as in its release, and each London total is the sum of the partnerships'
    figures."""
    pub = Publication()
    models = {prefix: add_released(pub, tables, prefix=prefix, where=where) for prefix, where, tables in releases}
    for label, tables, sources in datasets:
        for key, data in tables.items():
            _london_relations(pub, models, label, key, data, list(sources))
    return pub


def _london_relations(
    pub: Publication, models: dict[str, Model], label: str, key: str, data: dict[str, Any], sources: list[str]
) -> None:
    """London totals are sums of the partnerships' figures. A hidden or unavailable London total
    adds nothing, so only published ones become relations."""
    where = f"‘{data.get('title', key)}’, {label}"
    found = [models.get(prefix) for prefix in sources]
    if any(m is None for m in found):
        return
    present = [m for m in found if m is not None]
    for j, (s_key, s_label, s_kind) in enumerate(data["series"]):
        shown = str(data["london"][j])
        if s_kind != COUNT or as_number(shown) is None:
            continue  # a median of published figures, or not published: nothing new
        parts = [_series_figure(m, key, s_key) for m in present]
        if all(parts):
            total = f"london|{label}|{key}|{s_key}"
            pub.figure(total, label=f"London total: {s_label}", where=where, shown=shown)
            reason = f"the London total {{total}} of ‘{s_label}’ in {where} and the other partnerships' figures"
            pub.add_sum(total, [p for p in parts if p], reason=reason)
    grand = data.get("london_total")
    if data.get("partnership_totals") is not None and as_number(grand) is not None:
        parts = [m.names.get((key, TOTAL, TOTAL)) for m in present]
        if all(parts):
            total = f"london|{label}|{key}|*"
            pub.figure(total, label="London total", where=where, shown=str(grand))
            pub.add_sum(total, [p for p in parts if p], reason=f"the London total {{total}} of {where}")


def _series_figure(model: Model, key: str, series: str) -> str | None:
    """A London column's figure in one partnership's release: a column total of a table with
    several columns, or a row of a one-column table."""
    if (key, TOTAL, series) in model.names:
        return model.names[(key, TOTAL, series)]
    return next((name for (t, r, _), name in model.names.items() if t == key and r == series), None)


def audit_london(
    releases: Sequence[tuple[str, str, dict[str, dict[str, Any]]]],
    datasets: Iterable[tuple[str, dict[str, Any], Sequence[str]]],
    *,
    threshold: int,
) -> AuditResult:
    """The joint intruder audit of releases and the London datasets assembled from them."""
    pub = london_publication(releases, datasets)
    return audit(pub, width=protection_width(threshold), threshold=threshold)
