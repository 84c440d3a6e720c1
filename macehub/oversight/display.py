"""Turning computed tables, releases and London assemblies into what pages, charts, exports and
PDFs show — the same figures everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from macehub.core.disclosure import NOT_AVAILABLE, SUPPRESSED

from .measures import COUNT, NEVER_PUBLISHED, PERCENT, PLAIN, RATE, RATIO, Table
from .periods import Period
from .protection import Assembled, as_number, show_cell

PUBLISHED = "published"
ALL = "all"


@dataclass
class DisplayCell:
    text: str
    href: str = ""
    hidden: bool = False


@dataclass
class DisplayRow:
    label: str
    cells: list[DisplayCell]
    is_total: bool = False


@dataclass
class DisplayTable:
    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[DisplayRow]
    chart: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    section: str = ""

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    def as_sheet(self) -> tuple[str, list[str], list[list[str]]]:
        """(title, header, rows) for the spreadsheet exports."""
        header = ["", *self.columns]
        rows = [[row.label, *(c.text for c in row.cells)] for row in self.rows]
        return self.title, header, rows


def sheets(tables: list[DisplayTable]) -> list[tuple[str, list[str], list[list[str]]]]:
    """One worksheet per table, numbered so that names stay unique within Excel's 31 characters."""
    result = []
    for i, table in enumerate(tables, start=1):
        title, header, rows = table.as_sheet()
        result.append((f"{i:02d} {title}"[:31], header, rows))
    return result


def _signed(value: float, kind: str) -> str:
    if kind == PERCENT:
        return f"{value:+.1f}"
    return f"{value:+.0f}" if float(value).is_integer() else f"{value:+.1f}"


def _values(
    table: Table, mode: str, published: dict[str, Any] | None
) -> tuple[list[list[str]], list[str] | None, str | None]:
    """Cell strings (rows × columns), plus column totals and the grand total where the table has them."""
    if mode == PUBLISHED and published is not None:
        return published["cells"], published.get("column_totals"), published.get("total")
    if mode == PUBLISHED and table.spec.key in NEVER_PUBLISHED:
        return [[NOT_AVAILABLE for _ in table.columns] for _ in table.rows], None, None
    cells = [[show_cell(table.cell(r.key, c.key)) for c in table.columns] for r in table.rows]
    if table.spec.additive and table.count_columns == table.columns:
        totals = [str(sum(table.cell(r.key, c.key).count for r in table.rows)) for c in table.columns]
        grand = str(sum(int(t) for t in totals))
        return cells, totals, grand
    return cells, None, None


