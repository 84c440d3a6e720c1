"""A MACE meeting in a real browser, from scheduling to the next meeting:

schedule → build a VOLT agenda from waiting referrals → agencies submit contributions → record
attendance (quoracy shown) → record decisions and actions → chair approves minutes → PDF
downloaded and its text checked → the next meeting opens with the carried-forward actions.
axe-core runs on every page type on the way."""

from __future__ import annotations

import re
from datetime import time, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from macehub.meetings.models import Action, AgendaItem, Attendance, Meeting, MeetingStatus
from macehub.referrals.models import Referral
from macehub.subjects.models import Kind, Subject
from tests.factories.meetings import add_item, invite, make_meeting
from tests.factories.personas import World

from ..subjects.factories import ensure_harm_types, make_subject, register_for
from .conftest import assert_accessible, sign_in_as


@pytest.fixture
def panel_ready(live_world: World) -> dict[str, Any]:
    """Panel A with a register, an accepted referral waiting to be heard, and last month's meeting
    whose action for the police is still open."""
    ensure_harm_types()
    world = live_world
    register = register_for(world)
    panel = world.panel_a
    panel.quorum_agency_types = ["police", "childrens_social_care"]
    panel.save()
    waiting = make_subject(panel, Kind.CHILD, for_next_meeting=True, description="Found at a hotel at 2am.")
    referral = Referral.objects.create(
        panel=panel,
        number=1,
        subject_type="child",
        referrer=world.user("member_a_education"),
        referrer_agency=world.agencies["education_a"],
        route="front_door",
        concerns="Meeting adults she met online.",
        status="accepted",
        decision_reason="Meets the criteria",
        decided_at=timezone.now(),
    )
    referral.subjects.add(waiting)
    last = make_meeting(
        panel, days=-28, chair=world.user("chair_a"), status=MeetingStatus.HELD, closed_at=timezone.now(), quorate=True
    )
    item = add_item(last, register["c2"], discussion="Missing twice.", decisions="Keep open.")
    invite(last, world.user("member_a"), world.agencies["police_a"])
    Attendance.objects.create(meeting=last, agency=world.agencies["police_a"], status="attended")
    action = Action.objects.create(
        panel=panel,
        number=1,
        meeting=last,
        item=item,
        subject=register["c2"],
        description="Share the missing-episode reports with children's social care.",
        owner_agency=world.agencies["police_a"],
        owner=world.user("member_a"),
        due_date=timezone.localdate() - timedelta(days=3),
    )
    return {"waiting": waiting, "action": action, "register": register}


def _fill_date(scope: Any, day: Any) -> None:
    scope.get_by_label("Day").fill(str(day.day))
    scope.get_by_label("Month").fill(str(day.month))
    scope.get_by_label("Year").fill(str(day.year))


def _sign_in(new_page: Any, base: str, email: str) -> Page:
    page = new_page()
    sign_in_as(page, base, email)
    return page


