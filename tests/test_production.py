"""The production configuration as an operator runs it (issue #11): static files collected with
the manifest storage, a cache shared by every process, and JSON logs with the request id.

Each check runs the real command in a fresh interpreter with MACEHUB_ENV=production, because
the settings are read from the environment once, at start-up.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.test import Client

from macehub.core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent
_OURS = ("MACEHUB", "SECRET", "DATABASE", "ALLOWED", "EMAIL", "REDIS", "CACHE", "LOG_FORMAT", "DJANGO")


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MACEHUB_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "macehub.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "EMAIL_HOST": "smtp.example.org",
        "MACEHUB_LONDON_KEY": uuid.uuid4().hex * 2,
        **extra,
    }


def _run(args: list[str], env: dict[str, str], timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


# --- Static files ---------------------------------------------------------------------------

_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""")


def test_collectstatic_in_production_finds_every_file_the_css_refers_to(tmp_path: Path) -> None:
    static_root = tmp_path / "static"
    env = _production_env(tmp_path, MACEHUB_STATIC_ROOT=str(static_root))
    result = _run(["manage.py", "collectstatic", "--no-input"], env)
    assert result.returncode == 0, result.stderr[-3000:]

    # An independent check: read the manifest and the collected CSS ourselves, and look for
    # the file behind every url() in it.
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    css_name = manifest["css/application.css"]
    assert css_name != "css/application.css", "the CSS was not given a hashed name"
    css_path = static_root / css_name
    urls = [u for u in _URL.findall(css_path.read_text()) if not u.startswith("data:")]
    assert urls, "expected the CSS to refer to at least the crest image"
    for url in urls:
        path = url.split("?")[0].split("#")[0]
        target = static_root / path.removeprefix("/static/") if path.startswith("/") else css_path.parent / path
        assert target.resolve().is_file(), f"{url} in {css_name} names no collected file"
        assert re.search(r"\.[0-9a-f]{12}\.", path), f"{url} is not the hashed (cache-busting) name"
    # Every script the base template loads is collected too (with its source map).
    for name in ["js/govuk-frontend.bundle.js", "js/htmx.min.js", "js/chart.umd.min.js", "js/cytoscape.min.js"]:
        assert (static_root / manifest[name]).is_file(), name


# --- Shared state between app servers ------------------------------------------------------


