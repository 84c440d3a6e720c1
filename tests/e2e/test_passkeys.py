"""A system admin must use a passkey or security key (check C13). Chromium's virtual
authenticator (DevTools WebAuthn domain) stands in for the device: the browser, allauth's
WebAuthn ceremony and the server's checks are all real."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.factories.personas import PASSWORD, World

from .conftest import assert_accessible, sign_in_through_pages

ADMIN = "sysadmin@test.invalid"


def with_virtual_authenticator(page: Page) -> Page:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page


def test_a_system_admin_adds_a_passkey_and_must_then_sign_in_with_it(
    live_server: Any, live_world: World, new_page: Any, settings: Any
) -> None:
    settings.SECURITY_KEY_ROLES = ["system_admin", "borough_admin"]
    base = live_server.url

    # 1. Signed in with an app code, the admin is stopped at the key page and adds a passkey.
    laptop = with_virtual_authenticator(new_page())
    sign_in_through_pages(laptop, base, ADMIN)
    laptop.goto(f"{base}/people/")
    assert laptop.url == f"{base}/account/two-factor/security-key/"
    expect(laptop.get_by_role("heading", name="Use a passkey or security key")).to_be_visible()
    assert_accessible(laptop, "security-key-required")
    laptop.get_by_role("link", name="Add a passkey or security key").click()
    assert_accessible(laptop, "security-key-add")
    laptop.get_by_label("Name this key").fill("Work laptop")
    laptop.get_by_label("Use it as a passkey").check()
    laptop.get_by_role("button", name="Add the key").click()
    laptop.wait_for_url(lambda url: "/webauthn/add/" not in url)
    laptop.goto(f"{base}/people/")
    assert laptop.url == f"{base}/people/", "the key added in this session counts"

    # 2. Next time: password, then the key instead of a code, and straight in.
    laptop.get_by_role("button", name="Sign out").click()
    laptop.goto(f"{base}/account/login/")
    laptop.get_by_label("E-mail address").fill(ADMIN)
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.locator("main").get_by_role("button", name="Sign in", exact=True).click()
    laptop.get_by_role("button", name="Use a passkey or security key").click()
    laptop.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    laptop.goto(f"{base}/people/")
    assert laptop.url == f"{base}/people/"

    # 3. On a device without the key, an app code is no longer enough.
    phone = new_page()
    sign_in_through_pages(phone, base, ADMIN)
    phone.goto(f"{base}/approvals/")
    assert phone.url == f"{base}/account/two-factor/security-key/"
    expect(phone.get_by_text("you signed in this time with a code")).to_be_visible()

    # 4. The passkey alone signs in, from the sign-in page.
    laptop.get_by_role("button", name="Sign out").click()
    laptop.goto(f"{base}/account/login/")
    laptop.get_by_role("button", name="Sign in with a passkey").click()
    laptop.wait_for_url(lambda url: "/account/login/" not in url)
    laptop.goto(f"{base}/people/")
    assert laptop.url == f"{base}/people/"
