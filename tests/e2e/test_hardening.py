"""Issue 12 in a real browser: what people see when the rules say no, and the limits beside
the boxes — each page checked with axe-core."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from macehub.accounts import services as account_services
from macehub.core.access import Role
from tests.factories.personas import World, make_user

from ..subjects.factories import register_for
from .conftest import assert_accessible, keep_screenshot, sign_in_as

SHOTS = Path(os.environ.get("MACEHUB_SHOTS", "test-results/screenshots"))


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    keep_screenshot(page, SHOTS / f"{name}.png")


def test_refusals_and_limits_are_said_plainly(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    world = live_world

    # A request from someone who has not confirmed their address: no dead-end Approve button.
    person = make_user("unconfirmed@test.invalid", "Una Confirmed", verified=False)
    request = account_services.access_request_create(
        user=person, role=Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"], reason="DSL"
    )
    admin = new_page()
    sign_in_as(admin, base, "admin.a@test.invalid")
    admin.goto(f"{base}/approvals/")
    expect(admin.get_by_text("E-mail not confirmed yet")).to_be_visible()
    admin.goto(f"{base}/approvals/{request.pk}/")
    expect(admin.get_by_test_id("cannot-approve")).to_contain_text("has not confirmed their e-mail address")
    expect(admin.get_by_role("button", name="Approve access")).to_have_count(0)
    assert_accessible(admin, "approval-unconfirmed")
    _shot(admin, "approval-unconfirmed")

    # A free-text box says its limit and counts down.
    child = register_for(world)["c1"]
    coordinator = new_page()
    sign_in_as(coordinator, base, "coordinator.a@test.invalid")
    coordinator.goto(f"{base}/casework/children/{child.pk}/risk/new/")
    factors = coordinator.get_by_label("Risk and protective factors")
    factors.fill("Missing overnight twice; new phone.")
    expect(coordinator.locator(".govuk-character-count__status")).to_contain_text("characters remaining")
    assert_accessible(coordinator, "character-count")
    _shot(coordinator, "character-count")

    # A guessable password is refused with the reason.
    visitor = new_page()
    visitor.goto(f"{base}/account/signup/")
    visitor.get_by_label("E-mail address").fill("new.person@school.test")
    visitor.get_by_label("Create a password").fill("Summer2026!!x")
    visitor.get_by_label("Confirm your password").fill("Summer2026!!x")
    visitor.get_by_role("button", name="Send my request").click()
    expect(visitor.locator(".govuk-error-summary")).to_contain_text("too easy to guess")
    assert_accessible(visitor, "password-refused")
    _shot(visitor, "password-refused")
