"""Issue #18: nothing a person types is lost to the 15-minute idle sign-out.

Time is controlled on both sides, never waited for: the browser's with Playwright's clock, the
server's by moving ``django.utils.timezone.now`` forward (the live server runs in this process).
Both move together, as they would over a real quarter of an hour.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from macehub.accounts.models import KeptDraft
from macehub.casework.models import MissingEpisode
from macehub.meetings.models import AgendaItem
from tests.factories.casework import casework_for
from tests.factories.meetings import meetings_for
from tests.factories.personas import PASSWORD, World, totp_code, totp_secret_for

from ..subjects.factories import ensure_harm_types, register_for
from .conftest import SIGN_IN, assert_accessible, sign_in_through_pages


class Clock:
    """The server's clock and the browser's, moved forward together."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real = timezone.now
        self.offset = timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def advance(self, page: Page, seconds: int) -> None:
        self.offset += timedelta(seconds=seconds)
        page.clock.fast_forward(seconds * 1000)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def sign_in_here(page: Page, email: str) -> None:
    """Sign in on the sign-in page already open (keeping where it will send us next)."""
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=SIGN_IN).click()
    if "/account/2fa/authenticate/" in page.url:
        secret = totp_secret_for(email)
        for offset in (0, 1, -1):
            page.get_by_label("Code").fill(totp_code(secret, offset))
            page.locator("main").get_by_role("button", name=SIGN_IN).click()
            if "/account/2fa/authenticate/" not in page.url:
                break


def close_signed_out_dialog(page: Page) -> None:
    dialog = page.get_by_role("alertdialog", name="You have been signed out")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close and stay on this page").click()
    expect(dialog).to_be_hidden()


def test_the_warning_comes_two_minutes_before_and_stay_signed_in_keeps_the_session(
    live_server: Any, live_world: World, new_page: Any, clock: Clock
) -> None:
    base = live_server.url
    page = new_page()
    page.clock.install()
    sign_in_through_pages(page, base, "chair.a@test.invalid")
    page.goto(f"{base}/")
    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    clock.advance(page, 12 * 60)
    expect(dialog).to_be_hidden()
    clock.advance(page, 60 + 5)  # 13 minutes 5 seconds without a request: under 2 minutes left
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="You will be signed out soon")).to_be_focused()
    expect(dialog).to_contain_text(re.compile(r"sign you out in (2 minutes|1 minute)"))
    assert_accessible(page, "timeout-warning")

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # 23 minutes after the page loaded, 10 after "Stay signed in": still signed in.
    clock.advance(page, 10 * 60)
    page.goto(f"{base}/")
    expect(page.get_by_test_id("acting")).to_be_visible()
    assert "/account/login/" not in page.url

    # Ignored this time: the dialog says so when the limit passes, and the server agrees.
    clock.advance(page, 13 * 60 + 5)
    expect(dialog).to_be_visible()
    clock.advance(page, 2 * 60)
    signed_out = page.get_by_role("alertdialog", name="You have been signed out")
    expect(signed_out).to_be_visible()
    expect(signed_out.get_by_role("link", name="Sign in again (opens in a new tab)")).to_be_visible()
    assert_accessible(page, "timeout-signed-out")
    page.goto(f"{base}/")
    assert "/account/login/" in page.url


def test_activity_in_another_tab_counts_and_sign_out_signs_out(
    live_server: Any, live_world: World, new_page: Any, clock: Clock
) -> None:
    base = live_server.url
    first = new_page()
    first.clock.install()
    sign_in_through_pages(first, base, "chair.a@test.invalid")
    first.goto(f"{base}/")
    second = first.context.new_page()
    second.goto(f"{base}/")
    dialog = first.get_by_role("alertdialog", name="You will be signed out soon")

    clock.advance(first, 12 * 60)
    second.goto(f"{base}/")  # a request in the other tab
    clock.advance(first, 60 + 5)
    first.wait_for_timeout(500)
    expect(dialog).to_be_hidden()  # the server says 14 minutes are left, not 2

    first.bring_to_front()
    # 13.5 minutes after the other tab's request: well inside the warning's last two minutes,
    # not on its edge (exactly 13 minutes raced the page's own timer under load).
    clock.advance(first, 12 * 60 + 30)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Sign out").click()
    expect(first.get_by_role("heading", level=1)).to_contain_text("Sign")
    first.goto(f"{base}/")
    assert "/account/login/" in first.url


def _record_page(live_world: World) -> tuple[Any, Any]:
    ensure_harm_types()
    m = meetings_for(live_world, register_for(live_world))
    return m["planned"], m["child_item"]


