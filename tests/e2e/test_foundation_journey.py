"""A new professional's first day: register, be approved, sign in with MFA, see their panel."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from tests.factories.personas import World, totp_code

from .conftest import SIGN_IN, assert_accessible, sign_in_through_pages


def test_register_approve_sign_in_with_mfa_and_see_the_right_panels(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    base = live_server.url

    # 1. Priya asks for an account.
    priya = new_page()
    priya.goto(f"{base}/account/signup/")
    assert_accessible(priya, "registration")
    priya.get_by_label("E-mail address").fill("priya@school.test")
    priya.get_by_label("Create a password").fill("three random words please")
    priya.get_by_label("Confirm your password").fill("three random words please")
    priya.get_by_label("Full name").fill("Priya Shah")
    priya.get_by_label("Job title").fill("Designated safeguarding lead")
    priya.get_by_label("Panel member (agency representative)").check()
    priya.get_by_label("Safeguarding partnership").select_option(label="Alpha")
    priya.get_by_label("Panel (for panel roles)").select_option(label="Alpha MACE")
    priya.get_by_label("Agency you work for").select_option(label="Alpha Children's social care")
    priya.get_by_label("Why you need this access").fill("DSL at Alpha Academy; I will contribute for our pupils.")
    priya.get_by_role("button", name="Send my request").click()
    expect(priya.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    # 2. She confirms her address from the e-mail.
    link = re.search(r"(/account/confirm-email/\S+/)", str(mail.outbox[-1].body)).group(1)
    priya.goto(f"{base}{link}")
    priya.locator("main").get_by_role("button", name="Confirm").click()
    assert mail.outbox[-1].to == ["admin.a@test.invalid"], "the borough admin is told about the request"

    # 3. Partnership A's borough admin approves her.
    admin = new_page()
    sign_in_through_pages(admin, base, "admin.a@test.invalid")
    admin.get_by_role("link", name="Access requests").first.click()
    admin.get_by_role("link", name="Priya Shah").click()
    admin.get_by_role("button", name="Approve access").click()
    expect(admin.get_by_text("Priya Shah now has access as panel member")).to_be_visible()
    assert "approved" in mail.outbox[-1].subject

    # 4. Priya signs in, must set up an authenticator app, then sees her panel.
    sign_in_through_pages(priya, base, "priya@school.test", "three random words please")
    assert priya.url.endswith("/account/two-factor/set-up/")
    assert_accessible(priya, "mfa-set-up")
    priya.goto(f"{base}/panels/")
    assert priya.url.endswith("/account/two-factor/set-up/"), "no data page before MFA"
    priya.get_by_role("link", name="Set up an authenticator app").click()
    secret = priya.locator("#authenticator_secret").input_value()
    priya.get_by_label("Authenticator code").fill(totp_code(secret))
    priya.locator("main").get_by_role("button", name="Activate").click()
    priya.goto(f"{base}/")
    expect(priya.get_by_role("heading", name="Welcome, Priya")).to_be_visible()
    expect(priya.get_by_text("acting for Alpha")).to_be_visible()
    expect(priya.locator("main").get_by_role("link", name="Alpha MACE", exact=True)).to_be_visible()
    assert priya.locator("main").get_by_text("Bravo MACE").count() == 0
    assert_accessible(priya, "home")


def test_a_member_of_borough_a_gets_not_found_for_borough_bs_panel(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    page = new_page()
    sign_in_through_pages(page, live_server.url, "member.a@test.invalid")
    response = page.goto(f"{live_server.url}/panels/{live_world.panel_b.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    response = page.goto(f"{live_server.url}/panels/{live_world.panel_a.pk}/")
    assert response.status == 200


def test_sign_in_and_panel_settings_pages_are_accessible(live_server: Any, live_world: World, new_page: Any) -> None:
    page = new_page()
    page.goto(f"{live_server.url}/account/login/")
    assert_accessible(page, "sign-in")
    page.locator("main").get_by_role("button", name=SIGN_IN).click()
    assert_accessible(page, "sign-in-with-errors")
    sign_in_through_pages(page, live_server.url, "admin.a@test.invalid")
    page.goto(f"{live_server.url}/panels/{live_world.panel_a.pk}/settings/")
    assert_accessible(page, "panel-settings")
    page.get_by_label("Panel name").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "panel-settings-with-errors")
    page.goto(f"{live_server.url}/approvals/")
    assert_accessible(page, "approvals")
    page.goto(f"{live_server.url}/audit/")
    assert_accessible(page, "audit")
