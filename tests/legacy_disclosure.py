"""The secondary suppression MACE Hub shipped before issue #10, kept only so the tests can show
that their intruder (``tests/intruder.py``) catches what it gave away. Never used by the app.

It hid small counts and put every hidden cell on a cycle of hidden cells, choosing the
*smallest* partners — safe only against an intruder who allows negative counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

SUPPRESSED = "c"
DEFAULT_THRESHOLD = 5


def is_small(value: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < value < threshold


def round_to(value: int, base: int | None) -> int:
    return value if not base else int(base * round(value / base))


@dataclass
class ProtectedTable:
    """A table with its totals: ``cells[i][j]`` for data rows and columns, and totals.

    Internally row 0 and column 0 hold the totals (row 0 = column totals, column 0 = row
    totals, ``[0][0]`` = grand total); :meth:`display` returns the published strings in the
    reading order: data rows then the total row, data columns then the total column."""

    values: list[list[int]]
    hidden: set[tuple[int, int]] = field(default_factory=set)
    primary: set[tuple[int, int]] = field(default_factory=set)
    threshold: int = DEFAULT_THRESHOLD
    rounding: int | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.values), len(self.values[0])

    def shown(self, i: int, j: int) -> str:
        if (i, j) in self.hidden:
            return SUPPRESSED
        return str(round_to(self.values[i][j], self.rounding))

    def display(self) -> list[list[str]]:
        rows, cols = self.shape
        order_r = [*range(1, rows), 0]
        order_c = [*range(1, cols), 0]
        return [[self.shown(i, j) for j in order_c] for i in order_r]

    def cell(self, row: int, col: int) -> str:
        """The published value of data cell (row, col), 0-based."""
        return self.shown(row + 1, col + 1)

    def row_total(self, row: int) -> str:
        return self.shown(row + 1, 0)

    def column_total(self, col: int) -> str:
        return self.shown(0, col + 1)

    def grand_total(self) -> str:
        return self.shown(0, 0)


def _with_totals(data: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [list(r) for r in data]
    n_cols = len(rows[0]) if rows else 0
    col_totals = [sum(r[j] for r in rows) for j in range(n_cols)]
    table = [[sum(col_totals), *col_totals]]
    table += [[sum(r), *r] for r in rows]
    return table


def _on_cycle(hidden: set[tuple[int, int]], edge: tuple[int, int]) -> bool:
    """Is hidden cell ``edge`` on a cycle of hidden cells? (Rows and columns are the nodes.)

    Equivalently: do its row and column stay connected through the other hidden cells."""
    i, j = edge
    others = hidden - {edge}
    by_row: dict[int, list[int]] = {}
    by_col: dict[int, list[int]] = {}
    for r, c in others:
        by_row.setdefault(r, []).append(c)
        by_col.setdefault(c, []).append(r)
    seen_rows, seen_cols = {i}, set()
    frontier: list[tuple[str, int]] = [("r", i)]
    while frontier:
        kind, node = frontier.pop()
        if kind == "r":
            for c in by_row.get(node, []):
                if c == j:
                    return True
                if c not in seen_cols:
                    seen_cols.add(c)
                    frontier.append(("c", c))
        else:
            for r in by_col.get(node, []):
                if r not in seen_rows:
                    seen_rows.add(r)
                    frontier.append(("r", r))
    return False


def _cost(values: list[list[int]], hidden: set[tuple[int, int]], cells: list[tuple[int, int]]) -> tuple[int, int]:
    """Cheapest first: hide few totals, then small values; avoid hiding zeros (0 is shown as 0)."""
    new = [c for c in cells if c not in hidden]
    totals = sum(1 for r, c in new if r == 0 or c == 0)
    zeros = sum(1 for r, c in new if values[r][c] == 0)
    return (totals * 10_000 + zeros * 1_000 + sum(values[r][c] for r, c in new), len(new))


def suppress_table(
    data: Sequence[Sequence[int]], *, threshold: int = DEFAULT_THRESHOLD, rounding: int | None = None
) -> ProtectedTable:
    """Protect a table of counts and its row, column and grand totals."""
    if not data or not data[0]:
        raise ValueError("A table needs at least one row and one column.")
    if any(len(r) != len(data[0]) for r in data):
        raise ValueError("Every row needs the same number of columns.")
    if any(v < 0 for r in data for v in r):
        raise ValueError("Counts cannot be negative.")
    values = _with_totals(data)
    rows, cols = len(values), len(values[0])
    primary = {(i, j) for i, j in product(range(rows), range(cols)) if is_small(values[i][j], threshold)}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for edge in sorted(hidden):
            if _on_cycle(hidden, edge):
                continue
            i, j = edge
            best: tuple[tuple[int, int], list[tuple[int, int]]] | None = None
            for i2, j2 in product(range(rows), range(cols)):
                if i2 == i or j2 == j:
                    continue
                rectangle = [(i, j2), (i2, j), (i2, j2)]
                cost = _cost(values, hidden, rectangle)
                if best is None or cost < best[0]:
                    best = (cost, rectangle)
            # The totals row and column mean there is always another row and column.
            if best is None:  # pragma: no cover - unreachable for tables with totals
                raise RuntimeError("no rectangle available for secondary suppression")
            hidden |= set(best[1])
            changed = True
            break
    return ProtectedTable(values=values, hidden=hidden, primary=primary, threshold=threshold, rounding=rounding)


def legacy_suppress_table(data: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD) -> list[list[str]]:
    """The published strings, data rows then the total row, data columns then the total column."""
    return suppress_table(data, threshold=threshold).display()
