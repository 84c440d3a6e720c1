"""List and record pages use the same number of queries with a few rows and with many."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from macehub.subjects.models import HarmType, Kind, LinkType, RiskChange
from tests.factories.personas import World, sign_in

from .factories import make_link, make_subject


def _grow(world: World, register: dict[str, Any], n: int = 30) -> None:
    """Many more children, all at the same location and in the same group (lots of alerts),
    with harm types, risk history and links to the person of concern."""
    harm = list(HarmType.objects.all()[:3])
    for i in range(n):
        child = make_subject(world.panel_a, Kind.CHILD, risk_level="Medium")
        child.harm_types.set(harm)
        make_link(child, register["l1"], LinkType.SEEN_AT)
        make_link(child, register["g1"], LinkType.MEMBER_OF)
        make_link(child, register["p1"], LinkType.EXPLOITED_BY)
        make_link(child, register["t1"], LinkType.THEME)
        RiskChange.objects.create(subject=register["c1"], level="High", decided_on="2025-09-01", reason=f"r{i}")
        make_subject(world.panel_a, Kind.LOCATION, name=f"Place {i}").harm_types.set(harm)


def _count(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


PAGES = [
    lambda w, r: f"/register/{w.panel_a.pk}/",
    lambda w, r: f"/register/{w.panel_a.pk}/children/",
    lambda w, r: f"/register/{w.panel_a.pk}/locations/",
    lambda w, r: f"/register/{w.panel_a.pk}/persons-of-concern/",
    lambda w, r: f"/register/{w.panel_a.pk}/alerts/",
    lambda w, r: f"/register/{w.panel_a.pk}/cases/",
    lambda w, r: f"/register/{w.panel_a.pk}/summary/",
    lambda w, r: f"/register/children/{r['c1'].pk}/",
    lambda w, r: f"/register/children/{r['c1'].pk}/network/",
    lambda w, r: f"/register/locations/{r['l1'].pk}/",
    lambda w, r: f"/register/persons-of-concern/{r['p1'].pk}/",
    lambda w, r: f"/register/groups/{r['g1'].pk}/",
    lambda w, r: f"/register/children/{r['c1'].pk}/links/new/",
    lambda w, r: "/",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_pages_meet_a_fixed_query_budget(world: World, register: dict[str, Any], page: int) -> None:
    client = sign_in(Client(), world.user("member_a"))
    path = PAGES[page](world, register)
    client.get(path)  # warm per-session caches
    few = _count(client, path)
    _grow(world, register)
    many = _count(client, path)
    assert many == few, f"{path}: {few} queries with a few rows, {many} with many"
    assert few <= 40, f"{path} uses {few} queries"