def build(
    table: Table,
    *,
    mode: str = ALL,
    published: dict[str, Any] | None = None,
    previous: Table | None = None,
    previous_published: dict[str, Any] | None = None,
    london: dict[tuple[str, str, str], float | None] | None = None,
    drill_base: str = "",
) -> DisplayTable:
    """A computed table as shown on a dashboard: figures (protected or not), comparisons for
    one-column tables, drill-down links where given, and the chart data. In the published mode the
    strings come from ``published`` (the period's jointly protected publication)."""
    spec = table.spec
    cells, totals, grand = _values(table, mode, published)
    columns = [c.label for c in table.columns]
    single = len(table.columns) == 1 or spec.key == "risk_trajectory"
    first = table.columns[0]
    compare_previous = previous is not None and single
    compare_london = bool(london) and single and spec.key in {k for k, _, _ in (london or {})}
    if compare_previous and previous is not None:
        columns += [f"{previous.period.label}", "Change"]
    if compare_london:
        columns.append("London median")
    prev_cells = _values(previous, mode, previous_published)[0] if compare_previous and previous is not None else None
    rows: list[DisplayRow] = []
    multi_total = spec.additive and len(table.columns) > 1 and totals is not None
    for i, r in enumerate(table.rows):
        line: list[DisplayCell] = []
        for j, c in enumerate(table.columns):
            text = cells[i][j]
            href = ""
            if (
                drill_base
                and c.kind == COUNT
                and text not in ("0", SUPPRESSED)
                and (not spec.drill_rows or r.key in spec.drill_rows)
            ):
                href = f"{drill_base}&{urlencode({'row': r.key, 'col': c.key})}"
            line.append(DisplayCell(text, href, text == SUPPRESSED))
        if multi_total and totals is not None:
            line.append(DisplayCell(str(sum(int(x) for x in cells[i] if x.isdigit())) if mode != PUBLISHED else "", ""))
        if prev_cells is not None:
            before = prev_cells[i][0]
            now_n, before_n = as_number(cells[i][0]), as_number(before)
            change = (
                _signed(now_n - before_n, first.kind if first.kind != COUNT else r.kind)
                if (now_n is not None and before_n is not None)
                else "–"
            )
            line += [DisplayCell(before, hidden=before == SUPPRESSED), DisplayCell(change)]
        if compare_london and london is not None:
            median = london.get((spec.key, r.key, first.key))
            line.append(DisplayCell("–" if median is None else f"{median:g}"))
        rows.append(DisplayRow(r.label, line))
    if multi_total:
        columns.insert(len(table.columns), "Total")
    if totals is not None:
        total_cells = [DisplayCell(t, hidden=t == SUPPRESSED) for t in totals]
        if multi_total:
            total_cells.append(DisplayCell(grand or "", hidden=grand == SUPPRESSED))
        total_cells += [DisplayCell("") for _ in range(len(columns) - len(total_cells))]
        rows.append(DisplayRow("Total", total_cells, is_total=True))
    if multi_total and mode == PUBLISHED and published is not None:
        # Published row totals come from the protected table.
        for i, total in enumerate(published.get("row_totals") or []):
            rows[i].cells[len(table.columns)] = DisplayCell(total, hidden=total == SUPPRESSED)
    notes = []
    if mode == PUBLISHED and spec.key in NEVER_PUBLISHED:
        notes.append(
            "Not published: the months add up to other quarters' figures, so this table is for the partnership only."
        )
    if spec.key == "disproportionality":
        from .population import SOURCE

        notes.append(f"Population figures: {SOURCE['status']}. {SOURCE['title']}, {SOURCE['year']}. {SOURCE['source']}")
    result = DisplayTable(spec.key, spec.title, spec.definition, columns, rows, notes=notes, section=spec.section)
    result.chart = chart_for(table, cells, prev_cells, london if compare_london else None)
    return result


def _number(text: str) -> float | None:
    return as_number(text)


def chart_for(
    table: Table,
    cells: list[list[str]],
    previous: list[list[str]] | None,
    london: dict[tuple[str, str, str], float | None] | None,
) -> dict[str, Any] | None:
    spec = table.spec
    if not spec.chart or not table.rows:
        return None
    labels = [r.label for r in table.rows]
    if spec.chart == "line":
        return {
            "type": "line",
            "labels": labels,
            "series": [
                {"label": c.label, "data": [_number(cells[i][j]) for i in range(len(table.rows))]}
                for j, c in enumerate(table.columns)
            ],
        }
    columns = [j for j, c in enumerate(table.columns) if c.kind in (COUNT, PERCENT, RATE, RATIO)]
    if spec.key == "attendance":
        columns = [j for j, c in enumerate(table.columns) if c.key in ("present_pct", "received_pct")]
    if spec.key in ("risk_trajectory", "disproportionality"):
        columns = [j for j, c in enumerate(table.columns) if c.key in ("share", "population_share")]
        if spec.key == "risk_trajectory":
            columns = [0]
    if spec.key == "disproportionality":
        columns = [1, 3]
    series = [
        {"label": table.columns[j].label, "data": [_number(cells[i][j]) for i in range(len(table.rows))]}
        for j in columns
    ]
    if previous is not None:
        series.append({"label": "Previous period", "data": [_number(row[0]) for row in previous]})
    if london is not None:
        first = table.columns[0].key
        series.append({"label": "London median", "data": [london.get((spec.key, r.key, first)) for r in table.rows]})
    stacked = spec.key == "referrals"
    return {"type": "stacked" if stacked else "bar", "labels": labels, "series": series}


