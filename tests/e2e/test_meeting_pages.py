"""The meeting page types the journey in test_meetings.py does not pass through also pass
axe-core: editing and cancelling a meeting, an action and its edit form, an agency's actions."""

from __future__ import annotations

from typing import Any

from macehub.core.testing import World
from macehub.meetings.testing import make_meeting

from .conftest import assert_accessible, sign_in_through_pages
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
    sign_in_through_pages(coordinator, base, "coordinator.a@test.invalid")
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

    police = new_page()
    sign_in_through_pages(police, base, "member.a@test.invalid")
    response = police.goto(f"{base}/actions/agency/")
    assert response is not None and response.status == 200
    assert_accessible(police, "actions-agency")
