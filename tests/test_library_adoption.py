"""Adopting an item for a partnership, moving to a newer version, and stopping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.library.models import Adoption, LibraryItem
from tests.factories.library import add_version, pdf, share_item
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def london_agenda(world: World) -> LibraryItem:
    return share_item(actor=world.user("london_team"), owner=None, title="London MACE agenda", content=pdf("v1"))


def test_a_chair_adopts_moves_to_a_newer_version_and_stops(world: World, london_agenda: LibraryItem) -> None:
    item = london_agenda
    chair = sign_in(Client(), world.user("chair_a"))
    page = chair.get(f"/library/{item.pk}/").content.decode()
    assert "Alpha does not use this yet." in page and "Adopt for Alpha" in page
    response = chair.post(f"/library/{item.pk}/adopt/", {"partnership": world.partnership_a.pk}, follow=True)
    assert "Alpha now uses version 1 of London MACE agenda." in response.content.decode()
    first = Adoption.objects.get()
    assert (first.partnership, first.version.number, first.adopted_by) == (
        world.partnership_a,
        1,
        world.user("chair_a"),
    )
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="library.adoption")
    assert event.detail["event"] == "adopted" and event.partnership_id == world.partnership_a.pk

    # Adopting the same version again changes nothing and says why.
    again = chair.post(f"/library/{item.pk}/adopt/", {"partnership": world.partnership_a.pk})
    assert "Alpha already uses version 1, the latest." in again.content.decode()
    assert Adoption.objects.count() == 1

    add_version(actor=world.user("london_team"), item=item, content=pdf("v2"), note="VOLT sections.")
    page = chair.get(f"/library/{item.pk}/").content.decode()
    assert "Alpha uses version 1" in page and "Move Alpha to version 2" in page
    chair.post(f"/library/{item.pk}/adopt/", {"partnership": world.partnership_a.pk})
    current = Adoption.objects.get(ended_at__isnull=True)
    assert current.version.number == 2
    first.refresh_from_db()
    assert first.ended_at is not None, "the earlier record is kept, ended"
    moved = AuditEvent.objects.filter(object_type="library.adoption").order_by("-seq").first()
    assert moved is not None and moved.detail["event"] == "moved to a newer version"
    assert (moved.detail["from_version"], moved.detail["to_version"]) == (1, 2)

    confirm = chair.get(f"/library/adoptions/{current.pk}/stop/")
    assert "Stop using London MACE agenda?" in confirm.content.decode()
    done = chair.post(f"/library/adoptions/{current.pk}/stop/", follow=True)
    assert "Alpha no longer uses London MACE agenda." in done.content.decode()
    assert not Adoption.objects.filter(ended_at__isnull=True).exists()
    stopped = AuditEvent.objects.get(action=Action.UPDATE, object_type="library.adoption")
    assert stopped.detail["event"] == "stopped using"
    assert chair.get(f"/library/adoptions/{current.pk}/stop/").status_code == 404, "already stopped"


def test_the_item_page_shows_who_uses_which_version(world: World, london_agenda: LibraryItem) -> None:
    sign_in(Client(), world.user("lead_a")).post(
        f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_a.pk}
    )
    add_version(actor=world.user("london_team"), item=london_agenda, content=pdf("v2"))
    sign_in(Client(), world.user("borough_admin_b")).post(
        f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_b.pk}
    )
    page = sign_in(Client(), world.user("member_a")).get(f"/library/{london_agenda.pk}/").content.decode()
    assert "Used by 2 partnerships; 1 on the latest version." in page
    assert "Older version" in page
    assert "Adopt for" not in page, "a panel member does not adopt for the partnership"


@pytest.mark.parametrize("persona", ["member_a", "analyst_a", "london_team", "system_admin", "peer_reviewer"])
def test_people_who_do_not_speak_for_a_partnership_cannot_adopt(
    world: World, london_agenda: LibraryItem, persona: str
) -> None:
    client = sign_in(Client(), world.user(persona))
    response = client.post(f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_a.pk})
    assert response.status_code == 403
    assert not Adoption.objects.exists()


def test_nobody_adopts_for_someone_elses_partnership(world: World, london_agenda: LibraryItem) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_b.pk})
    assert response.status_code == 403
    response = client.post(f"/library/{london_agenda.pk}/adopt/", {"partnership": 999999})
    assert response.status_code == 403
    assert not Adoption.objects.exists()
    sign_in(Client(), world.user("borough_admin_b")).post(
        f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_b.pk}
    )
    theirs = Adoption.objects.get()
    assert client.get(f"/library/adoptions/{theirs.pk}/stop/").status_code == 403
    assert client.post(f"/library/adoptions/{theirs.pk}/stop/").status_code == 403
    assert Adoption.objects.get().ended_at is None


def test_an_adopt_request_without_a_partnership_is_explained(world: World, london_agenda: LibraryItem) -> None:
    response = sign_in(Client(), world.user("coordinator_a")).post(f"/library/{london_agenda.pk}/adopt/", {})
    html = response.content.decode()
    assert (
        response.status_code == 200 and "There is a problem" in html and "Choose the partnership that uses it" in html
    )


def test_the_home_page_says_when_a_partnership_is_behind(world: World, london_agenda: LibraryItem) -> None:
    sign_in(Client(), world.user("lead_a")).post(
        f"/library/{london_agenda.pk}/adopt/", {"partnership": world.partnership_a.pk}
    )
    member = sign_in(Client(), world.user("member_a"))
    home = member.get("/").content.decode()
    assert "Tools and templates library" in home and "There are newer versions" not in home
    add_version(actor=world.user("london_team"), item=london_agenda, content=pdf("v2"))
    home = member.get("/").content.decode()
    assert "There are newer versions of items your partnership uses" in home
    assert "Alpha uses version 1; version 2 is the latest." in home
    assert "Tools and templates library" not in sign_in(Client(), world.user("no_roles")).get("/").content.decode()
