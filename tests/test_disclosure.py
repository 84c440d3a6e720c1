"""Disclosure control: small counts hidden, and nothing hidden can be worked back out."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from macehub.core.disclosure import (
    SUPPRESSED,
    method,
    protect_count,
    protect_percentage,
    suppress_table,
)


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [r[:] for r in rows]
    rank, cols = 0, len(matrix[0]) if matrix else 0
    for col in range(cols):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col] != 0:
                factor = matrix[r][col] / matrix[rank][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def derivable_cells(table) -> set[tuple[int, int]]:
    """Hidden cells an attacker could compute exactly from the published figures.

    Unknowns are the hidden cells. Each row says cells add up to the row total and each
    column says the same; a hidden cell is determined exactly when its unit vector lies in
    the span of those equations restricted to the unknowns."""
    rows, cols = table.shape
    unknowns = sorted(table.hidden)
    if not unknowns:
        return set()
    index = {cell: k for k, cell in enumerate(unknowns)}
    equations = []
    for i in range(rows):  # row i: total (i, 0) minus the sum of cells (i, 1..) is zero
        eq = [Fraction(0)] * len(unknowns)
        for j in range(cols):
            if (i, j) in index:
                eq[index[(i, j)]] += 1 if j == 0 else -1
        equations.append(eq)
    for j in range(cols):
        eq = [Fraction(0)] * len(unknowns)
        for i in range(rows):
            if (i, j) in index:
                eq[index[(i, j)]] += 1 if i == 0 else -1
        equations.append(eq)
    base = _rank(equations)
    found = set()
    for cell, k in index.items():
        unit = [Fraction(1 if n == k else 0) for n in range(len(unknowns))]
        if _rank([*equations, unit]) == base:
            found.add(cell)
    return found


small_counts = st.one_of(st.integers(0, 6), st.integers(0, 60))
tables = st.integers(1, 5).flatmap(
    lambda cols: st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=1, max_size=5)
)


@settings(max_examples=400, deadline=None)
@given(tables, st.sampled_from([3, 5, 10]))
def test_no_hidden_cell_can_be_derived_from_the_published_table(data: list[list[int]], threshold: int) -> None:
    table = suppress_table(data, threshold=threshold)
    assert derivable_cells(table) == set()


@settings(max_examples=400, deadline=None)
@given(tables, st.sampled_from([3, 5, 10]))
def test_every_small_count_is_hidden_and_everything_shown_is_true(data: list[list[int]], threshold: int) -> None:
    table = suppress_table(data, threshold=threshold)
    shown = table.display()
    for r, row in enumerate(data):
        for c, value in enumerate(row):
            published = table.cell(r, c)
            if 0 < value < threshold:
                assert published == SUPPRESSED
            elif published != SUPPRESSED:
                assert int(published) == value
    totals = [sum(row) for row in data]
    for r, total in enumerate(totals):
        assert table.row_total(r) in (SUPPRESSED, str(total))
    assert table.grand_total() in (SUPPRESSED, str(sum(totals)))
    assert all(cell == SUPPRESSED or int(cell) == 0 or int(cell) >= threshold for row in shown for cell in row)


def test_a_textbook_table_hides_the_small_cell_and_its_partners() -> None:
    # Children discussed by age band (columns) and sex (rows). Hiding only the 3 would let
    # anyone subtract it from its row total; hiding the 3 and the 9 below it would still
    # leave each alone in its row. The cheapest safe pattern is a rectangle of four cells.
    table = suppress_table([[12, 3, 20], [15, 9, 31]])
    assert table.display() == [
        ["c", "c", "20", "35"],
        ["c", "c", "31", "55"],
        ["27", "12", "51", "90"],
    ]
    assert derivable_cells(table) == set()


def test_zeros_are_shown_as_zero() -> None:
    table = suppress_table([[0, 10], [7, 22]])
    assert table.display()[0][0] == "0"


def test_a_lone_small_count_hides_its_totals_too() -> None:
    table = suppress_table([[2]])
    assert table.display() == [["c", "c"], ["c", "c"]]


def test_single_figures_and_percentages() -> None:
    assert protect_count(0) == "0"
    assert protect_count(4) == "c"
    assert protect_count(5) == "5"
    assert protect_count(None) == ":"
    assert protect_count(23, rounding=5) == "25"
    assert protect_percentage(6, 40) == "15.0"
    assert protect_percentage(3, 40) == "c"
    assert protect_percentage(4, 4) == "c"
    assert protect_percentage(0, 0) == "z"


def test_the_method_is_described_for_each_release() -> None:
    described = method(threshold=10, rounding=5)
    assert described["threshold"] == 10 and described["rounding_base"] == 5
    assert described["suppressed_range"] == "1 to 9"


@pytest.mark.parametrize("bad", [[], [[]], [[1, 2], [3]], [[-1]]])
def test_malformed_tables_are_refused(bad: list[list[int]]) -> None:
    with pytest.raises(ValueError, match=r"table|row|negative"):
        suppress_table(bad)
