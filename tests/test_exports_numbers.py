"""Spreadsheet exports: figures are numbers, not text, and the formula guard leaves them alone
while still neutralising anything a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from macehub.core.exports import csv_response, neutralise, number_cell, xlsx_response

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-1+2",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "+1+1",
    "-",
    "+",
    "%1",
    "|calc",
]


def _csv_rows(response: StreamingHttpResponse) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def _sheet(rows: list[list[Any]]) -> Any:
    response = xlsx_response("x.xlsx", [("Figures", [f"Col {i}" for i in range(len(rows[0]))], rows)])
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize("text", ["-2", "+0", "0", "24", "44.5", "-1.25", "+3.0", "12.5%", "-0.5%", "2026"])
def test_a_plain_number_is_not_taken_for_a_formula(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_is_still_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["c", "z", ":", "–", "Female", "", "1,234", "1e5", " 5", "5 ", "007x", "1.2.3"])
def test_other_text_stays_text(text: str) -> None:
    assert neutralise(text) == text
    assert number_cell(text) == (text, None)


def test_csv_writes_signed_figures_without_an_apostrophe() -> None:
    header = ["", "Now", "Before", "Change", "Share (%)", "Note"]
    rows: list[list[Any]] = [
        ["Discussed", "24", "26", "-2", "44.5", "-1+2"],
        ["Stepped down", "0", "0", "+0", "12.5%", "=1+1"],
        ["Closed", "c", "3", "–", "z", "@SUM(A1)"],
        ["Numbers given as numbers", 7, -2, 1.5, None, "+cmd|' /C calc'!A0"],
    ]
    parsed = _csv_rows(csv_response("x.csv", header, rows))
    assert parsed[0] == header
    assert parsed[1] == ["Discussed", "24", "26", "-2", "44.5", "'-1+2"]
    assert parsed[2] == ["Stepped down", "0", "0", "+0", "12.5%", "'=1+1"]
    assert parsed[3] == ["Closed", "c", "3", "–", "z", "'@SUM(A1)"]
    assert parsed[4] == ["Numbers given as numbers", "7", "-2", "1.5", "", "'+cmd|' /C calc'!A0"]
    assert not any(cell.startswith("'") and cell[1:2].isdigit() for row in parsed for cell in row)


def test_xlsx_writes_figures_as_numeric_cells() -> None:
    sheet = _sheet(
        [
            ["Discussed", "24", "-2", "+0", "44.5", "40.0", "1.25", "12.5%", "-0.5%"],
            ["Already numbers", 24, -2, 0, 44.5, 3.25, None, "c", "–"],
        ]
    )
    row = {c.column_letter: c for c in sheet[2]}
    assert row["A"].value == "Discussed" and row["A"].data_type == "s"
    expectations: list[tuple[str, float, Any]] = [
        ("B", 24, int),
        ("C", -2, int),
        ("D", 0, int),
        ("E", 44.5, float),
        ("F", 40.0, (int, float)),  # 40.0 is stored as 40; its format keeps showing "40.0"
        ("G", 1.25, float),
        ("H", 0.125, float),
        ("I", -0.005, float),
    ]
    for letter, expected, kind in expectations:
        cell = row[letter]
        assert cell.data_type == "n", letter
        assert isinstance(cell.value, kind) and cell.value == pytest.approx(expected), letter
    # Shown as the text was: decimal places kept, an explicit plus sign kept, percentages as %.
    assert row["B"].number_format == "General" and row["C"].number_format == "General"
    assert row["D"].number_format == "+0;-0;0"
    assert row["E"].number_format == "0.0" and row["F"].number_format == "0.0"
    assert row["G"].number_format == "0.00"
    assert row["H"].number_format == "0.0%" and row["I"].number_format == "0.0%"
    given = {c.column_letter: c for c in sheet[3]}
    assert [given[x].value for x in "BCDEF"] == [24, -2, 0, 44.5, 3.25]
    assert all(given[x].data_type == "n" for x in "BCDEF")
    assert given["H"].value == "c" and given["H"].data_type == "s"
    assert given["I"].value == "–" and given["I"].data_type == "s"


def test_xlsx_still_neutralises_formulas_and_never_writes_one() -> None:
    sheet = _sheet([[text] for text in FORMULAS])
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # (XML stores a carriage return as a line feed.)
    assert [c.value for c in cells] == ["'" + text.replace("\r", "\n") for text in FORMULAS]
    assert all(c.data_type == "s" for c in cells), "no cell is stored as a formula"


def test_xlsx_keeps_references_and_over_long_numbers_as_text() -> None:
    """Leading zeros (a reference, a phone number) or more digits than a float holds stay text."""
    sheet = _sheet([["007", "0123456789", "1234567890123456", "0.5", "0"]])
    row = list(sheet[2])
    assert [c.value for c in row[:3]] == ["007", "0123456789", "1234567890123456"]
    assert all(c.data_type == "s" for c in row[:3])
    assert row[3].value == 0.5 and row[3].data_type == "n"
    assert row[4].value == 0 and row[4].data_type == "n"
