"""WCAG 1.4.10 (reflow): on a 320-pixel-wide screen the page never scrolls sideways; a wide
table scrolls inside its own box instead (macehub/core/static/macehub/js/app.js)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from macehub.core.testing import World

from .conftest import sign_in_through_pages

WIDTH = 320  # WCAG 1.4.10: content must reflow at 320 CSS pixels


def page_width(browser: Browser, base: str, email: str, path: str, *, javascript: bool) -> int:
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        sign_in_through_pages(page, base, email)
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