def test_autosave_saves_what_was_typed_after_signing_in_again_in_another_tab(
    live_server: Any, live_world: World, new_page: Any, clock: Clock
) -> None:
    base = live_server.url
    meeting, item = _record_page(live_world)
    page = new_page()
    page.clock.install()
    sign_in_through_pages(page, base, "chair.a@test.invalid")
    page.goto(f"{base}/meetings/{meeting.pk}/record/")
    box = page.locator(f"#item-{item.pk}")
    status = box.get_by_role("status")
    box.get_by_label("Discussion summary").fill("Police shared two reports.")
    expect(status).to_contain_text("Saved at", timeout=10_000)

    clock.advance(page, 16 * 60)  # the chair stops to listen; the session ends
    close_signed_out_dialog(page)
    text = "Police shared two reports. School says attendance fell to 60%."
    box.get_by_label("Discussion summary").fill(text)
    clock.advance(page, 2)
    expect(status).to_contain_text("you are signed out", timeout=10_000)
    expect(page.get_by_role("link", name="Sign in again (opens in a new tab)").first).to_be_visible()
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Police shared two reports."

    # Signing in again in another tab rotates the CSRF token: the page gets the new one and saves.
    other = page.context.new_page()
    sign_in_through_pages(other, base, "chair.a@test.invalid")
    expect(status).to_contain_text("Saved at", timeout=15_000)
    assert AgendaItem.objects.get(pk=item.pk).discussion == text
    expect(box.get_by_label("Discussion summary")).to_have_value(text)


def test_a_colleagues_save_while_signed_out_is_shown_not_overwritten(
    live_server: Any, live_world: World, new_page: Any, clock: Clock
) -> None:
    base = live_server.url
    meeting, item = _record_page(live_world)
    page = new_page()
    page.clock.install()
    sign_in_through_pages(page, base, "chair.a@test.invalid")
    page.goto(f"{base}/meetings/{meeting.pk}/record/")
    box = page.locator(f"#item-{item.pk}")
    status = box.get_by_role("status")
    box.get_by_label("Discussion summary").fill("Police shared two reports.")
    expect(status).to_contain_text("Saved at", timeout=10_000)

    clock.advance(page, 16 * 60)
    close_signed_out_dialog(page)
    box.get_by_label("Discussion summary").fill("Chair's note: refer to the NRM.")
    clock.advance(page, 2)
    expect(status).to_contain_text("you are signed out", timeout=10_000)

    # Meanwhile the coordinator, signed in, saves the same item.
    colleague = new_page()
    sign_in_through_pages(colleague, base, "coordinator.a@test.invalid")
    colleague.goto(f"{base}/meetings/{meeting.pk}/record/")
    theirs = colleague.locator(f"#item-{item.pk}")
    theirs.get_by_label("Discussion summary").fill("Coordinator: school says attendance fell.")
    expect(theirs.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)

    other = page.context.new_page()
    sign_in_through_pages(other, base, "chair.a@test.invalid")
    expect(box.get_by_text(re.compile(r"Someone else \(.*\) saved this at"))).to_be_visible(timeout=15_000)
    expect(box.get_by_text("Coordinator: school says attendance fell.")).to_be_visible()
    expect(box.get_by_label("Discussion summary")).to_have_value("Chair's note: refer to the NRM.")
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Coordinator: school says attendance fell."


def test_a_missing_episode_sent_after_the_sign_out_comes_back_filled_in(
    live_server: Any, live_world: World, new_page: Any, clock: Clock
) -> None:
    base = live_server.url
    register = register_for(live_world)
    casework_for(live_world, register)
    c1 = register["c1"]
    before = MissingEpisode.objects.count()
    page = new_page()
    page.clock.install()
    sign_in_through_pages(page, base, "chair.a@test.invalid")
    page.goto(f"{base}/casework/records/{c1.pk}/")
    page.get_by_role("link", name="Record a missing episode").click()
    form_url = page.url
    went = page.get_by_role("group", name="Date the child went missing")
    went.get_by_label("Day").fill("24")
    went.get_by_label("Month").fill("10")
    went.get_by_label("Year").fill("2025")
    page.get_by_label("Time the child went missing").fill("16:00")
    back = page.get_by_role("group", name="Date the child returned")
    back.get_by_label("Day").fill("25")
    back.get_by_label("Month").fill("10")
    back.get_by_label("Year").fill("2025")
    page.get_by_label("Time the child returned").fill("6pm")
    page.get_by_role("group", name="Was the child reported missing to the police?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("Police reference (optional)").fill("CAD 4471/24Oct")
    page.get_by_role("group", name="How did the police classify it?").get_by_label("Missing", exact=True).check()
    page.get_by_role("group", name="Risk grade").get_by_label("Medium", exact=True).check()
    page.get_by_label("Where was the child living?").select_option(label="Children's home")

    clock.advance(page, 16 * 60)  # the coordinator took a phone call
    close_signed_out_dialog(page)
    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_test_id("form-kept")).to_be_visible()
    assert "/account/login/" in page.url
    assert MissingEpisode.objects.count() == before
    kept = KeptDraft.objects.get()
    assert "CAD 4471" not in kept.data, "kept forms are encrypted at rest"
    assert_accessible(page, "kept-draft-sign-in")

    sign_in_here(page, "chair.a@test.invalid")
    assert page.url == form_url
    expect(page.get_by_test_id("kept-draft")).to_contain_text("You were signed out before this form was sent")
    expect(page.get_by_label("Police reference (optional)")).to_have_value("CAD 4471/24Oct")
    expect(page.get_by_label("Time the child returned")).to_have_value("6pm")
    expect(page.get_by_role("group", name="Risk grade").get_by_label("Medium", exact=True)).to_be_checked()
    assert_accessible(page, "kept-draft-form")
    assert not KeptDraft.objects.exists(), "given back once, then deleted"

    page.get_by_role("button", name="Save the episode").click()
    expect(page.get_by_text("Missing episode recorded.")).to_be_visible()
    assert MissingEpisode.objects.count() == before + 1
