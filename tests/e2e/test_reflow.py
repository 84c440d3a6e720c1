"""WCAG 1.4.10 (reflow): on a 320-pixel-wide screen the page never scrolls sideways; a wide
table scrolls inside its own box instead (macehub/core/static/macehub/js/app.js)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.factories.personas import World

from .conftest import sign_in_as

WIDTH = 320  # WCAG 1.4.10: content must reflow at 320 CSS pixels


def page_width(browser: Browser, base: str, email: str, path: str, *, javascript: bool) -> int:
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        sign_in_as(page, base, email)
        page.goto(f"{base}{path}")
        return int(page.evaluate("document.documentElement.scrollWidth"))
    finally:
        context.close()


@pytest.mark.parametrize(
    ("email", "path"),
    [("admin.a@test.invalid", "/people/"), ("sysadmin@test.invalid", "/panels/")],
)
def test_wide_tables_scroll_in_their_own_box_on_a_phone(
    live_server: Any, live_world: World, browser: Browser, email: str, path: str
) -> None:
    without_script = page_width(browser, live_server.url, email, path, javascript=False)
    assert without_script > WIDTH, "the page has a table wider than the screen (else this proves nothing)"
    assert page_width(browser, live_server.url, email, path, javascript=True) <= WIDTH


def test_the_agency_table_on_the_quality_page_fits_a_desktop_screen_or_says_it_scrolls(
    live_server: Any, live_world: World, browser: Browser
) -> None:
    """Issue #16: at desktop width the agency table lost its last columns without a sign."""
    from tests.factories.meetings import meetings_for

    from ..subjects.factories import register_for

    meetings_for(live_world, register_for(live_world))
    for width in (1280, 1024, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            sign_in_as(page, live_server.url, "chair.a@test.invalid")
            page.goto(f"{live_server.url}/panels/{live_world.panel_a.pk}/meetings/quality/")
            table = page.get_by_test_id("agency-records")
            box = table.locator("xpath=..")
            fits = box.evaluate("b => b.scrollWidth <= b.clientWidth")
            if width >= 1024:
                assert fits, f"the agency table loses columns at {width} px"
            else:
                assert not fits
                assert box.get_attribute("role") == "region"
                assert (box.get_attribute("aria-label") or "").startswith("Agencies: attendance and actions")
                assert box.get_attribute("tabindex") == "0"
                assert page.get_by_text("scroll it sideways to see every column").is_visible()
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        finally:
            context.close()
