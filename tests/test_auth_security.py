"""Sign-in security: lockout, no account enumeration, MFA enforcement, session lifetimes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.core import mail
from django.test import Client
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from tests.factories.personas import PASSWORD, World, sign_in_through_forms, totp_code, totp_secret_for

LOGIN = "/account/login/"


def _body_without_tokens(response) -> str:
    """Page text with the per-request CSRF token and nonce removed, for comparing two responses."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'value="[^"]*@[^"]*"', "", html)  # the address typed is echoed back


def test_wrong_password_and_unknown_address_get_the_same_answer(world: World) -> None:
    known = Client().post(LOGIN, {"login": "member.a@test.invalid", "password": "not the password at all"})
    unknown = Client().post(LOGIN, {"login": "nobody@test.invalid", "password": "not the password at all"})
    assert known.status_code == unknown.status_code == 200
    assert "Enter a correct e-mail address and password." in known.content.decode()
    assert _body_without_tokens(known) == _body_without_tokens(unknown)


def test_deactivated_account_reveals_nothing_without_the_password_and_never_signs_in(world: World) -> None:
    user = world.user("member_a")
    user.is_active = False
    user.save()
    guessed = Client().post(LOGIN, {"login": user.email, "password": "a wrong guess"})
    unknown = Client().post(LOGIN, {"login": "nobody@test.invalid", "password": "a wrong guess"})
    assert _body_without_tokens(guessed) == _body_without_tokens(unknown)
    # With the right password, the person is told the account is deactivated, and is not signed in.
    client = Client()
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, follow=True)
    assert "deactivated" in response.content.decode()
    assert client.get("/")["Location"].startswith("/account/login/")


