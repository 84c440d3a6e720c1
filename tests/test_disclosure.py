"""Disclosure control on any table: small counts hidden, zeros shown, and the tests' own intruder
(``tests/intruder.py``: highspy, not the production path) can narrow no hidden figure below the
protection width. Also: the method that shipped before would have failed that intruder."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macehub.core.disclosure import (
    SUPPRESSED,
    InconsistentPublication,
    Publication,
    method,
    protect_count,
    suppress,
)

from .intruder import Intruder
from .legacy_disclosure import legacy_suppress_table

#: CI runs a moderate number of examples; HYPOTHESIS_PROFILE=thorough runs many more.
EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40


def protect_grid(data: list[list[int]], *, threshold: int = 5) -> list[list[str]]:
    """A table with row, column and grand totals through the production suppression: published
    strings in reading order (data rows then the total row; data columns then the total column)."""
    pub = Publication()
    rows, cols = len(data), len(data[0])
    for i in range(rows):
        for j in range(cols):
            pub.figure(f"{i},{j}", label=f"cell {i},{j}", where="T", value=data[i][j])
        pub.figure(f"{i},T", label=f"row {i}", where="T", value=sum(data[i]))
        pub.add_sum(f"{i},T", [f"{i},{j}" for j in range(cols)], reason="row")
    for j in range(cols):
        pub.figure(f"T,{j}", label=f"column {j}", where="T", value=sum(r[j] for r in data))
        pub.add_sum(f"T,{j}", [f"{i},{j}" for i in range(rows)], reason="column")
    pub.figure("T,T", label="total", where="T", value=sum(map(sum, data)))
    pub.add_sum("T,T", [f"T,{j}" for j in range(cols)], reason="grand")
    suppress(pub, threshold=threshold)
    order_r = [*map(str, range(rows)), "T"]
    order_c = [*map(str, range(cols)), "T"]
    return [[str(pub.figures[f"{i},{j}"].shown) for j in order_c] for i in order_r]


def grid_intruder(shown: list[list[str]]) -> Intruder:
    """What the tests' intruder learns from a published table with its totals (last row and column)."""
    intruder = Intruder()
    rows, cols = len(shown) - 1, len(shown[0]) - 1
    for i, row in enumerate(shown):
        for j, text in enumerate(row):
            intruder.read(f"{i},{j}", text)
    for i in range(rows + 1):
        intruder.equal(f"{i},{cols}", [f"{i},{j}" for j in range(cols)])
    for j in range(cols + 1):
        intruder.equal(f"{rows},{j}", [f"{i},{j}" for i in range(rows)])
    return intruder


small_counts = st.one_of(st.integers(0, 6), st.integers(0, 40))
tables = st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(small_counts, min_size=cols, max_size=cols), min_size=1, max_size=4)
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sampled_from([3, 5, 10]))
def test_the_intruder_narrows_no_hidden_figure_in_a_random_table(data: list[list[int]], threshold: int) -> None:
    shown = protect_grid(data, threshold=threshold)
    assert grid_intruder(shown).disclosures(width=threshold, threshold=threshold) == {}
    # Small counts are hidden, zeros shown, and every published figure is true.
    truth = [[*row, sum(row)] for row in data]
    truth.append([sum(r[j] for r in truth) for j in range(len(truth[0]))])
    for i, row in enumerate(shown):
        for j, text in enumerate(row):
            if 0 < truth[i][j] < threshold:
                assert text == SUPPRESSED
            if truth[i][j] == 0:
                assert text == "0", "a zero is never hidden"
            if text != SUPPRESSED:
                assert int(text) == truth[i][j]


@pytest.mark.parametrize(
    ("data", "note"),
    [
        ([[0], [10], [8], [6], [1], [1], [0]], "Lambeth's age row: 0, 10, 8, 6, c, c, 0 with total 26"),
        ([[0], [1], [1], [0], [10], [8]], "a column 0, 1, 1, 0, 10, 8"),
        ([[1, 1], [1, 1]], "a rectangle of four 1s"),
        ([[1, 1, 20], [1, 1, 30], [12, 15, 9]], "a rectangle of 1s inside a larger table"),
        ([[0, 0, 0], [0, 2, 0], [0, 0, 0]], "zeros around a small cell"),
        ([[0, 0], [0, 9], [3, 0]], "a total equal to one cell"),
        ([[3]], "a lone small count"),
    ],
)
def test_the_issues_adversarial_shapes_are_protected(data: list[list[int]], note: str) -> None:
    shown = protect_grid(data)
    assert grid_intruder(shown).disclosures(width=5, threshold=5) == {}, note


def test_the_method_that_shipped_before_fails_the_same_intruder() -> None:
    """So the oracle can fail: the old cycle-based suppression gave these figures away."""
    for data, exposed in (
        ([[0], [10], [8], [6], [1], [1], [0]], {"4,0": (1, 1), "5,0": (1, 1)}),
        ([[0], [1], [1], [0], [10], [8]], {"1,0": (1, 1), "2,0": (1, 1)}),
        ([[1, 1, 20], [1, 1, 30], [12, 15, 9]], {"0,0": (1, 1), "0,1": (1, 1), "1,0": (1, 1), "1,1": (1, 1)}),
    ):
        shown = legacy_suppress_table(data)
        found = grid_intruder(shown).disclosures(width=5, threshold=5)
        assert {k: v for k, v in found.items() if k in exposed} == exposed, (data, shown, found)


def test_the_oracle_agrees_with_brute_force_on_small_tables() -> None:
    for data in ([[1, 4], [0, 7]], [[2, 2, 9]], [[1], [1], [6]]):
        shown = grid_intruder([["c" if 0 < v < 5 else str(v) for v in [*r, sum(r)]] for r in data] + [
            [str(sum(r[j] for r in data)) for j in range(len(data[0]))] + [str(sum(map(sum, data)))]
        ])  # fmt: skip
        assert shown.bounds() == shown.enumerate_bounds(top=20)


def test_a_share_gives_its_base_away_to_the_intruder() -> None:
    """'Black 7 (29.2%)' fixes the base at 24; with a total of 26 the hidden rest is exactly 2."""
    intruder = Intruder()
    intruder.read("black", "7")
    intruder.read("rest", "c")
    intruder.read("others", "c")
    intruder.read("total", "26")
    intruder.equal("total", ["black", "others", "rest"])
    intruder.share("29.2", "black", ["black", "others"])
    assert intruder.disclosures(width=5, threshold=5)["rest"] == (2, 2)


def test_single_figures_and_the_method() -> None:
    assert protect_count(0) == "0"
    assert protect_count(4) == "c"
    assert protect_count(5) == "5"
    assert protect_count(None) == ":"
    described: dict[str, Any] = method(threshold=10)
    assert described["threshold"] == 10 and described["protection_width"] == 10
    assert described["suppressed_range"] == "1 to 9"


def test_figures_published_earlier_are_never_hidden_again_and_a_hopeless_case_says_why() -> None:
    pub = Publication()
    pub.figure("a", label="a", where="T", shown="c")
    pub.figure("b", label="b", where="T", shown="10", value=10)
    pub.figure("t", label="total", where="T", shown="11", value=11)
    pub.add_sum("t", ["a", "b"], reason="the total {total} of ‘T’")
    with pytest.raises(InconsistentPublication, match="exactly 1 from the total 11"):
        suppress(pub, locked=["b", "t"])
    assert (pub.figures["b"].shown, pub.figures["t"].shown) == ("10", "11")
