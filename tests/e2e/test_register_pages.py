"""Every register and referral page type passes axe-core (WCAG 2.2 AA), as each person who
uses it sees it. The journeys themselves are in test_volt_registers.py."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.factories.personas import World

from ..subjects.factories import referral_for, register_for
from .conftest import assert_accessible, sign_in_as


def check_pages(page: Any, base: str, pages: list[tuple[str, str]]) -> None:
    for path, name in pages:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert_accessible(page, name)


def test_register_and_referral_pages_pass_axe(live_server: Any, live_world: World, new_page: Any) -> None:
    base = live_server.url
    r = register_for(live_world)
    referral = referral_for(live_world)
    panel = live_world.panel_a.pk
    c1, p1, l1, g1, t1 = r["c1"].pk, r["p1"].pk, r["l1"].pk, r["g1"].pk, r["t1"].pk

    coordinator = new_page()
    sign_in_as(coordinator, base, "coordinator.a@test.invalid")
    check_pages(
        coordinator,
        base,
        [
            ("/register/", "register-home"),
            (f"/register/{panel}/", "register-overview"),
            (f"/register/{panel}/search/?q=C-0001", "register-search"),
            (f"/register/{panel}/cases/", "register-cases"),
            (f"/register/{panel}/summary/", "register-summary"),
            (f"/register/{panel}/locations/", "register-locations"),
            (f"/register/{panel}/groups/", "register-groups"),
            (f"/register/{panel}/themes/", "register-themes"),
            (f"/register/locations/{l1}/", "record-location"),
            (f"/register/groups/{g1}/", "record-group"),
            (f"/register/themes/{t1}/", "record-theme"),
            (f"/register/children/{c1}/edit/", "record-edit"),
            (f"/register/children/{c1}/links/new/", "record-link-form"),
            (f"/register/children/{c1}/reveal/", "record-reveal"),
            (f"/register/children/{c1}/status/", "record-status"),
            (f"/register/children/{c1}/risk/", "record-risk"),
            (f"/register/locations/{l1}/case/", "record-open-as-case"),
            (f"/register/children/{c1}/merge/", "record-merge-choose"),
            (f"/register/children/{c1}/", "record-child-keeping"),
            (f"/register/children/{c1}/hold/", "record-legal-hold"),
            (f"/register/children/{c1}/access-export/", "record-access-export"),
            (f"/referrals/{referral.pk}/", "referral-detail"),
            (f"/referrals/{referral.pk}/decline/", "referral-decline"),
            (f"/referrals/queue/{panel}/", "referral-queue"),
        ],
    )
    coordinator.goto(f"{base}/register/children/{c1}/reveal/")
    coordinator.get_by_role("button", name="Show").or_(coordinator.locator("main button[type=submit]")).first.click()
    assert_accessible(coordinator, "record-reveal-errors")
    coordinator.goto(f"{base}/register/children/{c1}/hold/")
    coordinator.get_by_role("button", name="Place on legal hold").click()
    expect(coordinator.get_by_role("alert").get_by_text("Enter why the record must be kept")).to_be_visible()
    assert_accessible(coordinator, "record-legal-hold-errors")

    police = new_page()  # persons of concern are shown to the panel's police members
    sign_in_as(police, base, "member.a@test.invalid")
    check_pages(
        police,
        base,
        [
            (f"/register/{panel}/persons-of-concern/", "register-persons"),
            (f"/register/persons-of-concern/{p1}/", "record-person"),
        ],
    )

    referrer = new_page()
    sign_in_as(referrer, base, "teacher.a@test.invalid")
    check_pages(referrer, base, [("/referrals/", "referrals-mine"), (f"/referrals/{referral.pk}/", "referral-mine")])
