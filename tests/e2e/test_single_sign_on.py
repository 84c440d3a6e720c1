"""Single sign-on, end to end: a system admin sets up the organisation's provider in the
browser, and a member of that organisation signs in through it. The provider is a real
OpenID Connect provider (node's oidc-provider, tests/oidc/provider.mjs) on this machine."""

from __future__ import annotations

import re
import socket
import subprocess
from typing import Any

from playwright.sync_api import expect

from macehub.core.access import Role
from tests.factories.personas import World, grant, make_user
from tests.oidc import CLIENT_ID, CLIENT_SECRET, PROVIDER, PROVIDER_PASSWORD, ROOT

from .conftest import assert_accessible, sign_in_through_pages


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_organisation_signs_in_with_its_own_accounts(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    member = make_user("mfa@sso.example.test", "Mina Fa")
    grant(member, Role.PANEL_MEMBER, panel=live_world.panel_a, agency=live_world.agencies["police_a"])

    # 1. The system admin sets the provider up and reads the callback address to hand on.
    admin = new_page()
    sign_in_through_pages(admin, base, "sysadmin@test.invalid")
    admin.goto(f"{base}/people/")
    admin.get_by_role("link", name=re.compile("Single sign-on")).click()
    assert_accessible(admin, "sso-providers-empty")
    admin.get_by_role("link", name="Set up a provider").click()
    assert_accessible(admin, "sso-provider-new")
    admin.get_by_label("Name people will see").fill("Example Council")
    admin.get_by_label("E-mail domains").fill("sso.example.test")
    admin.get_by_label("Issuer address").fill("http://idp.example.test")
    admin.get_by_label("Client ID").fill(CLIENT_ID)
    admin.get_by_role("button", name="Set up provider").click()
    # Mistakes are shown next to the fields, and what was typed stays.
    expect(admin.locator(".govuk-error-summary")).to_be_visible()
    expect(admin.get_by_label("Name people will see")).to_have_value("Example Council")
    assert_accessible(admin, "sso-provider-errors")
    admin.get_by_label("Issuer address").fill(issuer)
    admin.get_by_label("Client secret").fill(CLIENT_SECRET)
    admin.get_by_label("Accept the provider's two-factor authentication when its ID token says it was done").check()
    admin.get_by_role("button", name="Set up provider").click()
    callback = admin.locator("#callback-url").inner_text()
    assert callback.startswith(f"{base}/account/oidc/sso-") and callback.endswith("/login/callback/")
    assert CLIENT_SECRET not in admin.content()
    expect(admin.get_by_label("Name people will see")).to_have_value("Example Council")
    expect(admin.get_by_label("Issuer address")).to_have_value(issuer)
    expect(admin.get_by_label("Client secret")).to_have_value("")
    assert_accessible(admin, "sso-provider-saved")
    admin.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(admin, "sso-provider-saved-phone")

    # 2. The identity team registers MACE Hub at the provider with that address.
    process = subprocess.Popen(
        ["node", str(PROVIDER), "--port", str(port), "--redirect-uri", callback],  # noqa: S607
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().startswith("READY")

        # 3. A member enters only their address and goes to their organisation's sign-in page.
        page = new_page()
        page.goto(f"{base}/account/login/")
        assert_accessible(page, "sso-sign-in-page")
        page.get_by_label("E-mail address").fill(member.email)
        page.locator("main").get_by_role("button", name=re.compile("^sign in$", re.I)).click()
        page.wait_for_url(re.compile(rf"^{re.escape(issuer)}/interaction/"))
        expect(page.get_by_label("E-mail")).to_have_value(member.email)
        page.get_by_label("Password").fill(PROVIDER_PASSWORD)
        page.get_by_role("button", name="Sign in at the provider").click()

        # 4. Back in MACE Hub, signed in: the provider's MFA counted, no code was asked for.
        page.wait_for_url(f"{base}/")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.goto(f"{base}/account/you/")
        expect(page.locator("main")).to_contain_text("Mina Fa")
        assert_accessible(page, "sso-signed-in")
    finally:
        process.terminate()
        process.wait(timeout=10)