def test_password_reset_looks_the_same_for_known_and_unknown_addresses(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/account/password/reset/", {"email": "member.a@test.invalid"})
        unknown = Client().post("/account/password/reset/", {"email": "nobody@test.invalid"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Only the real account holder receives anything.
    assert [m.to for m in mail.outbox] == [["member.a@test.invalid"]]


def test_registering_an_existing_address_looks_like_a_new_registration(
    world: World, django_capture_on_commit_callbacks
) -> None:
    data = {
        "email": "member.a@test.invalid",
        "password1": "a long new passphrase 77",
        "password2": "a long new passphrase 77",
        "full_name": "Someone Else",
        "job_title": "Imposter",
        "role": "panel_member",
        "partnership": world.partnership_a.pk,
        "panel": world.panel_a.pk,
        "agency": world.agencies["police_a"].pk,
        "reason": "testing",
    }
    with django_capture_on_commit_callbacks(execute=True):
        existing = Client().post("/account/signup/", data)
        fresh = Client().post("/account/signup/", {**data, "email": "brand.new@test.invalid"})
    assert existing.status_code == fresh.status_code == 302
    assert existing["Location"] == fresh["Location"]
    assert world.user("member_a").full_name == "Amy Alpha"  # nothing about the real account changed
    assert {tuple(m.to) for m in mail.outbox} == {("member.a@test.invalid",), ("brand.new@test.invalid",)}


def test_ten_failures_lock_the_account_even_against_the_right_password(world: World) -> None:
    for _ in range(10):
        Client().post(LOGIN, {"login": "member.a@test.invalid", "password": "wrong guess"})
    blocked = Client().post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    assert blocked.status_code == 200
    assert "Too many failed attempts" in blocked.content.decode()
    assert AuditEvent.objects.filter(action=Action.LOCKOUT, actor_label="member.a@test.invalid").exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 10


def test_lockout_counts_per_account_across_addresses(world: World) -> None:
    for i in range(10):
        Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(LOGIN, {"login": "member.a@test.invalid", "password": "wrong"})
    blocked = Client(REMOTE_ADDR="10.0.1.99").post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    assert "Too many failed attempts" in blocked.content.decode()
    # Someone else's account is not affected.
    assert Client().post(LOGIN, {"login": "member.b@test.invalid", "password": PASSWORD}).status_code == 302


def test_lockout_lifts_after_five_minutes(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(10):
            Client().post(LOGIN, {"login": "member.a@test.invalid", "password": "wrong"})
        clock.shift(timedelta(minutes=6))
        assert Client().post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD}).status_code == 302


def test_second_factor_guesses_are_limited(world: World) -> None:
    client = Client()
    client.post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    for _ in range(10):
        client.post("/account/2fa/authenticate/", {"code": "000000"})
    right = client.post("/account/2fa/authenticate/", {"code": totp_code(totp_secret_for("member.a@test.invalid"))})
    assert right.status_code == 200, "the right code must be refused once the guesses are used up"
    assert "Too many" in right.content.decode()
    assert client.get("/").status_code == 302


def test_a_used_code_cannot_be_replayed(world: World) -> None:
    code = totp_code(totp_secret_for("member.a@test.invalid"))
    first = Client()
    first.post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    assert first.post("/account/2fa/authenticate/", {"code": code}).status_code == 302
    second = Client()
    second.post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    assert second.post("/account/2fa/authenticate/", {"code": code}).status_code == 200


def test_password_alone_reaches_only_the_mfa_set_up(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("password_only"))
    for path in ["/", "/panels/", "/account/you/", "/people/", "/audit/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/two-factor/set-up/", path


def test_setting_up_an_authenticator_app_opens_the_service(world: World, django_capture_on_commit_callbacks) -> None:
    user = world.user("password_only")
    client = sign_in_through_forms(Client(), user)
    page = client.get("/account/2fa/totp/activate/")
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode()).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data), "the secret must be stored encrypted"
    assert decrypt(stored.data["secret"]) == secret
    assert AuditEvent.objects.filter(action=Action.MFA_ADDED, actor_id=user.pk).exists()


def test_the_last_authenticator_cannot_be_removed(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    client.post("/account/2fa/totp/deactivate/", {})
    assert Authenticator.objects.filter(user=world.user("member_a"), type=Authenticator.Type.TOTP).exists()


def test_signing_in_issues_a_new_session_id(world: World) -> None:
    client = Client()
    client.get(LOGIN)
    client.post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    before = client.session.session_key
    client.post("/account/2fa/authenticate/", {"code": totp_code(totp_secret_for("member.a@test.invalid"))})
    assert client.session.session_key != before
    assert client.get("/").status_code == 200


def test_signing_out_ends_the_session_on_the_server(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    cookie = client.cookies["macehub-session"].value
    client.post("/account/logout/")
    replay = Client()
    replay.cookies["macehub-session"] = cookie
    assert replay.get("/")["Location"].startswith("/account/login/")


def test_fifteen_idle_minutes_sign_you_out(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("member_a"))
        clock.shift(timedelta(minutes=14))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=16))
        response = client.get("/")
    assert response["Location"] == "/account/login/?signed_out=idle"
    assert AuditEvent.objects.filter(action=Action.SESSION_TIMEOUT, detail__reason="idle").exists()
    assert client.get("/").status_code == 302


def test_twelve_hours_sign_you_out_however_active(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("member_a"))
        for _ in range(71):  # a request every 10 minutes for 11 h 50 min
            clock.shift(timedelta(minutes=10))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=11))
        response = client.get("/")
    assert response["Location"] == "/account/login/?signed_out=expired"


def test_deactivation_ends_every_session_at_once(world: World) -> None:
    from django.contrib.sessions.models import Session

    member = sign_in_through_forms(Client(), world.user("member_a"))
    other_device = sign_in_through_forms(Client(), world.user("member_a"))
    assert member.get(f"/panels/{world.panel_a.pk}/").status_code == 200
    keys = {member.session.session_key, other_device.session.session_key}
    admin = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    response = admin.post(f"/people/{world.user('member_a').pk}/deactivate/", {"reason": "Left the police"})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key__in=keys).exists(), "the sessions are deleted on the server"
    assert member.get(f"/panels/{world.panel_a.pk}/")["Location"].startswith("/account/login/")
    again = Client()
    again.post(LOGIN, {"login": "member.a@test.invalid", "password": PASSWORD})
    assert again.get("/")["Location"].startswith("/account/login/")


