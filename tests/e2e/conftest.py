"""Browser tests: Debian's Chromium driven by Playwright (no browser is ever downloaded)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.factories.personas import PASSWORD, World, build_world, sign_in, totp_code, totp_secret_for

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SIGN_IN = re.compile(r"^sign in$", re.IGNORECASE)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-system-packages")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Any]:
    """``new_page()`` → a page in a fresh browser context (its own cookies)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def live_world(transactional_db: Any) -> World:
    return build_world()


def sign_in_through_pages(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/account/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name=SIGN_IN).click()
    if "/account/2fa/authenticate/" in page.url:
        secret = totp_secret_for(email)
        for offset in (0, 1, -1):
            page.get_by_label("Code").fill(totp_code(secret, offset))
            page.locator("main").get_by_role("button", name=SIGN_IN).click()
            if "/account/2fa/authenticate/" not in page.url:
                break


def sign_in_as(page: Page, base_url: str, email: str) -> None:
    """For browser tests that are not about signing in: the session ``sign_in`` makes (the one
    the sign-in pages leave; see tests/test_sign_in_shortcut.py) handed to the browser as its
    session cookie, then the page signing in leads to (home). Tests of signing in, MFA,
    passkeys, single sign-on or session expiry use ``sign_in_through_pages``."""
    from django.conf import settings
    from django.test import Client

    from macehub.accounts.models import User

    client = sign_in(Client(), User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )
    page.goto(f"{base_url}/")


def keep_screenshot(page: Page, path: Path) -> None:
    """Keep a picture of the page for people to look at; never fail a test over it.

    Chromium sometimes refuses a full-page capture on a busy machine ("Unable to capture
    screenshot"); the picture is a keepsake, not the thing under test, so fall back to the
    visible part and then to nothing.
    """
    for full_page in (True, False):
        try:
            page.screenshot(path=str(path), full_page=full_page)
            return
        except PlaywrightError:
            continue


def assert_accessible(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA violations on the page (and a screenshot is kept)."""
    # A click that submits a form returns once the next page starts loading; check the whole page.
    page.wait_for_load_state("load")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    keep_screenshot(page, SCREENSHOTS / f"{name}.png")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert not violations, f"axe-core violations on {name}: {json.dumps(violations, indent=1)}"
