"""Dashboard exports give analysts figures they can sum and chart: numeric XLSX cells, and signed
changes without the formula guard's apostrophe — while suppressed figures stay ``c``."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from macehub.core.exports import is_number_text

from .factories import records_for

Q = "period=2025-q1"


def _dashboard(world: Any, suffix: str = "") -> str:
    return f"/oversight/partnerships/{world.partnership_a.pk}/{suffix}"


@pytest.mark.django_db
def test_the_all_tables_workbook_holds_numbers_not_text(world: Any, client_as: Any) -> None:
    from openpyxl import load_workbook

    records_for(world)
    response = client_as("analyst_a").get(_dashboard(world, "tables/all/export.xlsx") + "?" + Q)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = book["01 Children on the register"]
    header = [c.value for c in summary[1]]
    assert header[1] == "Children" and header[-1] == "Change"
    discussed = summary[2]
    assert discussed[0].value == "Discussed at a meeting held in the period"
    assert discussed[1].data_type == "n" and isinstance(discussed[1].value, int) and discussed[1].value > 0
    change = [row[-1] for row in summary.iter_rows(min_row=2)]
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in change)
    assert all(c.number_format == "+0;-0;0" for c in change)  # still shown as +5, +0
    now, before = discussed[1].value, discussed[2].value
    assert isinstance(now, int) and isinstance(before, int) and change[0].value == now - before

    cells = [c for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2) for c in row]
    strings = [c.value for c in cells if isinstance(c.value, str)]
    assert not [s for s in strings if is_number_text(s)], "a figure was exported as text"
    assert not [s for s in strings if s.startswith("'") and is_number_text(s[1:])], "a figure got the guard"
    numbers = [c for c in cells if c.data_type == "n" and c.value is not None]
    assert numbers and all(isinstance(c.value, (int, float)) for c in numbers)
    assert any(isinstance(c.value, float) for c in numbers), "percentages and rates are numbers too"


@pytest.mark.django_db
def test_the_csv_change_column_has_no_stray_apostrophes(world: Any, client_as: Any) -> None:
    records_for(world)
    client = client_as("analyst_a")
    response = client.get(_dashboard(world, "tables/children_summary/export.csv") + "?" + Q)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][-1] == "Change"
    changes = [row[-1] for row in rows[1:]]
    assert changes and all(is_number_text(c) and c[0] in "+-" for c in changes)
    assert "+0" in changes
    assert not any(cell.startswith("'") for row in rows for cell in row)

    published = client.get(_dashboard(world, "tables/children_summary/export.csv") + "?" + Q + "&view=published")
    body = b"".join(published.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert "c" in [cell for row in rows for cell in row], "suppressed figures stay c"
    assert not any(cell.startswith("'") for row in rows for cell in row)