def _cache_settings(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({'cache': settings.CACHES['default'], 'session': settings.SESSION_ENGINE, "
        "'log': settings.LOGGING['handlers']['console']['formatter']}, default=str))"
    )
    return _run(["-c", code], _production_env(tmp_path, **extra))


def test_production_keeps_shared_state_in_the_database_or_redis(tmp_path: Path) -> None:
    plain = _cache_settings(tmp_path)
    assert plain.returncode == 0, plain.stderr
    found = json.loads(plain.stdout)
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert found["session"] == "django.contrib.sessions.backends.db"
    assert found["log"] == "json"

    for name in ("REDIS_URL", "CACHE_URL"):
        result = _cache_settings(tmp_path, **{name: "redis://127.0.0.1:6379/3"})
        assert result.returncode == 0, result.stderr
        cache = json.loads(result.stdout)["cache"]
        assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert cache["LOCATION"] == "redis://127.0.0.1:6379/3"

    wrong = _cache_settings(tmp_path, REDIS_URL="memcached://127.0.0.1:11211")
    assert wrong.returncode != 0 and "REDIS_URL" in wrong.stderr


_LOCKOUT = """
import sys, django
django.setup()
from allauth.core import ratelimit
from django.test import RequestFactory
request = RequestFactory().post("/account/login/", REMOTE_ADDR=sys.argv[2])
allowed = [ratelimit.consume(request, action="login_failed", key=sys.argv[3]) for _ in range(int(sys.argv[1]))]
print(" ".join("ok" if a else "refused" for a in allowed))
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_a_lockout_earned_in_one_process_holds_in_another(tmp_path: Path, backend: str) -> None:
    """Node A counts ten failed sign-ins for an account; node B (another process) refuses the next.

    allauth's own rate-limit code, as the sign-in form calls it; the two processes share only
    the configured cache.
    """
    extra = {}
    if backend == "redis":
        if not _redis_up():
            pytest.skip("no Redis on 127.0.0.1:6379 (this project's machines run one)")
        extra = {"REDIS_URL": "redis://127.0.0.1:6379/0", "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    env = _production_env(tmp_path, **extra)
    if backend == "database":
        created = _run(["manage.py", "createcachetable"], env)
        assert created.returncode == 0, created.stderr

    account = f"{uuid.uuid4().hex}@example.org"
    node_a = _run(["-c", _LOCKOUT, "10", "192.0.2.10", account], env)
    assert node_a.returncode == 0, node_a.stderr
    assert node_a.stdout.split() == ["ok"] * 10
    # From another address, in another process: still locked out (the count is per account).
    node_b = _run(["-c", _LOCKOUT, "1", "192.0.2.20", account], env)
    assert node_b.returncode == 0, node_b.stderr
    assert node_b.stdout.split() == ["refused"]
    # Another account is not affected.
    other = _run(["-c", _LOCKOUT, "1", "192.0.2.20", f"other-{account}"], env)
    assert other.stdout.split() == ["ok"]


# --- Logs -----------------------------------------------------------------------------------


def test_each_request_is_logged_once_as_json_with_its_request_id(db: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="macehub.request")
    request_id = "proxy-" + uuid.uuid4().hex
    secret_key = "Mg:1vXyZ:abcdefghijklmnopqrstuvwxyz0123456789"
    response = Client().get(
        f"/account/confirm-email/{secret_key}/?q=Jane+Doe", HTTP_X_REQUEST_ID=request_id, follow=False
    )
    assert response["X-Request-ID"] == request_id

    records = [r for r in caplog.records if r.name == "macehub.request"]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == request_id
    assert entry["level"] == "INFO" and entry["logger"] == "macehub.request"
    assert entry["message"].startswith("GET account_confirm_email ")
    # No confirmation key, no search term.
    assert secret_key not in line and "Jane" not in line


@pytest.mark.django_db
def test_a_made_up_request_id_is_replaced() -> None:
    response = Client().get("/account/login/", HTTP_X_REQUEST_ID="bad id\r\nInjected: yes")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_json_log_lines_cannot_be_forged() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "typed %s", ('evil\r\n{"level": "fake"}\x1b[31m',), None)
    record.request_id = "abc12345"
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert json.loads(line)["message"] == 'typed evil\r\n{"level": "fake"}\x1b[31m'


# --- The demo on the production configuration -------------------------------------------------


def test_the_demo_runs_in_production_only_on_a_demo_site(db: None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.test import override_settings

    with override_settings(PRODUCTION=True, DEMO_SITE=False):
        with pytest.raises(CommandError, match="MACEHUB_DEMO_SITE"):
            call_command("demo_logins", stdout=io.StringIO())
        with pytest.raises(CommandError, match="MACEHUB_DEMO_SITE"):
            call_command("seed_demo", stdout=io.StringIO())
    with override_settings(PRODUCTION=True, DEMO_SITE=True):
        out = io.StringIO()
        call_command("demo_logins", stdout=out)
        assert "There are no demo accounts" in out.getvalue()


def test_the_demo_site_switch_is_off_unless_set(tmp_path: Path) -> None:
    code = "import django; from django.conf import settings; django.setup(); print(settings.DEMO_SITE)"
    assert _run(["-c", code], _production_env(tmp_path)).stdout.strip() == "False"
    on = _run(["-c", code], _production_env(tmp_path, MACEHUB_DEMO_SITE="true"))
    assert on.stdout.strip() == "True", on.stderr
