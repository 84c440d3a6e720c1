"""Disclosure control of the agreed dataset, checked by the tests' own intruder (``tests/intruder.py``:
highspy, reading only published strings): linked tables of one partnership (the same total in five
tables, nested counts, shares), London datasets over many partnerships, and what the analyst sees."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macehub.oversight import measures
from macehub.oversight.measures import SPECS, Table
from macehub.oversight.periods import quarter_of
from macehub.oversight.protection import assemble, audit_london, preview, publish

from ..intruder import Intruder, read_london, read_release

PERIOD = quarter_of(date(2025, 5, 1))
EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 12
KEYS = ["children_summary", "children_harm", "children_age", "children_sex", "children_ethnicity",
        "risk_trajectory", "missing", "nrm", "referrals", "disruptions", "disruption_tactics"]  # fmt: skip

child = st.tuples(
    st.integers(0, 7),  # age band
    st.integers(0, 2),  # sex
    st.integers(0, 5),  # ethnic group
    st.sets(st.integers(0, 9), max_size=3),  # harm types
    st.booleans(),  # discussed for the first time
    st.sampled_from([None, None, "fell", "held", "rose"]),  # risk trajectory
)
small = st.one_of(st.integers(0, 4), st.integers(0, 30))


@st.composite
def partnership_tables(draw: Any) -> dict[str, Table]:
    """One partnership's tables for a quarter, consistent with one another as real ones are."""
    children = draw(st.lists(child, max_size=draw(st.sampled_from([3, 8, 30]))))
    tables = {key: Table(SPECS[key], PERIOD, *_lines(key)) for key in KEYS}

    def fill(key: str, col: str, counts: dict[str, int]) -> None:
        for row in tables[key].rows:
            tables[key].set(row.key, col, counts.get(row.key, 0))

    def by(key: str, index: int) -> dict[str, int]:
        rows = [r.key for r in tables[key].rows]
        return {r: sum(1 for c in children if c[index] == i) for i, r in enumerate(rows)}

    fill("children_age", "children", by("children_age", 0))
    fill("children_sex", "children", by("children_sex", 1))
    fill("children_ethnicity", "children", by("children_ethnicity", 2))
    harm = [r.key for r in tables["children_harm"].rows]
    fill("children_harm", "children", {h: sum(1 for c in children if i in c[3]) for i, h in enumerate(harm)})
    fill("children_summary", "children", {
        "discussed": len(children), "new": sum(1 for c in children if c[4]),
        "open_end": draw(small), "stepped_down": draw(small), "closed": draw(small),
    })  # fmt: skip
    risk = {r: sum(1 for c in children if c[5] == r) for r in ("fell", "held", "rose")}
    for r, n in risk.items():
        tables["risk_trajectory"].set(r, "children", n)
        tables["risk_trajectory"].set(r, "share", n, base=sum(risk.values()))
    episodes = draw(small)
    returned = draw(small)
    offered, completed = draw(st.integers(0, returned)), draw(st.integers(0, returned))
    within = draw(st.integers(0, completed))
    missing = {"episodes": episodes, "children": draw(st.integers(0, episodes)), "returned": returned,
               "offered": offered, "completed": completed, "within_72": within}  # fmt: skip
    for row, n in missing.items():
        tables["missing"].set(row, "number", n)
    tables["missing"].set("offered_pct", "number", offered, base=returned)
    tables["missing"].set("within_72_pct", "number", within, base=returned)
    made = draw(small)
    nrm = {"referred": draw(small), "rg_made": made, "rg_on_time": draw(st.integers(0, made)),
           "rg_positive": draw(st.integers(0, made)), "rg_overdue_end": draw(small), "cg_made": (cg := draw(small)),
           "cg_positive": draw(st.integers(0, cg))}  # fmt: skip
    for row, n in nrm.items():
        tables["nrm"].set(row, "number", n)
    tables["nrm"].set("rg_on_time_pct", "number", nrm["rg_on_time"], base=made)
    for line in tables["referrals"].rows:
        for column in tables["referrals"].columns:
            tables["referrals"].set(line.key, column.key, draw(st.integers(0, 6)))
    activities = draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 14)), max_size=12))
    fill("disruptions", "activities", {r.key: sum(1 for a in activities if a[0] == i)
                                       for i, r in enumerate(tables["disruptions"].rows)})  # fmt: skip
    fill("disruption_tactics", "activities", {r.key: sum(1 for a in activities if a[1] == i)
                                              for i, r in enumerate(tables["disruption_tactics"].rows)})  # fmt: skip
    return tables


