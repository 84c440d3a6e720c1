"""R21: a professional invited for one item sees that item and nothing else — not the other
items, not the register, referrals or casework, not the panel, not the whole meeting.

``guest_a`` holds only the "invited professional" role on panel A (for the school). The
permission matrix covers every other URL for them; this file follows them through a meeting.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from macehub.meetings.models import Contribution, InvitationScope
from macehub.meetings.policies import meeting_records
from macehub.meetings.selectors.agenda import items_visible_to
from macehub.meetings.services import scheduling
from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    meetings = meetings_for(world, register_for(world))
    meetings["register"] = register_for(world)
    return meetings


@pytest.fixture
def invited(world: World, m: dict[str, Any]) -> dict[str, Any]:
    scheduling.invite_for_item(
        actor=world.user("coordinator_a"), item=m["location_item"], user_ids=[world.user("guest_a").pk]
    )
    return m


def test_the_guest_sees_their_item_and_no_other(world: World, client_as: Any, invited: dict[str, Any]) -> None:
    planned, mine, other = invited["planned"], invited["location_item"], invited["child_item"]
    client = client_as("guest_a")
    assert f'href="/meetings/{planned.pk}/"' in client.get("/meetings/").content.decode(), "listed for them"
    agenda = client.get(f"/meetings/{planned.pk}/agenda/").content.decode()
    assert "L-0001" in agenda
    assert "C-0001" not in agenda and "P-0001" not in agenda
    assert "Actions from earlier meetings" not in agenda
    assert client.get(f"/meetings/items/{other.pk}/contribution/").status_code == 404
    guest = world.user("guest_a")
    assert not meeting_records.can(guest, "see_all_items", planned)
    assert not meeting_records.can(guest, "see_persons", planned)
    assert set(items_visible_to(guest, planned).values_list("pk", flat=True)) == {mine.pk}


def test_the_guest_contributes_on_their_item_for_their_agency(
    world: World, client_as: Any, invited: dict[str, Any]
) -> None:
    item = invited["location_item"]
    client = client_as("guest_a")
    response = client.post(
        f"/meetings/items/{item.pk}/contribution/",
        {"status": "submitted", "text": "The school has seen older boys waiting at the gates.", "version": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    saved = Contribution.objects.get(item=item)
    assert saved.agency == world.agencies["education_a"] and saved.submitted_by == world.user("guest_a")


def test_the_guest_reaches_no_record_referral_casework_or_panel_page(
    world: World, client_as: Any, invited: dict[str, Any]
) -> None:
    register = invited["register"]
    client = client_as("guest_a")
    location, child = register["l1"], register["c1"]
    for path in (
        f"/register/{world.panel_a.pk}/",
        f"/register/locations/{location.pk}/",
        f"/register/children/{child.pk}/",
        f"/casework/children/{child.pk}/risk/",
        f"/referrals/queue/{world.panel_a.pk}/",
        "/referrals/new/",
        f"/panels/{world.panel_a.pk}/",
        f"/meetings/{invited['planned'].pk}/contributions/",
    ):
        assert client.get(path).status_code in (403, 404), path


def test_a_guest_cannot_be_invited_to_the_whole_meeting(world: World, client_as: Any, m: dict[str, Any]) -> None:
    planned = m["planned"]
    guest = world.user("guest_a")
    with pytest.raises(ValidationError) as refused:
        scheduling.invitations_set(
            actor=world.user("coordinator_a"),
            meeting=planned,
            agencies=[],
            scopes={guest.pk: InvitationScope.WHOLE},
        )
    assert "invited for items only" in str(refused.value)
    page = client_as("coordinator_a").get(f"/meetings/{planned.pk}/invitations/").content.decode()
    assert "Gus Guest" in page
    assert f'name="scope_{guest.pk}" type="radio" value="whole"' not in page
    assert f'name="scope_{guest.pk}" type="radio" value="items"' in page


def test_what_they_see_follows_an_invitation_within_one_request(world: World, m: dict[str, Any]) -> None:
    """Access is worked out once per request, yet never goes stale: inviting someone (or ending
    their role) in the same request changes what the policies answer at once."""
    from django.utils import timezone

    from macehub.core.access import access_snapshot

    guest, item, planned = world.user("guest_a"), m["location_item"], m["planned"]
    with access_snapshot():
        assert not meeting_records.can(guest, "view", planned)
        assert not items_visible_to(guest, planned).exists()
        scheduling.invite_for_item(actor=world.user("coordinator_a"), item=item, user_ids=[guest.pk])
        assert meeting_records.can(guest, "view", planned)
        assert set(items_visible_to(guest, planned).values_list("pk", flat=True)) == {item.pk}
        for membership in guest.memberships.filter(panel_id=planned.panel_id, ended_at__isnull=True):
            membership.ended_at = timezone.now()
            membership.save()
        assert not meeting_records.can(guest, "view", planned)
        assert not items_visible_to(guest, planned).exists()
