"""Disclosure control of the agreed dataset: releases never hold a raw small count, and no hidden
figure can be worked out — within a partnership's table, or from the assembled London table
and its London totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from macehub.oversight.measures import SPECS, Cell, Line, Table
from macehub.oversight.periods import quarter_of
from macehub.oversight.protection import assemble, hidden_positions, preview, protect

from ..test_disclosure import derivable_cells

PERIOD = quarter_of(date(2025, 5, 1))
AGE = SPECS["children_age"]


@dataclass
class Structure:
    """What ``derivable_cells`` needs: the table's shape and which cells are hidden."""

    shape: tuple[int, int]
    hidden: set[tuple[int, int]]


def _age_table(values: list[int]) -> Table:
    rows = [Line(f"r{i}", f"Row {i}") for i in range(len(values))]
    table = Table(AGE, PERIOD, rows, [Line("children", "Children discussed")])
    for row, value in zip(rows, values, strict=True):
        table.set(row.key, "children", value)
    return table


def _released_structure(published: dict[str, Any]) -> Structure:
    cells = published["cells"]
    hidden = {(i + 1, j + 1) for i, row in enumerate(cells) for j, v in enumerate(row) if v == "c"}
    # One column: each row's total is its only cell.
    hidden |= {(i + 1, 0) for i, row in enumerate(cells) if row[0] == "c"}
    hidden |= {(0, j + 1) for j, v in enumerate(published["column_totals"]) if v == "c"}
    if published["total"] == "c":
        hidden.add((0, 0))
    return Structure((len(cells) + 1, 2), hidden)


counts = st.lists(st.one_of(st.integers(0, 6), st.integers(0, 40)), min_size=1, max_size=7)


@settings(max_examples=150, deadline=None)
@given(counts)
def test_a_release_never_holds_a_raw_small_count(values: list[int]) -> None:
    published = protect(_age_table(values))
    shown = [v for row in published["cells"] for v in row] + published["column_totals"] + [published["total"]]
    for value in shown:
        assert value == "c" or value == "0" or int(value) >= 5
    assert derivable_cells(_released_structure(published)) == set()


@settings(max_examples=150, deadline=None)
@given(st.lists(counts.filter(lambda v: len(v) == 4), min_size=1, max_size=6))
def test_no_hidden_figure_can_be_recovered_from_the_london_totals(partnerships: list[list[int]]) -> None:
    releases = [(f"P{i}", {"children_age": protect(_age_table(v))}) for i, v in enumerate(partnerships)]
    assembled = assemble("children_age", releases)
    assert assembled is not None
    structure = Structure((len(partnerships) + 1, len(assembled.series) + 1), hidden_positions(assembled))
    assert derivable_cells(structure) == set()
    # A London total is a number only when every partnership's figure in it was published.
    for j, london in enumerate(assembled.london):
        column = [row[j] for row in assembled.cells]
        if "c" in column:
            assert london == "c"
        else:
            assert london == str(sum(int(v) for v in column))


def test_percentages_rates_and_ratios_hide_small_bases() -> None:
    from macehub.oversight.protection import protect_cell

    assert protect_cell(Cell(3, "percent", 10)) == "c"
    assert protect_cell(Cell(6, "percent", 4)) == "c"
    assert protect_cell(Cell(6, "percent", 12)) == "50.0"
    assert protect_cell(Cell(0, "percent", 0)) == "z"
    assert protect_cell(Cell(2, "rate", 9000)) == "c"
    assert protect_cell(Cell(20, "rate", 10000)) == "20.0"
    assert protect_cell(Cell(1.8, "ratio", 3)) == "c"
    assert protect_cell(Cell(None, "count")) == ":"


def test_the_preview_says_which_figures_will_be_hidden_and_why() -> None:
    shown = preview(_age_table([2, 30, 40, 0]))
    reasons = {(label, c.raw, c.shown, c.reason) for label, row in shown.labelled for c in row}
    assert ("Row 0", "2", "c", "small") in reasons
    assert ("Row 3", "0", "0", "") in reasons
    # 2 alone would be recoverable from the total: a second figure is hidden to protect it.
    assert any(reason == "protects" for *_, reason in reasons)
    assert shown.hidden >= 2