def _lines(key: str) -> tuple[list[Any], list[Any]]:
    column = {
        "children_summary": [measures.Line("children", "Children")],
        "risk_trajectory": measures.RISK_COLUMNS,
        "missing": [measures.Line("number", "Number")],
        "nrm": [measures.Line("number", "Number")],
        "referrals": measures.DECISION_COLUMNS,
        "disruptions": [measures.Line("activities", "Disruption activities")],
        "disruption_tactics": [measures.Line("activities", "Disruption activities")],
        "contexts_open": [measures.Line("records", "Records")],
    }.get(key, [measures.Line("children", "Children discussed")])
    rows = {
        "children_summary": measures.CHILDREN_ROWS,
        "children_harm": measures._harm_lines(),
        "children_age": measures.AGE_LINES,
        "children_sex": measures.SEX_LINES,
        "children_ethnicity": measures.ETHNIC_GROUP_LINES,
        "risk_trajectory": measures.RISK_LINES,
        "missing": measures.MISSING_LINES,
        "nrm": measures.NRM_LINES,
        "referrals": measures.ROUTE_LINES,
        "disruptions": measures.CATEGORY_LINES,
        "disruption_tactics": measures.TACTIC_LINES,
        "contexts_open": measures.CONTEXT_LINES,
    }[key]
    return list(rows), list(column)


def _never_small(published: dict[str, dict[str, Any]], threshold: int = 5) -> None:
    for table in published.values():
        strings = [v for row in table["cells"] for v in row]
        strings += list(table.get("column_totals") or []) + list(table.get("row_totals") or [])
        for text in strings:
            if str(text).isdigit():
                assert int(text) == 0 or int(text) >= threshold, (table["title"], text)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(partnership_tables())
def test_no_figure_of_a_partnerships_linked_tables_can_be_worked_out(tables: dict[str, Table]) -> None:
    published = publish(tables).tables
    _never_small(published)
    intruder = Intruder()
    read_release(intruder, published, "p")
    assert intruder.disclosures(width=5, threshold=5) == {}


