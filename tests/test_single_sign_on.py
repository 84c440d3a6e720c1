"""Single sign-on against a real OpenID Connect provider (node's oidc-provider, started here).

The provider proves who someone is; MACE Hub still decides whether they have an account,
whether it is approved, and whether their second factor counts (the ID token's amr claim)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from macehub.accounts.middleware import MFA_AT
from macehub.accounts.models import SignInProvider, User
from macehub.audit.models import Action, AuditEvent
from macehub.core.access import Role
from tests.factories.personas import World, grant, make_user, sign_in_through_forms, totp_code, totp_secret_for
from tests.oidc import CLIENT_SECRET, configure, running_provider, sign_in_at_provider

pytestmark = pytest.mark.django_db

PK = 9001
CALLBACK = f"http://testserver/account/oidc/sso-{PK}/login/callback/"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_provider(CALLBACK) as url:
        yield url


@pytest.fixture
def provider(world: World, issuer: str) -> SignInProvider:
    return configure(issuer, pk=PK)


def _member(email: str, world: World, *, mfa: bool = True) -> Any:
    user = make_user(email, "Sso Person", mfa=mfa)
    grant(user, Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"])
    return user


def _through_provider(client: Client, issuer: str, email: str) -> Any:
    """Sign-in page → the provider's own login page → back to MACE Hub's callback."""
    response = client.post("/account/login/", {"login": email, "password": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(issuer + "/auth"), response["Location"]
    assert "login_hint=" in response["Location"]
    back = sign_in_at_provider(issuer, response["Location"], email)
    assert back.startswith("http://testserver/account/oidc/"), back
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def _signed_in_as(client: Client) -> Any:
    from django.contrib.auth import get_user

    request = type("R", (), {"session": client.session})()
    return get_user(request)


def test_provider_mfa_accepted_when_the_id_token_says_so(world: World, provider: SignInProvider, issuer: str) -> None:
    user = _member("mfa@sso.example.test", world)
    client = Client()
    response = _through_provider(client, issuer, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/", "no MACE Hub code should be asked for: the provider did MFA"
    assert client.session.get(MFA_AT)
    assert client.get("/").status_code == 200
    assert _signed_in_as(client).pk == user.pk
    login = AuditEvent.objects.filter(action=Action.LOGIN, actor_id=user.pk).latest("seq")
    assert login.detail == {"method": "single sign-on", "provider": "Example Council"}
    mfa = AuditEvent.objects.filter(action=Action.MFA_USED, actor_id=user.pk).latest("seq")
    assert mfa.detail == {"type": "identity provider", "provider": "Example Council"}
    assert SocialAccount.objects.get(user=user).uid == "mfa@sso.example.test"


def test_provider_reporting_no_mfa_means_our_own_code_is_asked(
    world: World, provider: SignInProvider, issuer: str
) -> None:
    user = _member("nomfa@sso.example.test", world)
    client = Client()
    response = _through_provider(client, issuer, user.email)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/2fa/authenticate/")
    # Not signed in until the code is given: data pages send them to sign in.
    assert client.get("/people/")["Location"].startswith("/account/login/")
    response = client.post("/account/2fa/authenticate/", {"code": totp_code(totp_secret_for(user.email))})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action=Action.MFA_USED, detail__type="identity provider").exists()


def test_provider_mfa_not_accepted_unless_the_admin_trusts_it(world: World, issuer: str) -> None:
    configure(issuer, pk=PK, trust_mfa=False)
    user = _member("mfa@sso.example.test", world)
    response = _through_provider(Client(), issuer, user.email)
    assert response["Location"].startswith("/account/2fa/authenticate/")


def test_no_mfa_at_provider_and_no_own_authenticator_means_setting_one_up(
    world: World, provider: SignInProvider, issuer: str
) -> None:
    user = _member("nomfa@sso.example.test", world, mfa=False)
    client = Client()
    response = _through_provider(client, issuer, user.email)
    assert response.status_code == 302
    # Signed in, but no data page until a second factor is set up.
    assert client.get("/people/")["Location"] == "/account/two-factor/set-up/"
    assert not client.session.get(MFA_AT)


def test_account_disabled_at_the_provider_is_not_signed_in(world: World, provider: SignInProvider, issuer: str) -> None:
    _member("disabled@sso.example.test", world)
    client = Client()
    response = _through_provider(client, issuer, "disabled@sso.example.test")
    assert response.status_code == 401
    assert b"did not finish" in response.content
    assert not _signed_in_as(client).is_authenticated
    event = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).latest("seq")
    assert event.detail["reason"] == "provider_error"
    assert event.detail["error"] == "access_denied"


def test_a_refused_domain_is_not_signed_in(world: World, issuer: str) -> None:
    """The provider signs in an address outside the domains it is configured for."""
    configure(issuer, pk=PK, domains="sso.example.test\nelsewhere.example.test")
    make_user("other@elsewhere.example.test", "Otto Her")
    client = Client()
    first = client.post("/account/login/", {"login": "other@elsewhere.example.test"})
    authorize = first["Location"]
    # The admin narrows the provider to one domain while the person is at the provider.
    SignInProvider.objects.filter(pk=PK).update(domains="sso.example.test")
    back = urlsplit(sign_in_at_provider(issuer, authorize, "other@elsewhere.example.test"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 403
    assert b"You cannot sign in with that account" in response.content
    assert not _signed_in_as(client).is_authenticated
    event = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).latest("seq")
    assert event.actor_label == "other@elsewhere.example.test"
    assert event.detail == {"method": "single sign-on", "provider": "Example Council", "reason": "domain"}


def test_an_unconfigured_domain_signs_in_with_a_password_as_before(world: World, provider: SignInProvider) -> None:
    response = Client().post("/account/login/", {"login": "someone@elsewhere.example.test", "password": ""})
    assert response.status_code == 200  # the password form, with its error
    sign_in_through_forms(Client(), world.user("member_a"))


def test_sso_never_creates_an_account(world: World, provider: SignInProvider, issuer: str) -> None:
    client = Client()
    response = _through_provider(client, issuer, "stranger@sso.example.test")
    assert response.status_code == 403
    assert b"You do not have a MACE Hub account yet" in response.content
    assert not User.objects.filter(email="stranger@sso.example.test").exists()
    assert not _signed_in_as(client).is_authenticated
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED, detail__reason="no_account").exists()


def test_an_unapproved_account_gets_nothing(world: World, provider: SignInProvider, issuer: str) -> None:
    user = make_user("mfa@sso.example.test", "Not Approved Yet")  # no membership
    client = Client()
    response = _through_provider(client, issuer, user.email)
    assert response["Location"] == "/"
    assert client.get("/people/").status_code == 403
    assert client.get(f"/panels/{world.panel_a.pk}/").status_code in (403, 404)
    assert b"Ask for access" in client.get("/").content or b"request" in client.get("/").content


def test_a_deactivated_account_is_not_signed_in(world: World, provider: SignInProvider, issuer: str) -> None:
    user = _member("mfa@sso.example.test", world)
    User.objects.filter(pk=user.pk).update(is_active=False)
    client = Client()
    response = _through_provider(client, issuer, user.email)
    assert response["Location"] == "/account/inactive/"
    assert not _signed_in_as(client).is_authenticated


def test_system_admin_sets_up_a_provider_and_the_secret_is_never_shown(world: World, issuer: str) -> None:
    admin = sign_in_through_forms(Client(), world.user("system_admin"))
    form = {
        "name": "Example Council",
        "domains": "SSO.example.test\n@second.example.test",
        "server_url": issuer,
        "client_id": "macehub",
        "client_secret": CLIENT_SECRET,
        "trust_provider_mfa": "on",
        "mfa_amr_values": "mfa",
        "is_enabled": "on",
    }
    response = admin.post("/sign-in-providers/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = SignInProvider.objects.get()
    assert provider.domain_list == ["sso.example.test", "second.example.test"]
    assert CLIENT_SECRET not in provider.client_secret_encrypted
    page = admin.get(f"/sign-in-providers/{provider.pk}/").content.decode()
    assert CLIENT_SECRET not in page
    assert f"/account/oidc/sso-{provider.pk}/login/callback/" in page
    # The form shows what is stored (except the secret).
    assert 'value="Example Council"' in page and "sso.example.test\nsecond.example.test" in page
    assert f'value="{issuer}"' in page
    assert re.search(r'<input[^>]*name="trust_provider_mfa"[^>]*checked', page)
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="accounts.signinprovider")
    assert CLIENT_SECRET not in str(created.changes) and created.changes["client_secret"] == "set"
    # Saving without a new secret keeps the old one; the change is audited.
    form.update(client_secret="", name="Example Borough", version=str(provider.version))
    assert admin.post(f"/sign-in-providers/{provider.pk}/", form).status_code == 302
    provider.refresh_from_db()
    from macehub.accounts.sso import decrypt_secret

    assert decrypt_secret(provider.client_secret_encrypted) == CLIENT_SECRET
    updated = AuditEvent.objects.get(action=Action.UPDATE, object_type="accounts.signinprovider")
    assert updated.changes["name"] == ["Example Council", "Example Borough"]
    assert "client_secret" not in updated.changes


def test_provider_form_errors_sit_next_to_the_field_and_keep_what_was_typed(world: World) -> None:
    admin = sign_in_through_forms(Client(), world.user("system_admin"))
    response = admin.post(
        "/sign-in-providers/new/",
        {"name": "Borough", "domains": "not a domain!", "server_url": "http://idp.example.test", "client_id": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not an e-mail domain" in page
    assert "Enter an issuer address that starts with https://" in page
    assert "Enter the client secret" in page
    assert 'value="Borough"' in page
    assert not SignInProvider.objects.exists()


def test_only_system_admins_manage_providers(world: World) -> None:
    for persona in ("borough_admin_a", "member_a"):
        client = sign_in_through_forms(Client(), world.user(persona))
        assert client.get("/sign-in-providers/").status_code == 403
        assert client.post("/sign-in-providers/new/", {"name": "x"}).status_code == 403
