"""The agreed dataset: every figure checked against records counted by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from macehub.oversight.measures import LONDON_EXTRACT, SPECS, compute_tables
from macehub.oversight.periods import Period, fiscal_quarter, month_of, parse_period, quarter_of
from macehub.oversight.protection import show_cell
from macehub.oversight.selectors import scope_for

from .factories import QUARTER, records_for


def _figures(world: Any, period: Period = QUARTER) -> dict[str, dict[tuple[str, str], str]]:
    tables = compute_tables(scope_for(world.partnership_a), period, SPECS)
    return {
        key: {(r.key, c.key): show_cell(t.cell(r.key, c.key)) for r in t.rows for c in t.columns}
        for key, t in tables.items()
    }


def test_periods_are_financial_quarters_months_or_dates() -> None:
    assert fiscal_quarter(date(2025, 4, 1)) == (2025, 1)
    assert fiscal_quarter(date(2026, 3, 31)) == (2025, 4)
    q = quarter_of(date(2025, 11, 3))
    assert (q.start, q.end, q.label, q.key) == (date(2025, 10, 1), date(2025, 12, 31), "2025-26 Q3", "2025-q3")
    assert q.previous() == quarter_of(date(2025, 9, 1))
    assert quarter_of(date(2026, 2, 1)).previous().previous() == q.previous()
    assert parse_period("2025-q4") == quarter_of(date(2026, 1, 15))
    assert parse_period("2025-02") == month_of(date(2025, 2, 10))
    custom = parse_period("20250101-20250131")
    assert custom is not None and custom.days == 31 and custom.previous().end == date(2024, 12, 31)
    assert parse_period("nonsense") is None and parse_period("20250201-20250101") is None


@pytest.mark.django_db
def test_children_figures(world: Any) -> None:
    records_for(world)
    f = _figures(world)
    summary = {
        row: f["children_summary"][(row, "children")]
        for row in ("discussed", "new", "open_end", "stepped_down", "closed")
    }
    assert summary == {"discussed": "6", "new": "5", "open_end": "5", "stepped_down": "0", "closed": "1"}
    assert f["children_sex"][("female", "children")] == "2"
    assert f["children_sex"][("male", "children")] == "4"
    ethnic = {
        g: f["children_ethnicity"][(g, "children")]
        for g in ("asian", "black", "mixed", "white", "other", "not_recorded")
    }
    assert ethnic == {"asian": "1", "black": "3", "mixed": "1", "white": "1", "other": "0", "not_recorded": "0"}
    assert f["children_harm"][("cce", "children")] == "3"
    assert f["children_harm"][("cse", "children")] == "3"
    assert f["children_age"][("16_17", "children")] == "5"
    assert f["children_age"][("14_15", "children")] == "1"
    assert f["children_send"][("ehc_plan", "children")] == "1"
    assert f["children_looked_after"][("yes", "children")] == "1"
    assert f["risk_trajectory"][("fell", "children")] == "1"
    assert f["risk_trajectory"][("rose", "children")] == "1"
    assert f["risk_trajectory"][("held", "children")] == "0"
    assert f["risk_trajectory"][("fell", "share")] == "50.0"


@pytest.mark.django_db
def test_referrals_casework_and_partner_figures(world: Any) -> None:
    records_for(world)
    f = _figures(world)
    assert f["referrals"][("front_door", "accepted")] == "1"
    assert f["referrals"][("front_door", "signposted")] == "1"
    assert f["referrals"][("police", "waiting")] == "1"
    assert f["referral_to_panel"][("within_14", "referrals")] == "1"
    missing = {
        row: f["missing"][(row, "number")]
        for row in ("episodes", "children", "returned", "offered", "completed", "within_72", "within_72_pct")
    }
    assert missing == {
        "episodes": "2",
        "children": "1",
        "returned": "2",
        "offered": "2",
        "completed": "2",
        "within_72": "1",
        "within_72_pct": "50.0",
    }
    assert f["nrm"][("referred", "number")] == "1"
    assert f["nrm"][("rg_on_time_pct", "number")] == "100.0"
    assert f["disruptions"][("location", "activities")] == "1"
    actions = {
        row: f["actions"][(row, "number")]
        for row in ("agreed", "completed", "completed_on_time", "overdue_end", "carried")
    }
    assert actions == {"agreed": "2", "completed": "1", "completed_on_time": "1", "overdue_end": "1", "carried": "1"}
    assert f["carried_reasons"][("agency_did_not_act", "decisions")] == "1"
    police, csc = str(world.agencies["police_a"].pk), str(world.agencies["csc_a"].pk)
    assert f["attendance"][(police, "present_pct")] == "100.0"
    assert f["attendance"][(csc, "present_pct")] == "50.0"
    assert f["attendance"][(police, "received_pct")] == "100.0"
    assert f["attendance"][(csc, "received")] == "0"
    assert f["actions_by_agency"][(csc, "did_not_act")] == "1"
    assert f["meetings"][("held", "number")] == "2"
    assert f["feedback"][("clear_actions", "partly")] == "1"


@pytest.mark.django_db
def test_disproportionality_uses_the_shipped_population(world: Any) -> None:
    records_for(world)
    f = _figures(world)
    # Partnership A covers Lambeth: the illustrative population of Lambeth's 10–17-year-olds.
    assert f["disproportionality"][("black", "population")] == "9100"
    assert f["disproportionality"][("black", "children")] == "3"
    # Rate per 10,000 and the ratio to all children with a recorded ethnicity.
    assert f["disproportionality"][("black", "rate")] == "3.3"
    assert float(f["disproportionality"][("black", "ratio")]) > 1


@pytest.mark.django_db
def test_another_partnership_and_other_periods_are_not_counted(world: Any) -> None:
    records_for(world)
    later = _figures(world, QUARTER.previous().previous())
    assert later["children_summary"][("discussed", "children")] == "0"
    b = compute_tables(scope_for(world.partnership_b), QUARTER, ["children_summary"])["children_summary"]
    assert b.cell("discussed", "children").count == 1


@pytest.mark.django_db
def test_the_month_by_month_trend(world: Any) -> None:
    records_for(world)
    trend = compute_tables(scope_for(world.partnership_a), QUARTER, ["children_trend"])["children_trend"]
    assert [r.key for r in trend.rows][-3:] == ["2025-04", "2025-05", "2025-06"]
    assert trend.cell("2025-04", "children").count == 3
    assert trend.cell("2025-05", "children").count == 3
    assert trend.cell("2025-04", "referrals").count == 3
    assert trend.cell("2025-05", "missing").count == 1


def test_every_table_is_defined_in_words_and_the_extract_is_fixed() -> None:
    for spec in SPECS.values():
        assert len(spec.definition) > 40, spec.key
    assert set(LONDON_EXTRACT) <= set(SPECS)
    # Actions are agencies' tasks, published by agency too: the rest of the extract is about people.
    assert all(SPECS[k].individuals for k in LONDON_EXTRACT if k not in ("actions", "carried_reasons"))
