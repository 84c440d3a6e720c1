"""Oversight in a browser: Kwame (analyst) opens the dashboard → exports XLSX → prepares the
quarter's release → Helen (strategic lead) signs it off → Lena (London team) sees it in the
pan-London view, with small counts shown as c. Every oversight page type is checked with
axe-core on the way."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from macehub.oversight.models import Release, ReleaseStatus
from tests.factories.personas import World

from ..oversight.factories import QUARTER, records_for
from .conftest import assert_accessible, sign_in_as


def test_from_the_dashboard_to_the_london_view(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    records_for(live_world)
    a = live_world.partnership_a.pk

    # 1. Kwame opens the dashboard for the quarter.
    kwame = new_page()
    sign_in_as(kwame, base, "analyst.a@test.invalid")
    kwame.get_by_role("link", name="Oversight data").first.click()
    kwame.wait_for_url(re.compile(rf"/oversight/partnerships/{a}/"))
    kwame.get_by_label("Period").select_option(QUARTER.key)
    kwame.get_by_role("button", name="Show figures").click()
    expect(kwame.get_by_role("heading", level=1)).to_contain_text("2025-26 Q1")
    expect(kwame.get_by_test_id("table-children_summary")).to_contain_text("6")
    expect(kwame.locator('canvas[data-oversight-chart="chart-children_summary"][data-drawn="true"]')).to_be_attached()
    assert_accessible(kwame, "oversight-dashboard")
    kwame.get_by_role("navigation", name="Dashboard sections").get_by_role("link", name="Children").click()
    expect(kwame.get_by_test_id("table-children_ethnicity")).to_be_visible()
    assert_accessible(kwame, "oversight-section")
    kwame.get_by_role("link", name="Show the figures as they would be published").click()
    expect(kwame.get_by_test_id("table-children_sex")).to_contain_text("c")

    # 2. He exports every table to Excel for the board paper.
    with kwame.expect_download() as download:
        kwame.get_by_role("link", name="Download every table (Excel)").click()
    assert download.value.suggested_filename.endswith(f"-all-{QUARTER.key}.xlsx")

    # 3. He previews and prepares the release to London.
    kwame.get_by_role("link", name="Prepare this quarter's release to London").click()
    expect(kwame.get_by_text("Small count").first).to_be_visible()
    assert_accessible(kwame, "oversight-release-preview")
    kwame.get_by_role("button", name="Prepare the release for sign-off").click()
    expect(kwame.get_by_text("is ready for the strategic lead to sign off")).to_be_visible()
    assert_accessible(kwame, "oversight-release-draft")
    release = Release.objects.get(partnership_id=a)
    assert release.status == ReleaseStatus.DRAFT

    # 4. Helen signs it off.
    helen = new_page()
    sign_in_as(helen, base, "lead.a@test.invalid")
    helen.goto(f"{base}/oversight/releases/{release.pk}/")
    helen.get_by_role("link", name="Check and sign off").click()
    helen.get_by_role("button", name="Sign off and release to London").click()
    expect(helen.get_by_role("alert")).to_contain_text("Confirm that you have checked the figures")
    assert_accessible(helen, "oversight-sign-off-with-errors")
    helen.get_by_label("I have checked these figures").check()
    helen.get_by_role("button", name="Sign off and release to London").click()
    expect(helen.get_by_text("It is now available to the London team")).to_be_visible()

    # 5. Lena sees it in the pan-London view, small counts as c, and publishes the dataset.
    lena = new_page()
    sign_in_as(lena, base, "london@test.invalid")
    lena.get_by_role("link", name="Oversight data").first.click()
    lena.get_by_role("link", name="Partnerships' releases and the London dataset").click()
    lena.get_by_label("Quarter", exact=True).select_option(QUARTER.key)
    lena.get_by_label("Table", exact=True).select_option("children_sex")
    lena.get_by_role("button", name="Show").click()
    expect(lena.get_by_test_id("released-count")).to_contain_text("1 partnership has released")
    table = lena.get_by_test_id("table-children_sex")
    expect(table.get_by_role("row", name=re.compile("^Alpha"))).to_contain_text("c")
    assert_accessible(lena, "oversight-london")
    lena.get_by_role("button", name=re.compile("Publish the .* London dataset")).click()
    expect(lena.get_by_role("heading", level=1)).to_contain_text("Pan-London exploitation dataset")
    assert_accessible(lena, "oversight-london-published")
    # The London team never reaches the partnership's dashboard.
    response = lena.goto(f"{base}/oversight/partnerships/{a}/")
    assert response is not None and response.status == 403


def test_the_other_oversight_pages_are_accessible(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    records_for(live_world)
    a = live_world.partnership_a.pk
    chair = new_page()
    sign_in_as(chair, base, "chair.a@test.invalid")
    chair.goto(f"{base}/oversight/partnerships/{a}/sections/children/?period={QUARTER.key}")
    chair.get_by_test_id("table-children_summary").get_by_role("link").first.click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text("Children on the register")
    assert_accessible(chair, "oversight-drill-down")
    for section in ("equality", "contexts", "safety", "partners"):
        chair.goto(f"{base}/oversight/partnerships/{a}/sections/{section}/?period={QUARTER.key}")
        assert_accessible(chair, f"oversight-section-{section}")
    chair.goto(f"{base}/oversight/measures/")
    assert_accessible(chair, "oversight-measures")
    admin = new_page()
    sign_in_as(admin, base, "admin.a@test.invalid")
    admin.goto(f"{base}/oversight/tokens/")
    admin.get_by_label("What is the token for?").fill("Board dashboard")
    admin.get_by_label("Alpha: its released figures").check()
    group = admin.get_by_role("group", name="Expiry date")
    group.get_by_label("Day").fill("1")
    group.get_by_label("Month").fill("1")
    from django.utils import timezone

    group.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    admin.get_by_role("button", name="Issue the token").click()
    expect(admin.get_by_test_id("token-secret")).to_contain_text("mh_")
    assert_accessible(admin, "oversight-tokens")
    admin.goto(f"{base}/oversight/partnerships/{a}/releases/")
    assert_accessible(admin, "oversight-releases")
