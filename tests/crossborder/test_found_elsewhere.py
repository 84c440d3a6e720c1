"""Missing across borders: a child found in another partnership's area is reported to that
partnership as a place and a date, never as a child."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from macehub.casework.models import Philomena, Placement, RiskGrade
from macehub.casework.services.missing import episode_create, episode_update
from macehub.crossborder.models import FoundElsewhere
from macehub.organisations.models import LocalAuthority
from tests.factories.crossborder import coordinator_b
from tests.factories.personas import sign_in
from tests.subjects.factories import register_for

pytestmark = pytest.mark.django_db


def _episode(world: Any, child: Any, *, days_ago: int, found_in: Any, place: str) -> Any:
    started = timezone.make_aware(datetime(2026, 11, 1, 18)) - timedelta(days=days_ago)
    return episode_create(
        actor=world.user("coordinator_a"),
        child=child,
        values={
            "started_at": started,
            "returned_at": started + timedelta(hours=20),
            "reported_to_police": False,
            "risk_grade": RiskGrade.MEDIUM,
            "placement": Placement.HOME,
            "philomena": Philomena.NOT_APPLICABLE,
            "where_found": place,
            "found_in": found_in,
            "notes": "",
        },
    )


def test_a_find_in_another_partnerships_area_tells_it_where_and_when_but_not_who(world: Any, client: Any) -> None:
    receiver = coordinator_b(world)
    register = register_for(world)
    southwark = LocalAuthority.objects.get(name="Southwark")
    lambeth = LocalAuthority.objects.get(name="Lambeth")
    _episode(world, register["c1"], days_ago=20, found_in=lambeth, place="Brixton station")  # own area
    assert not FoundElsewhere.objects.exists()
    first = _episode(world, register["c1"], days_ago=10, found_in=southwark, place="Peckham Rye car park")
    _episode(world, register["c2"], days_ago=5, found_in=southwark, place="Peckham Rye car park")
    assert FoundElsewhere.objects.filter(to_partnership=world.partnership_b).count() == 2
    # Saving the episode again does not tell them twice.
    episode_update(
        actor=world.user("coordinator_a"), episode=first, expected_version=first.version, values={"notes": "x"}
    )
    assert FoundElsewhere.objects.count() == 2

    sign_in(client, receiver)
    page = client.get("/crossborder/").content.decode()
    assert "Peckham Rye car park" in page and "Alpha MACE" in page
    for c in (register["c1"], register["c2"]):
        assert c.reference not in page and c.family_name not in page
    places = client.get(f"/crossborder/partnerships/{world.partnership_b.pk}/found-places/").content.decode()
    assert "Peckham Rye car park" in places and ">2<" in places
    notice = FoundElsewhere.objects.first()
    assert client.post(f"/crossborder/found/{notice.pk}/acknowledge/").status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == receiver
    # B's panel member does not see the places list (it does not exist for them).
    other = client.__class__()
    sign_in(other, world.user("member_b"))
    assert other.get(f"/crossborder/partnerships/{world.partnership_b.pk}/found-places/").status_code == 404