def test_password_reset_link_works_once_and_not_after_an_hour(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password/reset/", {"email": "member.a@test.invalid"})
    link = re.search(r"http://testserver(/account/password/reset/key/\S+)", str(mail.outbox[-1].body)).group(1)
    new = "an entirely new passphrase 2026"
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    again = Client().get(link, follow=True)
    assert "password1" not in again.content.decode(), "a used link must not offer a new password form"

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password/reset/", {"email": "member.b@test.invalid"})
    late_link = re.search(r"http://testserver(/account/password/reset/key/\S+)", str(mail.outbox[-1].body)).group(1)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        late = Client().get(late_link, follow=True)
    assert "password1" not in late.content.decode()


def test_a_password_reset_still_needs_the_second_factor(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/password/reset/", {"email": "member.a@test.invalid"})
    link = re.search(r"http://testserver(/account/password/reset/key/\S+)", str(mail.outbox[-1].body)).group(1)
    client = Client()
    page = client.get(link, follow=True)
    new = "an entirely new passphrase 2026"
    client.post(page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert client.get("/")["Location"].startswith("/account/login/")
    response = client.post(LOGIN, {"login": "member.a@test.invalid", "password": new})
    assert response["Location"].startswith("/account/2fa/authenticate/")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "https://testserver@evil.example/",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(world: World, target: str) -> None:
    client = Client()
    client.post(f"{LOGIN}?next={target}", {"login": "member.a@test.invalid", "password": PASSWORD, "next": target})
    response = client.post("/account/2fa/authenticate/", {"code": totp_code(totp_secret_for("member.a@test.invalid"))})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    assert "evil" not in response["Location"]


def test_changing_the_password_signs_out_other_sessions(world: World) -> None:
    here = sign_in_through_forms(Client(), world.user("member_a"))
    elsewhere = sign_in_through_forms(Client(), world.user("member_a"))
    new = "a completely different passphrase 9"
    response = here.post("/account/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert response.status_code == 302
    assert here.get("/").status_code == 200, "the person changing it stays signed in"
    assert elsewhere.get("/")["Location"].startswith("/account/login/")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("x" * 129, "128 characters or fewer"),
        ("Hackney2026!!", "too easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(world: World, password: str, message: str) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    response = client.post(
        "/account/password/change/", {"oldpassword": PASSWORD, "password1": password, "password2": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_long_unusual_passphrases_are_accepted(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    phrase = "🙂 correct horse — batterie agrafe 🦊 " * 3
    response = client.post(
        "/account/password/change/", {"oldpassword": PASSWORD, "password1": phrase, "password2": phrase}
    )
    assert response.status_code == 302


def test_forms_without_a_csrf_token_are_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/account/login/", {"login": "member.a@test.invalid", "password": PASSWORD})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    admin = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    admin.handler.enforce_csrf_checks = True  # a forged cross-site POST carries the cookie but no token
    forged = admin.post(f"/people/{world.user('member_a').pk}/deactivate/", {"reason": "forged"})
    assert forged.status_code == 403
    assert world.user("member_a").__class__.objects.get(pk=world.user("member_a").pk).is_active


def test_an_htmx_request_after_the_idle_limit_is_told_where_to_go(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("member_a"))
        clock.shift(timedelta(minutes=16))
        response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/account/login/?signed_out=idle"


def test_sign_in_limits_count_each_person_behind_the_proxy_not_the_proxy() -> None:
    """Behind nginx every request comes from the proxy's address; allauth's sign-in limits must
    read the client from X-Forwarded-For as the rest of the app does, or a whole borough shares
    one budget of 30 sign-ins a minute. Checked on the settings as production loads them."""
    code = (
        "import django; django.setup();"
        "from allauth import app_settings; from django.test import RequestFactory;"
        "from allauth.core.internal.httpkit import get_client_ip;"
        "r = RequestFactory().get('/', HTTP_X_FORWARDED_FOR='203.0.113.9', REMOTE_ADDR='10.0.0.2');"
        "print(app_settings.TRUSTED_PROXY_COUNT, get_client_ip(r))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "203.0.113.9"]
