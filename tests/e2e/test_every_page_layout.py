"""Every page type, walked once in a browser at two widths, for what axe-core cannot judge alone.

* **Colour contrast axe could not decide** ("incomplete": text over a partly transparent layer,
  a pseudo-element or an overlapping sticky bar), decided independently: the text colour is
  composited over the backgrounds of the element and its ancestors and the WCAG contrast ratio
  is computed here, not by axe. Each must reach 4.5:1 (3:1 for large text), at desktop width
  (1200 CSS px) and phone width (320 CSS px). The places and ratios are written to
  test-results/contrast-by-hand-<app>.json and summarised in docs/accessibility.md.
* **Reflow (WCAG 1.4.10)** at 320 CSS px: no page scrolls sideways as a whole. Wide tables
  scroll inside their own labelled box instead (app.js); long strings wrap.

Each URL in the permission matrix is opened by the first persona who may see it. One walk does
both checks, so each page is loaded once per width.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, Page

from tests.factories.personas import World

from ..permission_matrix.outcomes import OK
from ..permission_matrix.probe import all_cases
from .conftest import AXE, SCREENSHOTS, keep_screenshot, sign_in_as

CASES, MODULE_OF = all_cases()
MODULES = sorted(set(MODULE_OF.values()))
REPORT = Path(__file__).resolve().parents[2] / "test-results"
DESKTOP, PHONE = 1200, 320
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


def open_as_page(page: Page, url: str) -> bool:
    """Open ``url``; True when it is an HTML page answered directly (not a download, a feed,
    JSON, a redirect or a refusal), which is what the checks are about."""
    try:
        response = page.goto(url)
    except Error as error:
        if "Download is starting" in str(error):
            return False
        raise
    if response is None or response.status != 200 or response.request.redirected_from is not None:
        return False
    return "text/html" in response.headers.get("content-type", "")


MEASURE = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}});
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const out = [];
  for (const item of result.incomplete) {
    for (const node of item.nodes) {
      const el = document.querySelector(node.target[0]);
      if (!el) continue;
      const layers = [];
      let image = false;
      for (let e = el; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.backgroundImage !== 'none') image = true;
        const bg = parse(style.backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let bg = [255, 255, 255, 1];
      for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
      const style = getComputedStyle(el);
      const fg = over(parse(style.color), bg);
      const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const size = parseFloat(style.fontSize);
      const bold = parseInt(style.fontWeight, 10) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      out.push({
        target: node.target.join(' '),
        text: (el.textContent || '').trim().slice(0, 60),
        why: (node.any[0] || {}).message || '',
        colour: style.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + ')',
        image, ratio: Math.round((l1 + 0.05) / (l2 + 0.05) * 100) / 100, needed: large ? 3 : 4.5,
      });
    }
  }
  return out;
}"""


# Layout and colour come from the templates and styles, not the database: .ci/run checks them
# on SQLite only.
@pytest.mark.layout
@pytest.mark.parametrize("module", MODULES)
def test_every_page_reflows_and_its_undecided_contrast_passes(
    live_server: Any, live_world: World, browser: Browser, module: str
) -> None:
    base = live_server.url
    by_persona: dict[str, list[tuple[str, str]]] = {}
    for name, case in CASES.items():
        if MODULE_OF[name] == module and (persona := persona_for(case.expect)):
            by_persona.setdefault(persona, []).append((name, case.path(live_world)))
    places: list[dict[str, Any]] = []
    wide: list[str] = []
    opened = {DESKTOP: 0, PHONE: 0}
    for (persona, pages), width in [(entry, w) for entry in by_persona.items() for w in (DESKTOP, PHONE)]:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        try:
            page = context.new_page()
            if persona not in {"anonymous", "password_only"}:
                sign_in_as(page, base, live_world.user(persona).email)
            for name, path in pages:
                if not open_as_page(page, f"{base}{path}"):
                    continue
                opened[width] += 1
                if width == PHONE and (result := page.evaluate(OVERFLOW)):
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    keep_screenshot(page, SCREENSHOTS / f"reflow-{name.replace(':', '-')}.png")
                    wide.append(f"{path} ({name}, as {persona}): {result['width']} px wide; {result['wide']}")
                page.evaluate(AXE.read_text())
                for place in page.evaluate(MEASURE):
                    places.append({"page": name, "width": width, **place})
        finally:
            context.close()
    assert opened[DESKTOP] == opened[PHONE], f"the two widths opened different pages: {opened}"
    assert opened[PHONE] or not by_persona, f"no page of {module} was opened"
    REPORT.mkdir(exist_ok=True)
    report = {"pages_checked": opened[PHONE], "places": places}
    (REPORT / f"contrast-by-hand-{module}.json").write_text(json.dumps(report, indent=1))
    failing = [p for p in places if p["ratio"] < p["needed"] and not p["image"]]
    assert not wide, f"Pages wider than {PHONE} px:\n" + "\n".join(wide)
    assert not failing, json.dumps(failing, indent=1)
