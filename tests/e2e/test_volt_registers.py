"""A referral becomes a register record, its network is drawn, a second child at the same place
raises a shared-context alert, and a duplicate is caught and merged without losing links."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from macehub.subjects.models import Kind, Link, LinkType, Status, Subject
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, make_link, make_subject
from .conftest import assert_accessible, sign_in_as


def _fill_child(page: Any, given: str, family: str, dob: tuple[int, int, int]) -> None:
    page.get_by_label("First names").fill(given)
    page.get_by_label("Last name").fill(family)
    page.get_by_label("Day").fill(str(dob[0]))
    page.get_by_label("Month").fill(str(dob[1]))
    page.get_by_label("Year").fill(str(dob[2]))


def _add_child(page: Any, base: str, panel_pk: int, given: str, family: str, dob: tuple[int, int, int]) -> None:
    page.goto(f"{base}/register/{panel_pk}/children/new/")
    _fill_child(page, given, family, dob)
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Boy or young man").check()
    page.get_by_label("Ethnicity").select_option(label="Caribbean")
    page.get_by_label("No special educational needs or disabilities").check()
    page.get_by_label("Not looked after").check()
    page.get_by_label("Education, employment or training").select_option(label="Mainstream school")
    page.get_by_label("Child criminal exploitation").check()
    page.get_by_role("button", name="Add to the register").click()


def _add_link(page: Any, how: str, record: str) -> None:
    page.get_by_role("button", name="Add a link").or_(page.get_by_role("link", name="Add a link")).first.click()
    page.get_by_label(how).check()
    page.get_by_label("Linked record").select_option(label=record)
    page.get_by_label("Confirmed").check()
    page.get_by_role("button", name="Save link").click()


def test_referral_to_register_network_shared_context_alert_and_merge(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    ensure_harm_types()
    base = live_server.url
    panel = live_world.panel_a
    station = make_subject(panel, Kind.LOCATION, name="Northgate bus station", location_type="transport")
    group = make_subject(panel, Kind.GROUP, name="Northgate estate older boys", group_type="peer")
    make_link(group, station, LinkType.SEEN_AT)
    year = timezone.localdate().year - 14

    # 1. The school's representative refers a child.
    tess = new_page()
    sign_in_as(tess, base, "teacher.a@test.invalid")
    tess.get_by_role("link", name="Make a referral").click()
    assert_accessible(tess, "volt-referral-start")
    tess.get_by_label("An individual child or young person").check()
    tess.get_by_role("button", name="Continue").click()
    _fill_child(tess, "Jayden", "Ashcombe", (14, 5, year))
    tess.get_by_label("Male", exact=True).check()
    tess.get_by_label("Child criminal exploitation").check()
    tess.get_by_label("What are you worried about?").fill("Missing three times; found in another county with cash.")
    tess.get_by_label("Places (optional)").fill("Waits at Northgate bus station after school")
    tess.get_by_label(re.compile("^Through the front door")).check()
    assert_accessible(tess, "volt-referral-form")
    tess.get_by_role("button", name="Send referral").click()
    expect(tess.get_by_text("Referral R-0001 sent to Alpha MACE")).to_be_visible()
    expect(tess.get_by_text("Waiting for screening").first).to_be_visible()
    assert_accessible(tess, "volt-referral-sent")

    # 2. The coordinator screens it: accept, creating the child linked to the station.
    cora = new_page()
    sign_in_as(cora, base, "coordinator.a@test.invalid")
    cora.get_by_role("link", name="1 referral waiting for screening").click()
    assert_accessible(cora, "volt-triage-queue")
    cora.get_by_role("link", name="R-0001").click()
    cora.get_by_role("link", name="Accept to the panel").click()
    assert cora.get_by_label("L-0001 Northgate bus station (location)").is_checked(), "the place it names is ticked"
    cora.get_by_label("Why does it meet the panel's criteria?").fill("Criminal exploitation indicators.")
    assert_accessible(cora, "volt-accept")
    cora.get_by_role("button", name="Accept referral").click()
    expect(cora.get_by_role("heading", name="C-0001")).to_be_visible()
    links = cora.get_by_test_id("links")
    expect(links.get_by_text("Is seen at")).to_be_visible()
    expect(links.get_by_role("link", name=re.compile("^L-0001"))).to_be_visible()
    expect(cora.get_by_text("Listed for the next meeting", exact=True)).to_be_visible()
    assert cora.get_by_text("Jayden").count() == 0, "the name stays hidden"
    assert_accessible(cora, "volt-child-record")
    first_child = Subject.objects.get(kind=Kind.CHILD)

    # 3. The network view shows the child's connections, two steps out, drawn and listed.
    cora.get_by_role("link", name="Network").click()
    cora.locator("#network-graph[data-ready='true'] canvas").first.wait_for()
    listing = cora.get_by_test_id("network-list")
    expect(listing.get_by_role("link", name=re.compile("^L-0001")).first).to_be_visible()
    expect(listing.get_by_role("link", name=re.compile("^G-0001")).first, "two steps out").to_be_visible()
    assert_accessible(cora, "volt-network")

    # 4. A second child seen at the same station raises a shared-context alert.
    _add_child(cora, base, panel.pk, "Kofi", "Brightwell", (2, 2, year))
    expect(cora.get_by_role("heading", name="C-0002")).to_be_visible()
    _add_link(cora, "is seen at — a location", "L-0001 Northgate bus station")
    expect(cora.get_by_text(re.compile("Shared-context alert: C-0002 shares a context with C-0001"))).to_be_visible()
    expect(cora.get_by_text("1 other child shares a context with C-0002 but is not linked to them.")).to_be_visible()
    assert_accessible(cora, "volt-shared-context-alert")

    # 5. The same child added again with a misspelt name: a duplicate warning, then a merge.
    _add_child(cora, base, panel.pk, "Jaiden", "Ashcomb", (14, 5, year))
    warning = cora.get_by_test_id("duplicate-warning")
    expect(warning.get_by_text("This may already be on the register.")).to_be_visible()
    expect(warning.get_by_role("link", name="C-0001")).to_be_visible()
    assert_accessible(cora, "volt-duplicate-warning")
    cora.get_by_label(re.compile("^I have checked")).check()
    cora.get_by_role("button", name="Add to the register").click()
    expect(cora.get_by_role("heading", name="C-0003")).to_be_visible()
    _add_link(cora, "is part of — a group", "G-0001 Northgate estate older boys")
    cora.get_by_test_id("possible-duplicates").get_by_role("link", name=re.compile("Compare and merge")).click()
    assert_accessible(cora, "volt-merge")
    assert cora.get_by_label("Keep C-0001 (merge C-0003 into it)").is_checked(), "the older record is kept"
    cora.get_by_label("Why are these the same?").fill("Same child: name misspelt, same date of birth.")
    cora.get_by_role("button", name="Merge the records").click()
    expect(cora.get_by_text("C-0003 merged into C-0001. Nothing was lost.")).to_be_visible()
    links = cora.get_by_test_id("links")
    expect(links.get_by_role("link", name=re.compile("^L-0001"))).to_be_visible()
    expect(links.get_by_role("link", name=re.compile("^G-0001")), "the duplicate's link came across").to_be_visible()
    assert_accessible(cora, "volt-merged")
    merged = Subject.objects.get(given_names="Jaiden")
    assert merged.status == Status.MERGED and merged.merged_into_id == first_child.pk
    assert Link.objects.filter(source=first_child, target=group, ended_on__isnull=True).exists()