@settings(max_examples=max(2, EXAMPLES // 3), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(st.lists(partnership_tables(), min_size=2, max_size=4))
def test_no_figure_can_be_worked_out_from_a_london_dataset_and_its_releases(partnerships: list[Any]) -> None:
    releases = [publish(t).tables for t in partnerships]
    names = [f"P{i}" for i in range(len(releases))]
    london = {}
    for key in ("children_summary", "children_age", "children_sex", "referrals", "missing"):
        assembled = assemble(key, list(zip(names, releases, strict=True)))
        assert assembled is not None
        london[key] = assembled.as_dict()
        for j, (_, _, kind) in enumerate(london[key]["series"]):
            column = [row[j] for row in london[key]["cells"]]
            if kind == "count" and "c" in column:
                assert london[key]["london"][j] == "c", "a London total needs every figure in it"
    intruder = Intruder()
    for name, release in zip(names, releases, strict=True):
        read_release(intruder, release, name)
    read_london(intruder, london, names)
    assert intruder.disclosures(width=5, threshold=5) == {}
    # The production joint audit agrees.
    result = audit_london([(n, "", r) for n, r in zip(names, releases, strict=True)], [("L", london, names)],
                          threshold=5)  # fmt: skip
    assert result.passed


def _one(key: str, values: dict[str, int]) -> dict[str, Table]:
    rows, cols = _lines(key)
    table = Table(SPECS[key], PERIOD, rows, cols)
    for row, n in values.items():
        table.set(row, cols[0].key, n)
    return {key: table}


def test_nested_counts_protect_the_difference() -> None:
    """Returns 13 and interviews offered 9 would say that 4 returns had no interview offered."""
    tables = _one("missing", {"episodes": 20, "children": 12, "returned": 13, "offered": 9, "completed": 9,
                              "within_72": 6})  # fmt: skip
    tables["missing"].set("offered_pct", "number", 9, base=13)
    tables["missing"].set("within_72_pct", "number", 6, base=13)
    published = publish(tables).tables["missing"]
    shown = dict(zip([r[0] for r in published["rows"]], [c[0] for c in published["cells"]], strict=True))
    assert "c" in (shown["returned"], shown["offered"]), shown
    assert shown["offered_pct"] == "c" or (shown["offered"] != "c" and shown["returned"] != "c")
    intruder = Intruder()
    read_release(intruder, {"missing": published}, "p")
    assert intruder.disclosures(width=5, threshold=5) == {}
    # What the old method published: the intruder finds the 4.
    naive = Intruder()
    old = {**published, "cells": [["20"], ["12"], ["13"], ["9"], ["69.2"], ["9"], ["6"], ["46.2"]]}
    read_release(naive, {"missing": old}, "p")
    assert naive.disclosures(width=5, threshold=5)["p/missing/offered/rest"] == (4, 4)


def test_a_share_is_published_only_where_it_reveals_nothing_new() -> None:
    """'Black 7 (29.2%)' would fix the base and so the hidden rest of the table."""
    values = {"fell": 7, "held": 15, "rose": 2}
    tables = _one("risk_trajectory", values)
    for row, n in values.items():
        tables["risk_trajectory"].set(row, "share", n, base=24)
    published = publish(tables).tables["risk_trajectory"]
    assert [row[1] for row in published["cells"]] == ["c", "c", "c"], "a hidden count hides every share of the base"
    tables = _one("risk_trajectory", {"fell": 7, "held": 15, "rose": 12})
    for row, n in {"fell": 7, "held": 15, "rose": 12}.items():
        tables["risk_trajectory"].set(row, "share", n, base=34)
    published = publish(tables).tables["risk_trajectory"]
    assert [row[1] for row in published["cells"]] == ["20.6", "44.1", "35.3"]


def test_the_same_total_in_five_tables_is_one_figure() -> None:
    """Discussed 26 in the summary; an age table hiding 1, 1 must not be undone from the summary."""
    tables = _one("children_summary", {"discussed": 26, "new": 10, "open_end": 30, "stepped_down": 5, "closed": 6})
    tables |= _one("children_age", {"under_10": 0, "10_13": 10, "14_15": 8, "16_17": 6, "18_20": 1, "21_24": 1})
    tables |= _one("children_sex", {"female": 12, "male": 14})
    published = publish(tables).tables
    intruder = Intruder()
    read_release(intruder, published, "p")
    assert intruder.disclosures(width=5, threshold=5) == {}
    age = [row[0] for row in published["children_age"]["cells"]]
    assert age[0] == "0" and age[4:6] == ["c", "c"]


def test_the_preview_says_which_figures_will_be_hidden_and_why() -> None:
    tables = _one("children_age", {"under_10": 2, "10_13": 30, "14_15": 40, "16_17": 0})
    shown = preview(tables["children_age"], publish(tables))
    reasons = {(label, c.raw, c.shown, c.reason) for label, row in shown.labelled for c in row}
    assert ("Under 10", "2", "c", "small") in reasons
    assert ("16 to 17", "0", "0", "") in reasons
    # 2 alone would be the total minus the rest: a second figure is hidden to protect it.
    assert any(reason == "protects" for *_, reason in reasons)
    assert shown.hidden >= 2


def test_figures_that_break_a_stated_relation_are_published_without_it() -> None:
    """Real records can break a relation the definitions suggest (here more cases than open locations
    and groups): the relation is not stated, and publishing does not fail."""
    tables = _one("contexts_open", {"group": 2, "location": 1, "person": 9, "cases": 6})
    published = publish(tables).tables["contexts_open"]
    assert [row[0] for row in published["cells"]] == ["c", "c", "9", "6"]
