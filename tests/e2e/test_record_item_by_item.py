"""Issue #16: "Record the meeting" item by item. The whole agenda stays in view beside the items
with each item's state; every item ends with links to the one before and after it; autosave
still saves and the agenda shows the item as recorded."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from macehub.meetings.models import AgendaItem
from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, register_for
from .conftest import assert_accessible, sign_in_as


def test_the_chair_moves_item_by_item_with_the_agenda_in_view(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    ensure_harm_types()
    m = meetings_for(live_world, register_for(live_world))
    base = live_server.url
    page = new_page()
    sign_in_as(page, base, "chair.a@test.invalid")
    page.goto(f"{base}/meetings/{m['planned'].pk}/record/")
    first, place = m["child_item"], m["location_item"]
    agenda = page.get_by_role("navigation", name="Agenda")
    expect(agenda.get_by_role("link", name=first.label)).to_be_visible()
    expect(agenda.get_by_role("link", name=place.label)).to_be_visible()
    expect(agenda.locator(f'[data-record-state="{first.pk}"]')).to_have_text("Not recorded yet")

    agenda.get_by_role("link", name=first.label).click()
    assert page.url.endswith(f"#item-{first.pk}")
    section = page.locator(f"#item-{first.pk}")
    section.get_by_label("Discussion summary").fill("School reports older males at the gates.")
    expect(section.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)
    expect(agenda.locator(f'[data-record-state="{first.pk}"]')).to_have_text("Recorded")
    # Far down the page the agenda is still on screen (it stays beside the items).
    page.locator(f"#item-{place.pk}").scroll_into_view_if_needed()
    expect(agenda).to_be_in_viewport()
    assert_accessible(page, "meetings-record-item-by-item")

    section.get_by_role("navigation", name=f"Items before and after {first.label}").get_by_role(
        "link", name="Next item"
    ).click()
    assert "#item-" in page.url and not page.url.endswith(f"#item-{first.pk}")
    assert AgendaItem.objects.get(pk=first.pk).discussion == "School reports older males at the gates."

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{base}/meetings/{m['planned'].pk}/record/")
    expect(agenda).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page, "meetings-record-item-by-item-phone")
