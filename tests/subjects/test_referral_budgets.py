"""Referral pages use the same number of queries with a few referrals and with many."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from macehub.referrals.models import Referral
from macehub.subjects.models import HarmType
from tests.factories.personas import World, sign_in

from .factories import referral_for


def _many(world: World, n: int = 25) -> None:
    harm = list(HarmType.objects.all()[:3])
    for i in range(n):
        r = Referral.objects.create(
            panel=world.panel_a,
            number=100 + i,
            subject_type="location" if i % 2 else "child",
            referrer=world.user("member_a_education"),
            referrer_agency=world.agencies["education_a"],
            route="pre_mace",
            name="A place",
            given_names="A",
            age_band="14_15",
            concerns="x",
        )
        r.harm_types.set(harm)


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("coordinator_a", lambda w: f"/referrals/queue/{w.panel_a.pk}/"),
        ("coordinator_a", lambda w: f"/referrals/queue/{w.panel_a.pk}/?status=all"),
        ("member_a_education", lambda w: "/referrals/"),
        ("coordinator_a", lambda w: f"/referrals/{referral_for(w).pk}/"),
        ("coordinator_a", lambda w: f"/referrals/{referral_for(w).pk}/accept/"),
    ],
)
def test_referral_pages_meet_a_fixed_query_budget(world: World, persona: str, path: Any) -> None:
    referral_for(world)  # a few rows to start with (an empty page skips loading related rows)
    client = sign_in(Client(), world.user(persona))
    url = path(world)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    _many(world)
    assert count() == few, url
