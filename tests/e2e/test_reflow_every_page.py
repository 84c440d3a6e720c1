"""WCAG 1.4.10 (reflow) on every page type: each URL in the permission matrix, opened at 320
CSS pixels by the first persona who may see it, must not scroll sideways as a page. Wide
tables scroll inside their own labelled box instead (app.js); long strings wrap."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.factories.personas import World

from ..permission_matrix.outcomes import OK
from ..permission_matrix.probe import all_cases
from .conftest import SCREENSHOTS, keep_screenshot, sign_in_as

WIDTH = 320
CASES, MODULE_OF = all_cases()
MODULES = sorted(set(MODULE_OF.values()))
# The personas tried first: between them they can open nearly every page.
PREFERRED = ("chair_a", "coordinator_a", "borough_admin_a", "system_admin", "member_a")

OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(el => !el.closest('.macehub-table-scroll, .macehub-oversight-scroll'))
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''));
  return {width: root.scrollWidth, wide};
}"""


def persona_for(expect: dict[str, str]) -> str | None:
    allowed = [p for p, outcome in expect.items() if outcome == OK]
    for persona in PREFERRED:
        if persona in allowed:
            return persona
    return allowed[0] if allowed else None


# Layout and colour come from the templates and styles, not the database: .ci/run checks them
# on SQLite only.
@pytest.mark.layout
@pytest.mark.parametrize("module", MODULES)
def test_no_page_scrolls_sideways_at_320_pixels(
    live_server: Any, live_world: World, browser: Browser, module: str
) -> None:
    base = live_server.url
    by_persona: dict[str, list[tuple[str, str]]] = {}
    for name, case in CASES.items():
        if MODULE_OF[name] != module:
            continue
        persona = persona_for(case.expect)
        if persona is not None:
            by_persona.setdefault(persona, []).append((name, case.path(live_world)))
    wide = []
    opened = 0
    for persona, pages in by_persona.items():
        context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="en-GB")
        try:
            page = context.new_page()
            if persona not in {"anonymous", "password_only"}:
                sign_in_as(page, base, live_world.user(persona).email)
            for name, path in pages:
                head = context.request.get(f"{base}{path}", max_redirects=0)
                if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
                    continue  # a download, a feed or JSON: not a page
                page.goto(f"{base}{path}")
                page.wait_for_load_state("load")
                opened += 1
                result = page.evaluate(OVERFLOW)
                if result:
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    keep_screenshot(page, SCREENSHOTS / f"reflow-{name.replace(':', '-')}.png")
                    wide.append(f"{path} ({name}, as {persona}): {result['width']} px wide; {result['wide']}")
        finally:
            context.close()
    assert opened or not by_persona, f"no page of {module} was opened"
    assert not wide, "Pages wider than 320 px:\n" + "\n".join(wide)
