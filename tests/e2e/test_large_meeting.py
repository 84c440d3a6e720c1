"""A very large meeting in the browser (issue 17): the paged agenda, contributions grid and pack
pass axe-core, and the pagination is reached and followed with the keyboard alone."""

from __future__ import annotations

from typing import Any

from macehub.meetings.models import Acknowledgement
from macehub.subjects.models import Kind
from tests.factories.meetings import add_item, make_meeting
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, make_subject
from .conftest import assert_accessible, sign_in_as


def test_a_paged_meeting_passes_axe_and_works_from_the_keyboard(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    ensure_harm_types()
    base = live_server.url
    meeting = make_meeting(live_world.panel_a, days=5, chair=live_world.user("chair_a"))
    meeting.agencies.set([live_world.agencies["police_a"], live_world.agencies["csc_a"]])
    for i in range(70):
        add_item(meeting, make_subject(live_world.panel_a, Kind.CHILD if i < 50 else Kind.GROUP), minutes_allowed=4)
    Acknowledgement.objects.create(meeting=meeting, user=live_world.user("coordinator_a"))

    page = new_page()
    sign_in_as(page, base, "coordinator.a@test.invalid")
    for path, name in (
        (f"/meetings/{meeting.pk}/agenda/", "meeting-agenda-paged"),
        (f"/meetings/{meeting.pk}/contributions/", "meeting-contributions-paged"),
        (f"/meetings/{meeting.pk}/pack/?page=2", "meeting-pack-paged"),
    ):
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert page.locator("nav.govuk-pagination").count() == 2  # above and below the items
        assert_accessible(page, name)

    # Keyboard only: Tab until "Next" has focus, then Enter.
    page.goto(f"{base}/meetings/{meeting.pk}/agenda/")
    assert "Items 1 to 50 of 70" in page.locator("main").inner_text()
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        raise AssertionError("the Next link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/meetings/{meeting.pk}/agenda/?page=2")
    assert "Items 51 to 70 of 70" in page.locator("main").inner_text()
