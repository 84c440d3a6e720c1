"""The API documents every status it can answer, and its documentation page is served from
MACE Hub itself (built from the schema: no script, nothing from another site)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from macehub.oversight import services
from macehub.oversight.models import TokenScope
from tests.factories.personas import World, sign_in

pytestmark = pytest.mark.django_db

IDS = {"release_id": "999999", "dataset_id": "999999"}


def _schema() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def _tokens(world: World) -> dict[str, str]:
    _, london = services.issue_token(actor=world.user("london_team"), name="London", scope=TokenScope.LONDON)
    _, partnership = services.issue_token(
        actor=world.user("borough_admin_a"), name="Board", scope=TokenScope.PARTNERSHIP, partnership=world.partnership_a
    )
    return {"london": london, "partnership": partnership}


def _probes(path: str, world: World) -> list[str]:
    """Addresses to try for one documented path: good and bad ids, good and bad parameters."""
    filled = path.replace("{partnership_id}", str(world.partnership_a.pk))
    for name, value in IDS.items():
        filled = filled.replace("{" + name + "}", value)
    probes = [filled, re.sub(r"/\d+(/|$)", r"/not-a-number\1", filled)]
    if "{partnership_id}" in path:
        other = path.replace("{partnership_id}", str(world.partnership_b.pk))
        probes += [other, filled + "?published=maybe", filled + "?period=someday", filled + "?table=nope"]
    if path.endswith("/releases"):
        probes += [filled + "?quarter=2025-q1", filled + "?quarter=soon"]
    return probes


def test_every_response_an_endpoint_gives_is_in_the_schema(world: World, settings: Any) -> None:
    schema = _schema()
    tokens = _tokens(world)
    seen: set[int] = set()
    undocumented = []
    for path, methods in schema["paths"].items():
        documented = {int(code) for code in methods["get"]["responses"]}
        statuses: set[int] = set()
        for url in _probes(path, world):
            statuses.add(Client().get(url).status_code)  # no token
            statuses.add(Client().get(url, HTTP_AUTHORIZATION="Bearer mh_not-a-real-token").status_code)
            for secret in tokens.values():
                statuses.add(Client().get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code)
            statuses.add(Client().post(url, HTTP_AUTHORIZATION=f"Bearer {tokens['london']}").status_code)
        settings.MACEHUB_MAX_REQUEST_BYTES = 10
        big = Client().generic(
            "GET", _probes(path, world)[0], b"x" * 100, HTTP_AUTHORIZATION=f"Bearer {tokens['london']}"
        )
        statuses.add(big.status_code)
        settings.MACEHUB_MAX_REQUEST_BYTES = 25 * 1024 * 1024
        settings.MACEHUB_API_RATE_PER_CALLER = "1/m"
        for _ in range(2):
            statuses.add(
                Client().get(_probes(path, world)[0], HTTP_AUTHORIZATION=f"Bearer {tokens['partnership']}").status_code
            )
        settings.MACEHUB_API_RATE_PER_CALLER = "100/m"
        from django.core.cache import cache

        cache.clear()
        seen |= statuses
        if statuses - documented:
            undocumented.append(f"{path}: answers {sorted(statuses - documented)} not in the schema")
    assert not undocumented, "\n".join(undocumented)
    # The probes did reach every kind of answer the issue named.
    assert {200, 400, 401, 403, 404, 405, 413, 422, 429} <= seen, sorted(seen)


def test_every_status_has_a_plain_meaning_and_errors_have_a_body() -> None:
    for path, methods in _schema()["paths"].items():
        for code, response in methods["get"]["responses"].items():
            assert response["description"] and "Unknown" not in response["description"], (path, code)
            assert "content" in response, f"{path} {code} has no body schema"


def test_the_documentation_page_is_built_from_the_schema(world: World) -> None:
    client = sign_in(Client(), world.user("member_a"))
    page = client.get("/oversight/api/").content.decode()
    for path, methods in _schema()["paths"].items():
        assert f"GET {path}" in page
        for code in methods["get"]["responses"]:
            assert f"<code>{code}</code>" in page
    assert "Retry-After" in page
    # Served from MACE Hub itself: no script or style from anywhere else.
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_the_token_page_links_to_the_documentation(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    assert 'href="/oversight/api/"' in client.get("/oversight/tokens/").content.decode()
