"""Check C13: people in admin roles must sign in with a passkey or security key, not an app code.

``SECURITY_KEY_ROLES`` is on by default in production only (tests/test_platform.py checks
that); here it is switched on as production has it. The browser test
``e2e/test_passkeys.py`` adds and uses a real (virtual) key through the pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.factories.personas import World, sign_in_through_forms

KEY_PAGE = "/account/two-factor/security-key/"


@pytest.fixture
def keys_required(settings: Any) -> None:
    settings.SECURITY_KEY_ROLES = ["system_admin", "borough_admin"]


@pytest.mark.usefixtures("keys_required")
@pytest.mark.parametrize("persona", ["system_admin", "borough_admin_a"])
@pytest.mark.parametrize("url", ["/", "/people/", "/approvals/", "/audit/", "/panels/"])
def test_an_admin_signed_in_with_an_app_code_reaches_no_page_but_the_key_page(
    world: World, persona: str, url: str
) -> None:
    client = sign_in_through_forms(Client(), world.user(persona))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == KEY_PAGE
    page = client.get(KEY_PAGE).content.decode()
    assert "You have not added one yet" in page
    assert 'href="/account/2fa/webauthn/add/"' in page
    assert client.get("/account/2fa/webauthn/add/").status_code == 200, "they can add a key"


@pytest.mark.usefixtures("keys_required")
def test_an_admin_with_a_key_who_used_an_app_code_is_asked_to_sign_in_with_the_key(world: World) -> None:
    admin = world.user("system_admin")
    Authenticator.objects.create(user=admin, type=Authenticator.Type.WEBAUTHN, data={"name": "Blue key"})
    client = sign_in_through_forms(Client(), admin)
    assert client.get("/people/")["Location"] == KEY_PAGE
    page = client.get(KEY_PAGE).content.decode()
    assert "you signed in this time with a code" in page
    assert "Sign out and sign in again" in page


@pytest.mark.usefixtures("keys_required")
@pytest.mark.parametrize("persona", ["member_a", "coordinator_a", "analyst_a", "london_team"])
def test_other_roles_still_sign_in_with_an_app_code(world: World, persona: str) -> None:
    client = sign_in_through_forms(Client(), world.user(persona))
    assert client.get("/").status_code == 200


def test_without_the_setting_admins_sign_in_with_an_app_code(world: World, settings: Any) -> None:
    settings.SECURITY_KEY_ROLES = []
    client = sign_in_through_forms(Client(), world.user("system_admin"))
    assert client.get("/people/").status_code == 200