# --- Releases and London -----------------------------------------------------------------------


def from_released(key: str, table: dict[str, Any]) -> DisplayTable:
    """A released (disclosure-controlled) table as stored."""
    columns = [c[1] for c in table["columns"]]
    rows = []
    multi = table.get("row_totals") is not None
    for i, row in enumerate(table["rows"]):
        cells = [DisplayCell(str(v), hidden=v == SUPPRESSED) for v in table["cells"][i]]
        if multi:
            total = table["row_totals"][i]
            cells.append(DisplayCell(str(total), hidden=total == SUPPRESSED))
        rows.append(DisplayRow(row[1], cells))
    if multi:
        columns.append("Total")
    if table.get("column_totals") is not None:
        cells = [DisplayCell(str(v), hidden=v == SUPPRESSED) for v in table["column_totals"]]
        if multi:
            cells.append(DisplayCell(str(table["total"]), hidden=table["total"] == SUPPRESSED))
        rows.append(DisplayRow("Total", cells, is_total=True))
    labels = [r[1] for r in table["rows"]]
    chart = None
    if table["columns"] and table["columns"][0][2] == COUNT:
        chart = {
            "type": "stacked" if multi else "bar",
            "labels": labels,
            "series": [
                {"label": c[1], "data": [as_number(str(table["cells"][i][j])) for i in range(len(labels))]}
                for j, c in enumerate(table["columns"])
                if c[2] == COUNT
            ],
        }
    return DisplayTable(key, table["title"], table.get("definition", ""), columns, rows, chart=chart)


def from_assembled(assembled: Assembled | dict[str, Any]) -> DisplayTable:
    """The pan-London table: partnerships as rows, each figure as a column, London at the foot."""
    data = assembled.as_dict() if isinstance(assembled, Assembled) else assembled
    series = data["series"]
    columns = [s[1] for s in series]
    totals = data.get("partnership_totals")
    if totals is not None:
        columns.append("Total")
    rows = []
    for i, name in enumerate(data["partnerships"]):
        cells = [DisplayCell(str(v), hidden=v == SUPPRESSED) for v in data["cells"][i]]
        if totals is not None:
            cells.append(DisplayCell(str(totals[i]), hidden=totals[i] == SUPPRESSED))
        rows.append(DisplayRow(name, cells))
    london_cells = [DisplayCell(str(v), hidden=v == SUPPRESSED) for v in data["london"]]
    if totals is not None:
        london_cells.append(DisplayCell(str(data["london_total"]), hidden=data["london_total"] == SUPPRESSED))
    medians = data.get("london_is_median") or []
    label = "London (median for percentages)" if any(medians) else "London total"
    rows.append(DisplayRow(label, london_cells, is_total=True))
    counts = [j for j, s in enumerate(series) if s[2] in (COUNT, PLAIN)][:1] or [0]
    j = counts[0]
    chart = {
        "type": "bar",
        "horizontal": True,
        "labels": data["partnerships"],
        "series": [{"label": series[j][1], "data": [as_number(str(row[j])) for row in data["cells"]]}],
    }
    return DisplayTable(data["key"], data["title"], data.get("definition", ""), columns, rows, chart=chart)


def kind_label(kind: str) -> str:
    return {COUNT: "count", PERCENT: "percentage", RATE: "rate per 10,000", RATIO: "ratio", PLAIN: "number"}[kind]


def drill_url(partnership_id: int, key: str, period: Period) -> str:
    return f"{reverse('oversight:drill', args=[partnership_id, key])}?{urlencode({'period': period.key})}"
