"""The sign-up form's agency list follows the partnership chosen (script), and works without it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.factories.personas import World

from .conftest import assert_accessible


def test_choosing_a_partnership_filters_the_agencies(live_server: Any, live_world: World, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{live_server.url}/account/signup/")
    agency = page.get_by_label("Agency you work for")
    # Before a partnership is chosen: every agency, grouped by partnership.
    expect(agency.locator("optgroup")).to_have_count(2)
    page.get_by_label("Safeguarding partnership").select_option(label=str(live_world.partnership_b))
    names = agency.locator("option").all_inner_texts()
    assert names == ["Choose an agency", "Bravo Children's social care", "Bravo Police"] or (
        names[0] == "Choose an agency" and all(n.startswith("Bravo") for n in names[1:]) and len(names) == 3
    ), names
    expect(page.get_by_text("2 agencies work in")).to_be_visible()
    assert_accessible(page, "sign-up-agencies-filtered")
    # Clearing the partnership brings the whole list back.
    page.get_by_label("Safeguarding partnership").select_option(value="")
    expect(agency.locator("optgroup")).to_have_count(2)


def test_without_the_script_the_server_refuses_an_agency_from_elsewhere(
    live_server: Any, live_world: World, browser: Any
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/account/signup/")
        page.get_by_label("Full name").fill("Priya New")
        page.get_by_label("Safeguarding partnership").select_option(label=str(live_world.partnership_a))
        page.get_by_label("Agency you work for").select_option(label="Bravo Police")
        page.get_by_role("button", name="Send my request").click()
        expect(page.locator("#id_agency-error")).to_contain_text(
            "Choose an agency that works in the partnership you selected."
        )
        expect(page.get_by_label("Full name")).to_have_value("Priya New")
    finally:
        context.close()
