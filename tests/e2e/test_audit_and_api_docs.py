"""The DPO finds a reveal by the child's reference; the API's documentation is one click from
the token page and served by MACE Hub itself."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from macehub.subjects.models import Kind, Subject
from macehub.subjects.services.records import record_revealed
from tests.factories.personas import World

from .conftest import assert_accessible, sign_in_as


def test_the_dpo_finds_a_reveal_by_reference(live_server: Any, live_world: World, new_page: Any) -> None:
    child = Subject.objects.create(
        panel=live_world.panel_a, kind=Kind.CHILD, number=37, given_names="Jay", family_name="Test", age_band="14_15"
    )
    Subject.objects.create(
        panel=live_world.panel_a, kind=Kind.CHILD, number=38, given_names="Kay", family_name="Test", age_band="14_15"
    )
    record_revealed(actor=live_world.user("member_a"), subject=child, purpose="Preparing for the panel meeting")
    page = new_page()
    sign_in_as(page, live_server.url, "admin.a@test.invalid")
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("Reference").fill("c-0037")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows.filter(has_text="Identity revealed")).to_have_count(1)
    expect(rows.filter(has_text="Identity revealed")).to_contain_text("Child C-0037")
    expect(rows.filter(has_text="Identity revealed")).to_contain_text("Preparing for the panel meeting")
    expect(page.locator("tbody")).not_to_contain_text("C-0038")
    assert_accessible(page, "audit-by-reference")
    # Something that is not a reference is explained next to the field, and kept.
    page.get_by_label("Reference").fill("Jay Test")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#id_reference-error")).to_contain_text("Enter a reference like C-0037")
    expect(page.get_by_label("Reference")).to_have_value("Jay Test")
    assert_accessible(page, "audit-by-reference-error")


def test_the_api_documentation_is_linked_from_the_token_page(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    page = new_page()
    sign_in_as(page, live_server.url, "admin.a@test.invalid")
    page.goto(f"{live_server.url}/oversight/tokens/")
    page.get_by_role("link", name="API documentation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MACE Hub oversight API")
    expect(page.locator("#release-detail")).to_contain_text("GET /api/releases/{release_id}")
    expect(page.get_by_role("cell", name="429", exact=True).first).to_be_visible()
    assert_accessible(page, "api-docs")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()  # as a phone would load it: wide tables become scrollable, focusable regions
    assert_accessible(page, "api-docs-phone")
