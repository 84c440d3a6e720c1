"""Deployment safety, security headers, the task worker, demo data, logs and query budgets."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from macehub.accounts import services
from macehub.accounts.models import User
from macehub.core.access import Role
from macehub.core.logging import SafeFormatter
from macehub.organisations.models import Agency, Panel, Partnership
from tests.factories.personas import PASSWORD, World, grant, make_user, sign_in_through_forms

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_production(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with production environment variables."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("MACEHUB", "SECRET", "DATABASE", "ALLOWED", "EMAIL"))
    }
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: str(getattr(settings, k)) for k in ['SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'DEBUG', "
        "'PASSWORD_HASHERS', 'SESSION_COOKIE_AGE', 'STORAGES', 'SECURITY_KEY_ROLES']}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", "MACEHUB_ENV": "production", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "macehub.example.org",
    "DATABASE_URL": "sqlite:////tmp/never-created.sqlite3",
    "EMAIL_HOST": "smtp.example.org",
    "MACEHUB_LONDON_KEY": "l" * 64,
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST", "MACEHUB_LONDON_KEY"])
def test_production_refuses_to_start_without_its_settings(missing: str) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _settings_in_production(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_settings_are_hardened() -> None:
    import json

    result = _settings_in_production(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-") and values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_SECURE"] == values["CSRF_COOKIE_SECURE"] == values["SECURE_SSL_REDIRECT"] == "True"
    assert int(values["SECURE_HSTS_SECONDS"]) >= 31_536_000
    assert values["DEBUG"] == "False"
    assert "Argon2PasswordHasher" in values["PASSWORD_HASHERS"].split(",")[0]
    assert int(values["SESSION_COOKIE_AGE"]) <= 12 * 60 * 60
    assert "CompressedManifestStaticFilesStorage" in values["STORAGES"]
    assert "system_admin" in values["SECURITY_KEY_ROLES"] and "borough_admin" in values["SECURITY_KEY_ROLES"]


def test_production_refuses_debug() -> None:
    result = _settings_in_production(**PRODUCTION_ENV, DEBUG="true")
    assert result.returncode != 0 and "DEBUG must not be on" in result.stderr


def test_every_page_sends_the_security_headers(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    for path in ["/", "/account/login/", f"/panels/{world.panel_a.pk}/"]:
        response = (client if path != "/account/login/" else Client()).get(path)
        csp = response["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src and "'nonce-" in script_src
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Request-ID"]


def test_pages_carry_no_inline_script(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    for path in ["/", "/account/login/", "/account/signup/", f"/panels/{world.panel_a.pk}/settings/", "/audit/"]:
        html = (Client() if path.startswith("/account/") else client).get(path).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {path}: {tag}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"


def test_what_people_type_is_escaped(world: World) -> None:
    evil = '<script>alert("x")</script>'
    person = make_user("xss@test.invalid", evil)
    grant(person, Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"])
    html = sign_in_through_forms(Client(), world.user("member_a")).get(f"/panels/{world.panel_a.pk}/").content.decode()
    assert evil not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_an_unexpected_error_shows_a_reference_and_no_details(world: World, settings, monkeypatch) -> None:
    settings.DEBUG = False

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("macehub.organisations.views.selectors.panels_visible_to", broken)
    client = sign_in_through_forms(Client(raise_request_exception=False), world.user("member_a"))
    response = client.get("/panels/", HTTP_X_REQUEST_ID="abcdef1234567890")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "abcdef1234567890" in page
    assert "hunter2" not in page and "Traceback" not in page


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection between tasks
def test_email_is_delivered_by_the_database_worker(world: World, settings) -> None:
    # The same backend production uses (pytest-settings changes reset Django's task backends).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        request = services.access_request_create(
            user=world.user("no_roles"),
            role=Role.PANEL_MEMBER,
            panel=world.panel_a,
            agency=world.agencies["police_a"],
            reason="x",
        )
        services.access_request_decline(
            actor=world.user("borough_admin_a"), request=request, expected_version=1, reason="Not yet"
        )
        assert mail.outbox == [], "nothing is sent until the worker runs"
        from django_tasks_db.models import DBTaskResult

        assert DBTaskResult.objects.filter(status="READY").count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert [m.to for m in mail.outbox] == [["no.roles@test.invalid"]]
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    finally:
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_demo_data_is_idempotent_and_covers_every_role(demo_db) -> None:
    def counts() -> tuple[int, ...]:
        return (User.objects.count(), Panel.objects.count(), Partnership.objects.count(), Agency.objects.count())

    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    held = set(User.objects.filter(is_demo=True).values_list("memberships__role", flat=True))
    assert set(Role.values) <= held
    settings_seen = {(p.upper_age, p.cadence, tuple(p.risk_levels)) for p in Panel.objects.all()}
    assert len(settings_seen) == 3, "the three demo panels have different settings"
    assert Partnership.objects.get(short_name="City and Hackney").authorities.count() == 2


def test_demo_codes_are_for_demo_accounts_only_and_never_in_production(demo_db: None, world: World) -> None:
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "amara@demo.macehub.test" in out.getvalue()
    assert "member.a@test.invalid" not in out.getvalue(), "never a code for a real account"
    with override_settings(PRODUCTION=True):
        with pytest.raises(CommandError):
            call_command("demo_logins", stdout=io.StringIO())
        with pytest.raises(CommandError):
            call_command("seed_demo", stdout=io.StringIO())


def test_no_allauth_bypass_code_can_be_configured_in_production(settings) -> None:
    from macehub.accounts.checks import no_mfa_bypass

    settings.MFA_TOTP_INSECURE_BYPASS_CODE = "123456"
    assert [e.id for e in no_mfa_bypass(None)] == ["macehub.E001"]
    del settings.MFA_TOTP_INSECURE_BYPASS_CODE
    assert no_mfa_bypass(None) == []


def test_logs_never_contain_passwords_or_session_ids(world: World, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client()
    client.post("/account/login/", {"login": "member.a@test.invalid", "password": PASSWORD})
    client.post("/account/login/", {"login": "member.b@test.invalid", "password": "wrong password here"})
    sign_in_through_forms(client, world.user("member_a"))
    session_key = client.session.session_key
    assert session_key
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert PASSWORD not in text and "wrong password here" not in text and session_key not in text


def test_log_lines_cannot_be_forged() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "user typed %s", ("evil\r\n2026 INFO fake entry\x1b[31m",), None
    )
    record.request_id = "-"
    line = SafeFormatter("%(message)s").format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "\\x0a2026 INFO fake entry" in line


@pytest.mark.parametrize("path", ["/", "/people/", "/audit/", "/panels/"])
def test_list_pages_use_a_fixed_number_of_queries(world: World, path: str) -> None:
    client = sign_in_through_forms(Client(), world.user("system_admin"))
    client.get(path)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(25):
        person = make_user(f"bulk{i}@test.invalid", f"Bulk {i}", mfa=False)
        grant(person, Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"])
        services.access_request_create(
            user=person, role=Role.PANEL_MEMBER, panel=world.panel_b, agency=world.agencies["police_b"], reason="x"
        )
    many = queries()
    assert many == few, f"{path}: {few} queries with a few rows, {many} with many"
    assert many <= (50 if path == "/" else 25)  # the home page gathers every app's section
