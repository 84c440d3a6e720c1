"""Starts the real OpenID Connect provider in tests/oidc/provider.mjs (node's `oidc-provider`)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "macehub"
CLIENT_SECRET = "macehub-test-secret"
PROVIDER_PASSWORD = "provider-password"


@contextmanager
def running_provider(*redirect_uris: str) -> Iterator[str]:
    """Yields the issuer URL of a provider listening on a free port; stops it afterwards."""
    args = ["node", str(PROVIDER), "--port", "0"]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("READY "), f"the test OpenID Connect provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at_provider(issuer: str, authorize_url: str, email: str, password: str = PROVIDER_PASSWORD) -> str:
    """Plays the person at the provider's own login page; returns where it sends them back to
    (MACE Hub's callback address with a code, or with an error)."""
    session = requests.Session()
    response = session.get(authorize_url, allow_redirects=True, timeout=10)
    match = re.search(r'action="(/interaction/[^"]+/login)"', response.text)
    assert match, f"no login form at the provider: {response.status_code} {response.text[:300]}"
    response = session.post(
        issuer + match.group(1), data={"email": email, "password": password}, allow_redirects=False, timeout=10
    )
    while response.status_code in (302, 303):
        location = str(response.headers["location"])
        if location.startswith("/"):
            location = issuer + location
        if not location.startswith(issuer):
            break
        response = session.get(location, allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), f"the provider did not send the person back: {response.text[:300]}"
    return str(response.headers["location"])


def configure(issuer: str, *, pk: int, trust_mfa: bool = True, domains: str = "sso.example.test") -> Any:
    """The system admin's configuration, as the form would save it."""
    from macehub.accounts.models import SignInProvider
    from macehub.accounts.sso import encrypt_secret

    return SignInProvider.objects.create(
        pk=pk,
        name="Example Council",
        domains=domains,
        server_url=issuer,
        client_id=CLIENT_ID,
        client_secret_encrypted=encrypt_secret(CLIENT_SECRET),
        trust_provider_mfa=trust_mfa,
        mfa_amr_values="mfa",
    )