def test_a_meeting_from_scheduling_to_the_next_meeting(
    live_server: Any, live_world: World, new_page: Any, panel_ready: dict[str, Any], tmp_path: Path
) -> None:
    base = live_server.url
    world = live_world
    waiting: Subject = panel_ready["waiting"]
    action: Action = panel_ready["action"]
    today = timezone.localdate()

    # 1. Amara (the coordinator) schedules this month's meeting and the next, on the cadence.
    amara = _sign_in(new_page, base, "coordinator.a@test.invalid")
    amara.get_by_role("link", name="Meetings", exact=True).click()
    expect(amara.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()
    assert_accessible(amara, "meetings-index")
    amara.get_by_role("link", name="Alpha MACE meetings").click()
    assert_accessible(amara, "meetings-panel")
    amara.get_by_role("link", name="Schedule meetings").click()
    amara.get_by_label("Start time").fill("")
    amara.get_by_label("Venue").fill("")
    amara.get_by_label("Online meeting link").fill("")
    amara.get_by_role("button", name="Schedule").click()
    expect(amara.get_by_role("link", name="Enter the start time")).to_be_visible()
    expect(amara.get_by_role("link", name="Enter where the meeting is, or the link to join it online")).to_be_visible()
    assert_accessible(amara, "meetings-schedule-errors")
    _fill_date(amara.get_by_role("group", name="Date", exact=True), today)
    _fill_date(amara.get_by_role("group", name=re.compile("contributions due by")), today)
    amara.get_by_label("Start time").fill("10:00")
    amara.get_by_label("Online meeting link").fill("https://teams.example/meet/alpha")
    amara.get_by_label("One chair").check()
    amara.get_by_label("Chair", exact=True).select_option(label="Cai Alpha (chair.a@test.invalid)")
    amara.get_by_label("How many meetings?").fill("2")
    amara.get_by_role("button", name="Schedule").click()
    expect(amara.get_by_text("2 meetings scheduled")).to_be_visible()
    meeting, following = list(Meeting.objects.filter(date__gte=today).order_by("date"))
    assert following.date > meeting.date

    # 2. The agenda opens with last month's outstanding action; she adds the waiting referral.
    expect(amara.get_by_role("heading", name=re.compile("Actions from earlier meetings"))).to_be_visible()
    expect(amara.get_by_text(action.description)).to_be_visible()
    assert_accessible(amara, "meetings-agenda-empty")
    amara.get_by_role("link", name="Add items").click()
    expect(amara.get_by_role("heading", name="Accepted referrals waiting to be heard")).to_be_visible()
    expect(amara.get_by_label(re.compile(f"{waiting.reference} — Accepted referral R-0001"))).to_be_checked()
    amara.get_by_label(re.compile("L-0001 Northgate bus station")).check()
    assert_accessible(amara, "meetings-agenda-builder")
    amara.get_by_role("button", name="Add selected to the agenda").click()
    expect(amara.get_by_text("2 items added to the agenda.")).to_be_visible()
    expect(amara.get_by_role("cell", name=re.compile(f"{waiting.reference}.*New referral"))).to_be_visible()
    assert_accessible(amara, "meetings-agenda")
    child_item = AgendaItem.objects.get(meeting=meeting, subject=waiting)
    place_item = AgendaItem.objects.get(meeting=meeting, subject__kind=Kind.LOCATION)
    assert child_item.presenter == world.user("member_a_education")
    amara.get_by_role("link", name=f"Change {waiting.reference}").click()
    amara.get_by_label("Time allowed (minutes)").fill("15")
    assert_accessible(amara, "meetings-item")
    amara.get_by_role("button", name="Save").click()
    expect(amara.get_by_role("cell", name="15")).to_be_visible()

    # 3. Invitations and contribution requests go out.
    amara.get_by_role("link", name="Invitations").first.click()
    assert_accessible(amara, "meetings-invitations")
    amara.get_by_role("button", name="Send invitations and contribution requests").click()
    expect(amara.get_by_text(re.compile("Invitations and contribution requests sent to 4 people"))).to_be_visible()

    # 4. Priya-like school lead (invited for her pupil only) sends what the school knows.
    school = _sign_in(new_page, base, "teacher.a@test.invalid")
    expect(school.get_by_text("Your agency has 1 contribution to send")).to_be_visible()
    school.get_by_text("Your agency has 1 contribution to send").click()
    expect(school.get_by_role("heading", name="What Alpha Education knows")).to_be_visible()
    assert "L-0001" not in school.content()
    assert_accessible(school, "meetings-contribute")
    school.get_by_role("link", name=f"Send the contribution on {waiting.reference}").click()
    school.get_by_label("Yes: we hold information (write it below)").check()
    school.get_by_role("button", name="Send").click()
    expect(school.get_by_role("link", name="Enter what your agency knows, or choose ‘Nothing held’")).to_be_visible()
    assert_accessible(school, "meetings-contribute-item-errors")
    school.get_by_label("What your agency knows").fill("Attendance 58% this term; seen with older males at the gates.")
    school.get_by_role("button", name="Send").click()
    expect(school.get_by_text(f"Contribution on {waiting.reference} sent for Alpha Education.")).to_be_visible()

    # The police member says the police hold nothing on the location.
    police = _sign_in(new_page, base, "member.a@test.invalid")
    police.goto(f"{base}/meetings/items/{place_item.pk}/contribution/")
    police.get_by_label("Nothing held").check()
    police.get_by_role("button", name="Send").click()
    expect(police.get_by_text("Contribution on L-0001 Northgate bus station sent")).to_be_visible()
    # They read the pack after confirming it stays confidential.
    police.goto(f"{base}/meetings/{meeting.pk}/pack/")
    assert_accessible(police, "meetings-acknowledge")
    police.get_by_label(re.compile("I will keep this information confidential")).check()
    police.get_by_role("button", name="Open the pack").click()
    expect(police.get_by_role("heading", name="Meeting pack")).to_be_visible()
    expect(police.get_by_text("Attendance 58% this term")).to_be_visible()
    assert_accessible(police, "meetings-pack")

    # 5. The contributions grid shows who has not replied; one click chases them.
    amara.goto(f"{base}/meetings/{meeting.pk}/contributions/")
    grid = amara.get_by_test_id("contributions-grid")
    expect(grid.get_by_text("Submitted")).to_have_count(1)
    expect(grid.get_by_text("Nothing held")).to_have_count(1)
    assert_accessible(amara, "meetings-contributions")
    amara.get_by_role("button", name="Chase every agency with missing contributions").click()
    expect(amara.get_by_text(re.compile("chased: \\d (person|people) e-mailed"))).to_have_count(2)

    # 6. During the meeting: attendance with quoracy shown live.
    amara.goto(f"{base}/meetings/{meeting.pk}/record/")
    expect(amara.get_by_test_id("quoracy")).to_contain_text("Not quorate")
    attendance = amara.get_by_test_id("attendance")
    attendance.get_by_role("group", name="Attendance of Alpha Police").get_by_label("Attended").check()
    expect(amara.get_by_test_id("quoracy")).to_contain_text("Missing: Children's social care")
    attendance.get_by_role("group", name="Attendance of Alpha Children's social care").get_by_label(
        "Sent a deputy"
    ).check()
    expect(amara.get_by_test_id("quoracy")).to_contain_text("Quorate")
    expect(amara.get_by_test_id("quoracy")).not_to_contain_text("Not quorate")
    assert_accessible(amara, "meetings-record")

    # Decisions, risk and actions, saved as she types.
    section = amara.locator(f"#item-{child_item.pk}")
    section.get_by_label("Discussion summary").fill("School and police report older males at the gates.")
    section.get_by_label("Risk level decided").select_option("High")
    section.get_by_label("Decisions").fill("Keep open; strategy discussion to be requested.")
    expect(section.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)
    section.get_by_text(f"Add an action for {waiting.reference}").click()
    section.get_by_label("Action", exact=True).fill("Request a strategy discussion.")
    section.get_by_label("Owner agency").select_option(label="Alpha Children's social care")
    _fill_date(section, today + timedelta(days=10))
    section.get_by_role("button", name="Agree the action").click()
    expect(amara.get_by_text("Action A-0002 agreed for Alpha Children's social care.")).to_be_visible()
    place = amara.locator(f"#item-{place_item.pk}")
    place.get_by_label("Decisions").fill("Police to increase patrols after school.")
    place.get_by_role("button", name="Save L-0001 Northgate bus station").click()
    expect(place.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)

    # Closing is refused while last month's action is undecided.
    amara.get_by_role("link", name="Close the meeting").click()
    expect(
        amara.get_by_text(
            f"Decide each outstanding action (completed, carried forward or no longer needed): {action.reference}."
        )
    ).to_be_visible()
    assert_accessible(amara, "meetings-close-refused")
    amara.get_by_role("link", name="Back to the record").click()
    review = amara.locator(f"#action-{action.pk}")
    review.get_by_role("radio", name="Carried forward").check()
    review.get_by_label("If carried forward, why?").select_option(label="Agency did not act")
    _fill_date(review, following.date + timedelta(days=3))
    review.get_by_label("Note").fill("No reports received yet.")
    review.get_by_role("button", name=f"Record the decision on {action.reference}").click()
    expect(amara.get_by_text(f"{action.reference}: carried forward.")).to_be_visible()

    amara.get_by_role("link", name="Close the meeting").click()
    assert_accessible(amara, "meetings-close")
    amara.get_by_role("button", name="Close the meeting and draft the minutes").click()
    expect(amara.get_by_role("heading", name=re.compile("Minutes"))).to_be_visible()
    expect(amara.get_by_text("The meeting was quorate.")).to_be_visible()
    expect(amara.get_by_text("A chair approves the minutes.")).to_be_visible()
    assert_accessible(amara, "meetings-minutes-draft")
    amara.get_by_role("link", name="Edit the draft").click()
    assert_accessible(amara, "meetings-minutes-edit")
    waiting.refresh_from_db()
    assert waiting.risk_level == "High" and not waiting.for_next_meeting

    # 7. The chair approves the minutes and downloads the PDF.
    chair = _sign_in(new_page, base, "chair.a@test.invalid")
    chair.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    chair.get_by_role("button", name="Approve the minutes").click()
    expect(chair.get_by_text("Minutes approved (version 1).")).to_be_visible()
    assert_accessible(chair, "meetings-minutes-approved")
    with chair.expect_download() as info:
        chair.get_by_role("link", name="Download (PDF)").click()
    pdf = Path(info.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert f"Minutes: {meeting.date:%A %-d %B %Y}" in text
    assert "Keep open; strategy discussion to be requested." in text
    assert "Risk level decided: High" in text
    assert "Request a strategy discussion." in text
    assert "carried forward: agency did not act" in text.lower()
    assert "Jayden" not in text and "Person" not in text  # references, never names
    chair.get_by_role("button", name="Send to attendees").click()
    expect(chair.get_by_text(re.compile("Minutes sent to \\d+ attendees with access."))).to_be_visible()

    # 8. The next meeting opens with the carried-forward action and today's new one.
    amara.goto(f"{base}/meetings/{following.pk}/agenda/")
    outstanding = amara.get_by_test_id("outstanding-actions")
    expect(outstanding).to_contain_text(action.reference)
    expect(outstanding).to_contain_text("carried forward 1×")
    expect(outstanding).to_contain_text("A-0002")

    # And the other pages on the way: actions, an action, meeting quality, feedback.
    police.goto(f"{base}/actions/")
    expect(police.get_by_role("link", name=action.reference)).to_be_visible()
    assert_accessible(police, "meetings-my-actions")
    police.get_by_role("link", name=action.reference).click()
    assert_accessible(police, "meetings-action")
    police.goto(f"{base}/meetings/{meeting.pk}/feedback/")
    police.get_by_role("group", name=re.compile("focused on exploitation")).get_by_label("Yes").check()
    police.get_by_role("group", name=re.compile("clear actions")).get_by_label("Partly").check()
    police.get_by_role("group", name=re.compile("chairing effective")).get_by_label("Yes").check()
    assert_accessible(police, "meetings-feedback")
    police.get_by_role("button", name="Send feedback").click()
    expect(police.get_by_text("Thank you: your feedback goes to the chairs")).to_be_visible()
    chair.goto(f"{base}/panels/{world.panel_a.pk}/meetings/quality/")
    expect(chair.get_by_test_id("agency-records")).to_contain_text("Alpha Police")
    assert_accessible(chair, "meetings-quality")
    chair.goto(f"{base}/panels/{world.panel_a.pk}/actions/?status=all")
    assert_accessible(chair, "meetings-action-log")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    assert time(10, 0) == meeting.start_time


def test_two_people_typing_in_one_item_lose_nothing(live_server: Any, live_world: World, new_page: Any) -> None:
    """Autosave with optimistic locking: the second person sees the first's version beside
    their own, and combining keeps both."""
    from tests.factories.meetings import meetings_for

    ensure_harm_types()
    m = meetings_for(live_world, register_for(live_world))
    base = live_server.url
    amara = _sign_in(new_page, base, "coordinator.a@test.invalid")
    chair = _sign_in(new_page, base, "chair.a@test.invalid")
    for page in (amara, chair):
        page.goto(f"{base}/meetings/{m['planned'].pk}/record/")
    mine = amara.locator(f"#item-{m['child_item'].pk}")
    theirs = chair.locator(f"#item-{m['child_item'].pk}")
    mine.get_by_label("Discussion summary").fill("Police shared two reports.")
    expect(mine.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)
    theirs.get_by_label("Discussion summary").fill("School reports falling attendance.")
    expect(theirs.get_by_text(re.compile("Someone else \\(Cora Alpha\\) saved this at"))).to_be_visible(timeout=10_000)
    expect(theirs.get_by_text("Police shared two reports.")).to_be_visible()
    assert_accessible(chair, "meetings-record-conflict")
    theirs.get_by_role("button", name="Combine: theirs, then mine").click()
    expect(theirs.get_by_role("status")).to_contain_text("Saved at", timeout=10_000)
    item = AgendaItem.objects.get(pk=m["child_item"].pk)
    assert item.discussion == "Police shared two reports.\n\nSchool reports falling attendance."
