"""The API limits calls per token and per client address (counted in the shared cache):
over the limit, 429 with Retry-After, as the API schema says."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.oversight import services
from macehub.oversight.models import TokenScope


def _call(secret: str, address: str = "203.0.113.7") -> Any:
    return Client(REMOTE_ADDR=address).get("/api/releases", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _token(world: Any, name: str) -> str:
    _token, secret = services.issue_token(
        actor=world.user("borough_admin_a"), name=name, scope=TokenScope.PARTNERSHIP, partnership=world.partnership_a
    )
    return secret


@pytest.mark.django_db
def test_calls_in_a_row_meet_the_per_token_limit(world: Any, settings: Any) -> None:
    """The production limit is 100 a minute (150 calls in a row met no limit before); a
    smaller one keeps this test quick."""
    assert settings.MACEHUB_API_RATE_PER_CALLER == "100/m"
    settings.MACEHUB_API_RATE_PER_CALLER = "10/m"
    secret = _token(world, "Power BI")
    statuses = [_call(secret, address=f"203.0.113.{i}").status_code for i in range(15)]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    refused = _call(secret, address="198.51.100.1")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert refused.json() == {"detail": "Too many requests."}
    # Another token is counted on its own.
    assert _call(_token(world, "Another"), address="198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_one_address_is_limited_whatever_token_it_uses(world: Any, settings: Any) -> None:
    settings.MACEHUB_API_RATE_PER_ADDRESS = "5/m"
    tokens = [_token(world, f"Token {i}") for i in range(6)]
    statuses = [_call(secret).status_code for secret in tokens]
    assert statuses == [200] * 5 + [429]
    assert _call(tokens[0], address="192.0.2.9").status_code == 200


def test_the_limits_are_in_the_api_schema(db: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    text = schema["info"]["description"]
    assert "429 Too Many Requests" in text and "Retry-After" in text and "100 calls a minute" in text
