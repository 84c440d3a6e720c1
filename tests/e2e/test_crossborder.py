"""Browser journey: Lambeth (partnership A) sends a moving child to partnership B; B's
coordinator sees the notification on their home page, acknowledges and accepts; A sees the
state on the child's record. axe-core runs on every cross-border page type."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories.crossborder import coordinator_b
from tests.factories.personas import World

from ..subjects.factories import register_for
from .conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.browser


def _date(page: Page, legend: str, day: int, month: int, year: int) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_a_child_moves_from_a_to_b_and_b_acknowledges_and_accepts(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    base = live_server.url
    c1 = register_for(live_world)["c1"]
    receiver = coordinator_b(live_world)

    # 1. A's coordinator records the move from the child's record; a missing answer is refused
    #    and what was typed is kept.
    sender = new_page()
    sign_in_as(sender, base, "coordinator.a@test.invalid")
    sender.goto(f"{base}/register/children/{c1.pk}/")
    sender.get_by_role("link", name="Record a move out of the partnership").click()
    assert_accessible(sender, "crossborder-move-form")
    sender.get_by_role("group", name="What kind of move is it?").get_by_label("Family moved").check()
    _date(sender, "Date of the move", 30, 11, 2026)
    sender.get_by_label("Harm types").check()
    sender.get_by_label("Key contacts").check()
    sender.get_by_label("Message to the receiving coordinator (optional)").fill("School place being arranged.")
    sender.get_by_role("button", name="Send the handover").click()
    expect(sender.get_by_role("link", name="Choose the partnership the child is moving to")).to_be_visible()
    expect(sender.get_by_label("Message to the receiving coordinator (optional)")).to_have_value(
        "School place being arranged."
    )
    assert_accessible(sender, "crossborder-move-form-errors")
    sender.get_by_label("Which partnership is the child moving to?").select_option(label="Bravo")
    sender.get_by_role("button", name="Send the handover").click()
    expect(sender.get_by_text("Handover sent to Bravo.")).to_be_visible()
    expect(sender.get_by_test_id("state")).to_contain_text("Sent")
    assert_accessible(sender, "crossborder-handover-sent")

    # 2. B's coordinator sees it on their home page, reads the summary, acknowledges, accepts.
    receiving = new_page()
    sign_in_as(receiving, base, receiver.email)
    waiting = receiving.get_by_test_id("handovers-waiting")
    expect(waiting).to_contain_text("Child from Alpha")
    assert_accessible(receiving, "crossborder-home-section")
    waiting.get_by_role("link").first.click()
    expect(receiving.get_by_test_id("summary")).to_contain_text("Ashcombe")
    expect(receiving.get_by_test_id("summary")).to_contain_text("Cora Alpha")
    assert_accessible(receiving, "crossborder-handover-received")
    receiving.get_by_role("button", name="Acknowledge").click()
    expect(receiving.get_by_text("Handover acknowledged.")).to_be_visible()
    receiving.get_by_role("link", name="Accept onto a register or decline").click()
    receiving.get_by_role("button", name="Save the decision").click()
    expect(receiving.get_by_role("link", name="Choose whether your panel will hold the child")).to_be_visible()
    assert_accessible(receiving, "crossborder-decide-errors")
    receiving.get_by_label("Yes, add them to a register").check()
    receiving.get_by_label("Which panel's register? (if yes)").select_option(label="Bravo MACE")
    receiving.get_by_role("button", name="Save the decision").click()
    expect(receiving.get_by_test_id("decision")).to_contain_text("held by Bravo MACE")
    assert_accessible(receiving, "crossborder-handover-accepted")
    # The cross-border list.
    receiving.goto(f"{base}/crossborder/")
    expect(receiving.get_by_test_id("incoming")).to_contain_text("Accepted onto the register")
    assert_accessible(receiving, "crossborder-home")

    # 3. A sees the state on the child's record, stepped down as moved.
    sender.goto(f"{base}/register/children/{c1.pk}/")
    moves = sender.get_by_test_id("moves")
    expect(moves).to_contain_text("Accepted onto the register")
    expect(moves).to_contain_text("Bravo MACE")
    expect(sender.get_by_text("Moved: family moved, now in Bravo")).to_be_visible()
    assert_accessible(sender, "crossborder-record-moved")
