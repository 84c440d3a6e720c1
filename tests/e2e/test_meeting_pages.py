"""The meeting page types the journey in test_meetings.py does not pass through also pass
axe-core: editing and cancelling a meeting, an action and its edit form, an agency's actions."""

from __future__ import annotations

from typing import Any

from macehub.meetings.services import scheduling
from tests.factories.meetings import add_item, make_meeting
from tests.factories.personas import World

from .conftest import assert_accessible, sign_in_as
from .test_meetings import panel_ready  # noqa: F401 - the fixture


def test_other_meeting_pages_pass_axe(
    live_server: Any,
    live_world: World,
    new_page: Any,
    panel_ready: dict[str, Any],  # noqa: F811
) -> None:
    base = live_server.url
    action = panel_ready["action"]
    upcoming = make_meeting(live_world.panel_a, days=7, chair=live_world.user("chair_a"))

    coordinator = new_page()
    sign_in_as(coordinator, base, "coordinator.a@test.invalid")
    for path, name in (
        (f"/meetings/{upcoming.pk}/edit/", "meeting-edit"),
        (f"/meetings/{upcoming.pk}/cancel/", "meeting-cancel"),
        (f"/actions/{action.pk}/", "action-detail"),
        (f"/actions/{action.pk}/edit/", "action-edit"),
    ):
        response = coordinator.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert_accessible(coordinator, name)
    coordinator.goto(f"{base}/meetings/{upcoming.pk}/cancel/")
    coordinator.locator("main button[type=submit]").first.click()
    assert_accessible(coordinator, "meeting-cancel-errors")

    # A housing officer invited for one place (R21): that item, nothing else.
    register = panel_ready["register"]
    place = add_item(upcoming, register["l1"])
    add_item(upcoming, register["c1"])
    scheduling.invite_for_item(
        actor=live_world.user("coordinator_a"), item=place, user_ids=[live_world.user("guest_a").pk]
    )
    guest = new_page()
    sign_in_as(guest, base, "guest.a@test.invalid")
    guest.goto(f"{base}/meetings/{upcoming.pk}/agenda/")
    agenda = guest.locator("main").inner_text()
    assert register["l1"].reference in agenda and register["c1"].reference not in agenda
    assert_accessible(guest, "meeting-agenda-invited-professional")
    guest.goto(f"{base}/")
    assert_accessible(guest, "home-invited-professional")

    police = new_page()
    sign_in_as(police, base, "member.a@test.invalid")
    response = police.goto(f"{base}/actions/agency/")
    assert response is not None and response.status == 200
    assert_accessible(police, "actions-agency")
