"""A release that would give figures away, in a browser: Helen (strategic lead) opens a draft
stored by the method that shipped before — Lambeth's age row 0, 10, 8, 6, c, c, 0 with total 26 —
and is told which figure can be worked out and why; her sign-off is refused. Kwame (analyst)
prepares the quarter again; the check passes; Kwame, who is also a strategic lead, is offered no
sign-off for his own release; Helen, a second person, signs it off. axe-core on every page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from macehub.core.access import Role
from macehub.oversight import services
from macehub.oversight.models import Release, ReleaseStatus
from tests.factories.personas import World, grant

from ..oversight.factories import QUARTER, records_for
from .conftest import assert_accessible, keep_screenshot, sign_in_as

#: Where a developer keeps screenshots to look at (SHOTS_DIR=/tmp/shots-…); none by default.
SHOTS = os.environ.get("SHOTS_DIR", "")


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        keep_screenshot(page, Path(SHOTS) / f"{name}.png")


def test_a_release_that_discloses_is_refused_and_the_fixed_one_is_signed_off_by_a_second_person(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    base = live_server.url
    records_for(live_world)
    analyst = live_world.user("analyst_a")
    grant(analyst, Role.STRATEGIC_LEAD, partnership=live_world.partnership_a)
    release = services.prepare_release(actor=analyst, partnership=live_world.partnership_a, period=QUARTER)
    tables = dict(release.tables)
    tables["children_age"] = {**tables["children_age"], "cells": [["0"], ["10"], ["8"], ["6"], ["c"], ["c"], ["0"], ["0"]],
                              "column_totals": ["26"], "total": "26"}  # fmt: skip
    Release.objects.filter(pk=release.pk).update(tables=tables)

    # 1. Helen opens the draft: the check says which figure gives it away, and why.
    helen = new_page()
    sign_in_as(helen, base, "lead.a@test.invalid")
    helen.goto(f"{base}/oversight/releases/{release.pk}/")
    failed = helen.get_by_test_id("audit-failed")
    expect(failed).to_contain_text("can be worked out")
    expect(failed).to_contain_text("‘18 to 20’ in ‘Children discussed by age’")
    expect(failed).to_contain_text("exactly 1 from the total 26")
    assert_accessible(helen, "disclosure-release-fails-check")
    _shot(helen, "1-release-fails-check")

    # 2. Her sign-off is refused with the same reasons.
    helen.get_by_role("link", name="Check and sign off").click()
    helen.get_by_label("I have checked these figures").check()
    helen.get_by_role("button", name="Sign off and release to London").click()
    expect(helen.get_by_role("alert")).to_contain_text("This release cannot be signed off")
    expect(helen.get_by_role("alert")).to_contain_text("exactly 1")
    assert_accessible(helen, "disclosure-sign-off-refused")
    _shot(helen, "2-sign-off-refused")
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.DRAFT

    # 3. Kwame prepares the quarter again; the preview says what will be hidden and why.
    kwame = new_page()
    sign_in_as(kwame, base, "analyst.a@test.invalid")
    kwame.goto(f"{base}/oversight/partnerships/{live_world.partnership_a.pk}/releases/prepare/?period={QUARTER.key}"
               "&threshold=abc")  # fmt: skip
    expect(kwame.get_by_text("Choose a threshold from the list").first).to_be_visible()
    expect(kwame.get_by_text("Hidden to protect").first).to_be_visible()
    assert_accessible(kwame, "disclosure-prepare-preview")
    _shot(kwame, "3-prepare-preview")
    kwame.get_by_label("Quarter", exact=True).select_option(QUARTER.key)
    kwame.get_by_role("button", name="Prepare the release for sign-off").click()
    expect(kwame.get_by_test_id("audit-passed")).to_contain_text("Disclosure check passed")
    # He is also a strategic lead, but prepared it: no sign-off for him.
    expect(kwame.get_by_test_id("prepared-it")).to_be_visible()
    expect(kwame.get_by_role("link", name="Check and sign off")).to_have_count(0)
    assert_accessible(kwame, "disclosure-release-passes-check")
    _shot(kwame, "4-release-passes-check")

    # 4. Helen, a second person, signs it off.
    helen.goto(f"{base}/oversight/releases/{release.pk}/sign-off/")
    helen.get_by_label("I have checked these figures").check()
    helen.get_by_role("button", name="Sign off and release to London").click()
    expect(helen.get_by_text("It is now available to the London team")).to_be_visible()
    expect(helen.get_by_role("heading", level=1)).to_have_text(re.compile("Release to London"))
    _shot(helen, "5-signed-off")
    signed = Release.objects.get(pk=release.pk)
    assert signed.status == ReleaseStatus.SIGNED_OFF and signed.signed_off_by == live_world.user("lead_a")
