"""What an intruder knows about the agreed dataset's tables, as relations between figures.

The same structure is used two ways: from computed tables (true values, for choosing what to
hide) and from released strings (for auditing what was published). A figure is named by
``prefix|table|row|column`` where a total is ``*``; the same figure shown in two tables gets one
name (:data:`SAME_FIGURE`), so the audit treats it as one unknown.

Relations (see ``docs/disclosure-control.md`` for the reasons):

* additive tables: cells add up to row, column and grand totals;
* the total of the age, sex, ethnic group, SEND and looked-after tables is the number of children
  discussed in ``children_summary``; disruption by tactic has the same total as by category;
  disproportionality repeats the ethnic-group counts;
* nested counts (:data:`NESTED`): the unpublished difference is a count of its own;
* risk trajectories: their three rows add up to a count of children discussed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from macehub.core.disclosure import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Publication

from .measures import COUNT, SPECS, Table

TOTAL = "*"
Position = tuple[str, str, str]  # table, row, column ("*" for a total)

BY_CHARACTERISTIC = ("children_age", "children_sex", "children_ethnicity", "children_send", "children_looked_after")
#: Positions that are the same figure as another table's.
SAME_FIGURE: dict[Position, Position] = {
    **{(t, TOTAL, TOTAL): ("children_summary", "discussed", "children") for t in BY_CHARACTERISTIC},
    ("disruption_tactics", TOTAL, TOTAL): ("disruptions", TOTAL, TOTAL),
}
#: Tables whose count column repeats another table's cells: (other table, its column).
REPEATS: dict[tuple[str, str], tuple[str, str]] = {
    ("disproportionality", "children"): ("children_ethnicity", "children"),
}

DISCUSSED: Position = ("children_summary", "discussed", "children")


def _harm_nested() -> list[tuple[list[Position], Position, str]]:
    from .measures import _harm_lines

    return [
        (
            [DISCUSSED],
            ("children_harm", line.key, "children"),
            f"children discussed without the harm type ‘{line.label}’",
        )
        for line in _harm_lines()
    ]


#: (parents, child, what the difference counts): the child counts a subset of the parents' sum.
NESTED: list[tuple[list[Position], Position, str]] = [
    (
        [DISCUSSED],
        ("children_summary", "new", "children"),
        "children discussed in the period who were discussed before",
    ),
    (
        [("contexts_open", "group", "records"), ("contexts_open", "location", "records")],
        ("contexts_open", "cases", "records"),
        "open locations and groups not open as cases of their own",
    ),
    ([("missing", "episodes", "number")], ("missing", "children", "number"), "missing episodes after a child's first"),
    ([("missing", "returned", "number")], ("missing", "offered", "number"), "returns where no interview was offered"),
    ([("missing", "returned", "number")], ("missing", "completed", "number"), "returns with no interview completed"),
    ([("missing", "completed", "number")], ("missing", "within_72", "number"), "interviews completed after 72 hours"),
    ([("nrm", "rg_made", "number")], ("nrm", "rg_on_time", "number"), "reasonable-grounds decisions made late"),
    ([("nrm", "rg_made", "number")], ("nrm", "rg_positive", "number"), "reasonable-grounds decisions not positive"),
    ([("nrm", "cg_made", "number")], ("nrm", "cg_positive", "number"), "conclusive-grounds decisions not positive"),
]
RISK_ROWS = ("fell", "held", "rose")


def nested() -> list[tuple[list[Position], Position, str]]:
    return NESTED + _harm_nested()


def share_inputs(table: str, row: str, col: str) -> list[Position] | None:
    """The counts a percentage, rate or ratio rests on (it is published only when all are), or None
    when the figure is not derived from counts (a population)."""
    if table == "risk_trajectory" and col == "share":
        return [(table, row, "children"), *((table, r, "children") for r in RISK_ROWS)]
    if table == "missing" and row in ("offered_pct", "within_72_pct"):
        return [(table, row.removesuffix("_pct"), "number"), (table, "returned", "number")]
    if table == "nrm" and row == "rg_on_time_pct":
        return [(table, "rg_on_time", "number"), (table, "rg_made", "number")]
    if table == "actions" and row == "completed_on_time_pct":
        return [(table, "completed_on_time", "number"), (table, "completed", "number")]
    if table == "disproportionality":
        from .measures import RECORDED_GROUPS

        recorded = [(table, g, "children") for g in RECORDED_GROUPS]
        if col == "share" or col == "ratio":
            return [(table, row, "children"), *recorded]
        if col == "rate":
            return [(table, row, "children")]
        return None
    if table == "feedback" and col == "yes_pct":
        return [(table, row, "yes"), (table, row, "responses")]
    return []


@dataclass
class Grid:
    """One table as the model sees it: labels, shape and, per position, a value or a shown string."""

    key: str
    title: str
    rows: list[tuple[str, str, str]]
    columns: list[tuple[str, str, str]]
    additive: bool
    #: (row, col) → (true value, shown string); either may be None. ``*`` names totals.
    read: Callable[[str, str], tuple[int | None, str | None]]

    @property
    def count_columns(self) -> list[tuple[str, str, str]]:
        return [c for c in self.columns if c[2] == COUNT]

    def count_rows(self) -> list[tuple[str, str, str]]:
        return [r for r in self.rows if r[2] == COUNT]


def grid_from_table(table: Table) -> Grid:
    """A computed table (true values)."""
    counts = [c for c in table.columns if c.kind == COUNT]

    def read(row: str, col: str) -> tuple[int | None, str | None]:
        rows = [r.key for r in table.rows] if row == TOTAL else [row]
        cols = [c.key for c in counts] if col == TOTAL else [col]
        values = [table.cell(r, c).value for r in rows for c in cols]
        if any(v is None for v in values):
            return None, None
        return int(sum(v for v in values if v is not None)), None

    return Grid(
        table.spec.key,
        table.spec.title,
        [(r.key, r.label, r.kind) for r in table.rows],
        [(c.key, c.label, c.kind) for c in table.columns],
        table.spec.additive and table.count_columns == table.columns,
        read,
    )


def grid_from_released(key: str, data: dict[str, Any]) -> Grid:
    """A released table (published strings only)."""
    rows = [r[0] for r in data["rows"]]
    cols = [c[0] for c in data["columns"]]
    multi = data.get("row_totals") is not None

    def read(row: str, col: str) -> tuple[int | None, str | None]:
        if row == TOTAL and col == TOTAL:
            return None, data.get("total")
        if row == TOTAL:
            totals = data.get("column_totals") or []
            return None, totals[cols.index(col)] if col in cols and cols.index(col) < len(totals) else None
        if col == TOTAL:
            if not multi:
                return None, data["cells"][rows.index(row)][0] if row in rows else None
            return None, data["row_totals"][rows.index(row)] if row in rows else None
        if row not in rows or col not in cols:
            return None, None
        return None, str(data["cells"][rows.index(row)][cols.index(col)])

    return Grid(
        key,
        data.get("title", key),
        [(r[0], r[1], r[2]) for r in data["rows"]],
        [(c[0], c[1], c[2]) for c in data["columns"]],
        bool(data.get("additive")) and data.get("column_totals") is not None,
        read,
    )


def name(prefix: str, position: Position) -> str:
    position = SAME_FIGURE.get(position, position)
    table, row, col = position
    repeated = REPEATS.get((table, col))
    if repeated is not None:
        table, col = repeated
    return f"{prefix}|{table}|{row}|{col}"


def _counted(shown: str | None) -> bool:
    return shown not in (None, NOT_AVAILABLE, NOT_APPLICABLE)


class Model:
    """Builds the relations of one partnership's tables for one period into a publication."""

    def __init__(self, pub: Publication, prefix: str, where: str) -> None:
        self.pub, self.prefix, self.where = pub, prefix, where
        self.names: dict[Position, str] = {}

    def add(self, grids: Sequence[Grid]) -> None:
        present = {g.key: g for g in grids}
        for grid in grids:
            self._table(grid)
        for parents, child, label in nested():
            if all(p in self.names for p in parents) and child in self.names:
                self._nested([self.names[p] for p in parents], self.names[child], label, child)
        risk = [("risk_trajectory", r, "children") for r in RISK_ROWS]
        if "risk_trajectory" in present and all(p in self.names for p in risk) and DISCUSSED in self.names:
            total = name(self.prefix, ("risk_trajectory", TOTAL, "children"))
            self.pub.figure(
                total, label="children with two or more risk assessments", where=self._where("risk_trajectory"),
                value=self._sum_values([self.names[p] for p in risk]), derived=True,
            )  # fmt: skip
            self.pub.add_sum(total, [self.names[p] for p in risk], reason="the three risk trajectories")
            self._nested(
                [self.names[DISCUSSED]], total, "children discussed with fewer than two risk assessments", risk[0]
            )

    def _where(self, table: str) -> str:
        title = SPECS[table].title if table in SPECS else table
        return f"‘{title}’{self.where}"

    def _sum_values(self, keys: list[str]) -> int | None:
        values = [self.pub.figures[k].value for k in keys]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    def _figure(self, grid: Grid, row: str, col: str, label: str) -> str | None:
        value, shown = grid.read(row, col)
        if value is None and not _counted(shown):
            return None
        key = name(self.prefix, (grid.key, row, col))
        found = self.pub.figures.get(key)
        if found is not None and _disagree(found.value, value, found.shown, shown):
            # Said to be the same figure, but the figures differ: this table's is a figure of its own.
            key = f"{key}@{grid.key}"
        self.pub.figure(key, label=label, where=self._where(grid.key), value=value, shown=shown)
        self.names[(grid.key, row, col)] = key
        return key

    def _table(self, grid: Grid) -> None:
        columns = grid.count_columns
        row_labels = {r[0]: r[1] for r in grid.rows}
        for r, r_label, r_kind in grid.rows:
            for c, c_label, _ in columns:
                if r_kind != COUNT:
                    continue
                self._figure(grid, r, c, f"{c_label}: {r_label}" if len(grid.columns) > 1 else r_label)
        if not grid.additive:
            return
        where = self._where(grid.key)
        if len(columns) == 1:
            c = columns[0][0]
            total = self._figure(grid, TOTAL, TOTAL, "total")
            parts = [self.names[(grid.key, r[0], c)] for r in grid.rows if (grid.key, r[0], c) in self.names]
            if total is not None:
                self.pub.add_sum(total, parts, reason=f"the total {{total}} of {where} and the other figures in it")
            return
        grand = self._figure(grid, TOTAL, TOTAL, "grand total")
        col_totals = []
        for c, c_label, _ in columns:
            key = self._figure(grid, TOTAL, c, f"{c_label}: total")
            parts = [self.names[(grid.key, r[0], c)] for r in grid.rows if (grid.key, r[0], c) in self.names]
            if key is not None:
                col_totals.append(key)
                reason = f"the column total {{total}} of ‘{c_label}’ in {where} and the other figures in the column"
                self.pub.add_sum(key, parts, reason=reason)
        for r, _, _ in grid.rows:
            key = self._figure(grid, r, TOTAL, f"{row_labels[r]}: total")
            parts = [self.names[(grid.key, r, c[0])] for c in columns if (grid.key, r, c[0]) in self.names]
            if key is not None:
                reason = f"the row total {{total}} of ‘{row_labels[r]}’ in {where} and the other figures in the row"
                self.pub.add_sum(key, parts, reason=reason)
        if grand is not None:
            self.pub.add_sum(grand, col_totals, reason=f"the grand total {{total}} of {where} and the column totals")

    def _nested(self, parents: list[str], child: str, label: str, at: Position) -> None:
        figures = [self.pub.figures[k] for k in (*parents, child)]
        values = [f.value for f in figures]
        shown = [f.shown if f.shown is not None and f.shown.isdigit() else None for f in figures]
        for numbers in (values, shown):
            known = [int(n) for n in numbers if n is not None]
            if len(known) == len(numbers) and known[-1] > sum(known[:-1]):
                return  # the inner count is larger here, so it is not a subset: no relation to state
        parent_labels = " plus ".join(f"‘{self.pub.figures[p].label}’" for p in parents)
        key = f"{child}|rest"
        self.pub.add_nested(
            parents, child, key=key, label=label, where=self._where(at[0]),
            reason=f"{parent_labels} ({{total}}) and ‘{self.pub.figures[child].label}’, which counts some of them",
        )  # fmt: skip


def _disagree(value_a: int | None, value_b: int | None, shown_a: str | None, shown_b: str | None) -> bool:
    if value_a is not None and value_b is not None:
        return value_a != value_b
    numbers = [s for s in (shown_a, shown_b) if s is not None and s.isdigit()]
    return len(numbers) == 2 and numbers[0] != numbers[1]


def publishable_share(pub: Publication, names: dict[Position, str], inputs: list[Position]) -> bool:
    """A percentage, rate or ratio reveals nothing new when every count it rests on is published."""
    for position in inputs:
        key = names.get(position)
        if key is None:
            return False
        shown = pub.figures[key].shown
        if shown is None or shown == SUPPRESSED:
            return False
    return True
