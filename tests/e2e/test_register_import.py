"""A coordinator brings the panel's spreadsheet register in: the problems are shown row by row,
the spreadsheet is fixed and uploaded again, the import is confirmed, then undone."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from playwright.sync_api import expect

from macehub.subjects.models import Kind, RegisterImport, Subject
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, make_subject
from .conftest import assert_accessible, sign_in_as

HEADERS = ["Forename", "Surname", "DOB", "Sex", "Case number"]


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_register_imported_from_a_spreadsheet_with_problems_fixed_confirmed_and_undone(
    live_server: Any, live_world: World, new_page: Any, tmp_path: Path
) -> None:
    ensure_harm_types()
    base = live_server.url
    panel = live_world.panel_a
    make_subject(panel, Kind.CHILD, given_names="Jayden", family_name="Ashcombe", date_of_birth=date(2011, 5, 14))
    rows = [
        ["Amelia", "Farrowdale", "03/04/2012", "Female", "MOS-1"],
        ["Tyrese", "Okafor", "30/13/2011", "Male", "MOS-2"],  # no 13th month
        ["Jayden", "Ashcombe", "14/05/2011", "Male", "MOS-3"],  # already on the register
        ["Zofia", "Nowak", "17/12/2013", "Girl", "MOS-4"],  # not a choice for sex
    ]
    cora = new_page()
    sign_in_as(cora, base, "coordinator.a@test.invalid")
    cora.goto(f"{base}/register/{panel.pk}/")
    cora.get_by_role("link", name="Import", exact=True).click()
    expect(cora.get_by_role("heading", name="Import a register from a spreadsheet")).to_be_visible()
    assert_accessible(cora, "import-start")

    # 1. Uploading without choosing anything: errors next to the fields.
    cora.get_by_role("button", name="Upload and check").click()
    expect(cora.get_by_role("link", name="Choose which register is in the file")).to_be_visible()
    assert_accessible(cora, "import-start-errors")

    # 2. The first spreadsheet: two rows with problems, one likely duplicate; "Case number" matched by hand.
    cora.get_by_label("Children").check()
    cora.get_by_label("Spreadsheet").set_input_files(str(_workbook(tmp_path / "register.xlsx", rows)))
    cora.get_by_role("button", name="Upload and check").click()
    expect(cora.get_by_role("heading", name=re.compile("Check the import of register.xlsx"))).to_be_visible()
    cora.get_by_label("Column 5: “Case number”").select_option(label="Agency references")
    cora.get_by_role("button", name="Check again with these columns").click()
    problems = cora.locator("#problems")
    expect(problems.get_by_text("Row 3")).to_be_visible()
    expect(problems.get_by_text("Date of birth “30/13/2011” is not a date")).to_be_visible()
    expect(problems.get_by_text("Row 5")).to_be_visible()
    expect(problems.get_by_text(re.compile("Sex “Girl” is not one of the choices"))).to_be_visible()
    expect(
        cora.locator("#duplicates").get_by_text(re.compile("May already be on the register as C-0001"))
    ).to_be_visible()
    expect(cora.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert_accessible(cora, "import-preview-problems")
    cora.set_viewport_size({"width": 390, "height": 844})  # a phone: tables scroll, nothing is cut off
    assert_accessible(cora, "import-preview-problems-phone")
    assert cora.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    cora.set_viewport_size({"width": 1200, "height": 900})
    assert Subject.objects.filter(kind=Kind.CHILD).count() == 1, "nothing written before confirming"

    # 3. Fixed in the spreadsheet and uploaded again (matches are remembered only from imports that
    #    went ahead, so "Case number" is matched again); now every row is ready.
    rows[1][2] = "30/12/2011"
    rows[3][3] = "Female"
    cora.get_by_role("button", name="Upload a corrected spreadsheet").click()
    cora.get_by_label("Children").check()
    cora.get_by_label("Spreadsheet").set_input_files(str(_workbook(tmp_path / "register-fixed.xlsx", rows)))
    cora.get_by_role("button", name="Upload and check").click()
    cora.get_by_label("Column 5: “Case number”").select_option(label="Agency references")
    cora.get_by_role("button", name="Check again with these columns").click()
    expect(cora.get_by_text("rows with problems")).to_contain_text("0")
    cora.get_by_label("Leave out the rows that may already be on the register").check()
    assert_accessible(cora, "import-preview-ready")
    cora.get_by_role("button", name="Import 4 records").click()
    expect(cora.get_by_text("3 records added to the children register")).to_be_visible()
    assert_accessible(cora, "import-done")
    imported = RegisterImport.objects.get(status="imported")
    names = sorted(Subject.objects.filter(pk__in=imported.record_ids).values_list("family_name", flat=True))
    assert names == ["Farrowdale", "Nowak", "Okafor"]

    # 4. Undone as a whole: exactly those records go.
    cora.get_by_role("link", name="Undo this import").click()
    assert_accessible(cora, "import-undo")
    cora.get_by_role("button", name="Remove the imported records").click()
    expect(cora.get_by_text("The import was undone: 3 records removed")).to_be_visible()
    assert list(Subject.objects.filter(kind=Kind.CHILD).values_list("family_name", flat=True)) == ["Ashcombe"]
