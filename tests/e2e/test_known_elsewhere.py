"""A person of concern is matched between two partnerships, and details are shared only after
the holder agrees (issue #14)."""

from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.factories.known_elsewhere import coordinator_b, held
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types
from .conftest import assert_accessible, sign_in_as


def test_a_person_of_concern_is_matched_and_details_shared_after_the_holder_agrees(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    ensure_harm_types()
    base = live_server.url
    coordinator_b(live_world)
    ours = held(
        live_world.panel_a,
        "person",
        given_names="Dwayne",
        family_name="Okonjo",
        date_of_birth=date(1991, 4, 2),
        person_age_group="adult",
    )
    held(
        live_world.panel_b,
        "person",
        given_names="Dwayne",
        family_name="OKONJO",
        date_of_birth=date(1991, 4, 2),
        aliases=["Stretch"],
        person_age_group="adult",
        description="Runs a line into Bravo from the south. Fictional.",
    )

    # 1. Alpha's chair asks from the record: Bravo holds a match; nothing else is said.
    cai = new_page()
    sign_in_as(cai, base, "chair.a@test.invalid")
    cai.goto(f"{base}/register/persons-of-concern/{ours.pk}/")
    cai.get_by_role("link", name="Known elsewhere?").click()
    assert_accessible(cai, "known-elsewhere-ask")
    cai.get_by_label("Why are you asking?").fill("Linked to two of our children; thought to work elsewhere too.")
    cai.get_by_role("button", name="Ask other partnerships").click()
    answer = cai.get_by_test_id("holders")
    expect(answer).to_contain_text("Bravo Safeguarding Children Partnership holds a match")
    expect(answer).not_to_contain_text("Stretch")
    assert_accessible(cai, "known-elsewhere-answer")
    cai.get_by_role("link", name="Ask Bravo Safeguarding Children Partnership for details").click()
    cai.get_by_label("Why do you need the details?").fill("Planning a joint disruption.")
    assert_accessible(cai, "known-elsewhere-request")
    cai.get_by_role("button", name="Send the request").click()
    expect(cai.get_by_test_id("share-status")).to_have_text("Waiting for the holder")
    expect(cai.get_by_test_id("shared-details")).to_have_count(0)

    # 2. Bravo's coordinator is told on their home page, and decides what to share.
    cora = new_page()
    sign_in_as(cora, base, "coordinator.b@test.invalid")
    expect(cora.get_by_text("request for details waits for your decision")).to_be_visible()
    cora.get_by_role("link", name="Ask whether other London partnerships know someone or something").click()
    assert_accessible(cora, "known-elsewhere-index-holder")
    cora.get_by_test_id("waiting").get_by_role("link").click()
    cora.get_by_role("link", name="Decide whether to share").click()
    cora.get_by_label("Yes, share the details I choose").check()
    cora.get_by_label("Which of your records do the details come from?").select_option(index=1)
    cora.get_by_label("Name", exact=True).check()
    cora.get_by_label("Aliases").check()
    cora.get_by_label("Lawful basis for sharing").fill("Crime and Disorder Act 1998 s.115")
    assert_accessible(cora, "known-elsewhere-decide")
    cora.get_by_role("button", name="Save decision").click()
    # The purpose was left out: the error is next to the field and what was typed is kept.
    expect(cora.get_by_text("Enter the purpose of sharing").first).to_be_visible()
    expect(cora.get_by_label("Lawful basis for sharing")).to_have_value("Crime and Disorder Act 1998 s.115")
    assert_accessible(cora, "known-elsewhere-decide-error")
    cora.get_by_label("Purpose of sharing").fill("Joint disruption of a county line")
    cora.get_by_role("button", name="Save decision").click()
    expect(cora.get_by_test_id("share-status")).to_have_text("Agreed: details shared")

    # 3. Alpha's chair sees exactly what was chosen.
    cai.reload()
    shared = cai.get_by_test_id("shared-details")
    expect(shared).to_contain_text("Dwayne OKONJO")
    expect(shared).to_contain_text("Stretch")
    expect(shared).not_to_contain_text("1991")
    expect(cai.locator("main")).not_to_contain_text("Runs a line")
    assert_accessible(cai, "known-elsewhere-shared")
