"""Calendar invitations (.ics, RFC 5545): attached to the invitation e-mails and downloadable from
the meeting page, one stable UID per meeting, SEQUENCE going up and an update sent when the
meeting moves, CANCEL when it is cancelled, and nothing about who will be discussed. Every file
is read with vobject, a second iCalendar parser independent of the icalendar package that writes them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.core import mail
from django.utils import timezone

from macehub.meetings.models import Meeting
from macehub.meetings.services import scheduling
from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for

LONDON = ZoneInfo("Europe/London")
#: What must never be in a calendar file: the children and persons of concern on the agenda.
IDENTIFYING = ("Jayden", "Ashcombe", "Dwayne", "Okonjo", "C-0001", "P-0001", "L-0001")


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return meetings_for(world, register_for(world))


def _calendars(outbox: list[Any]) -> dict[str, Any]:
    """Recipient → the parsed calendar attached to their e-mail."""
    found = {}
    for message in outbox:
        parts = [
            a for a in message.attachments if "calendar" in (a[2] if isinstance(a, tuple) else a.get_content_type())
        ]
        assert len(parts) == 1, message.subject
        part = parts[0]
        text = part[1] if isinstance(part, tuple) else part.get_payload(decode=True).decode()
        for word in IDENTIFYING:
            assert word not in text, word
        found[message.to[0]] = vobject.readOne(text)
    return found


def _send_invitations(world: World, meeting: Meeting, capture: Any) -> dict[str, Any]:
    mail.outbox.clear()
    with capture(execute=True):
        scheduling.invitations_send(actor=world.user("coordinator_a"), meeting=meeting)
    return _calendars(mail.outbox)


def test_invitations_carry_a_calendar_entry_for_each_person(
    world: World, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = m["planned"]
    Meeting.objects.filter(pk=meeting.pk).update(start_time=time(10, 0), end_time=time(12, 0), venue="Town hall")
    meeting.refresh_from_db()
    calendars = _send_invitations(world, meeting, django_capture_on_commit_callbacks)
    invited = ("chair_a", "coordinator_a", "member_a", "member_a_education")  # the last for one item only
    assert sorted(calendars) == sorted(world.user(p).email for p in invited)
    for email, cal in calendars.items():
        assert cal.method.value == "REQUEST"
        event = cal.vevent
        assert event.uid.value == f"meeting-{meeting.pk}@127.0.0.1"
        assert int(event.sequence.value) == 0
        start = datetime.combine(meeting.date, time(10, 0), LONDON)
        assert event.dtstart.value == start and event.dtend.value == start + timedelta(hours=2)
        assert event.location.value == "Town hall"
        assert event.status.value == "CONFIRMED"
        assert event.summary.value == f"{world.panel_a.name}: {meeting.get_meeting_type_display()}"
        # Each person's file names them only, not the other people invited.
        attendees = [a.value for a in event.attendee_list]
        assert attendees == [f"mailto:{email}"]
        assert "teams.example" not in str(cal.serialize())


def test_moving_the_meeting_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    world: World, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = m["planned"]
    first = _send_invitations(world, meeting, django_capture_on_commit_callbacks)
    uid = next(iter(first.values())).vevent.uid.value
    mail.outbox.clear()
    # Changing only the chair does not move anything in a calendar: no update.
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            actor=world.user("coordinator_a"),
            meeting=meeting,
            expected_version=meeting.version,
            values={"chair": world.user("chair_a"), "contributions_due": None},
        )
    assert mail.outbox == [] and Meeting.objects.get(pk=meeting.pk).calendar_sequence == 0

    new_day = meeting.date + timedelta(days=7)
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            actor=world.user("coordinator_a"),
            meeting=meeting,
            expected_version=meeting.version,
            values={"date": new_day, "start_time": time(14, 0), "end_time": time(15, 30)},
        )
    updates = _calendars(mail.outbox)
    assert set(updates) == set(first)
    assert all(": Changed: " in message.subject for message in mail.outbox)
    for cal in updates.values():
        event = cal.vevent
        assert cal.method.value == "REQUEST"
        assert event.uid.value == uid
        assert int(event.sequence.value) == 1
        assert event.dtstart.value == datetime.combine(new_day, time(14, 0), LONDON)
        assert event.dtend.value.astimezone(UTC) == datetime.combine(new_day, time(15, 30), LONDON).astimezone(UTC)

    # Cancelling: a CANCEL with the same UID and a higher sequence still.
    mail.outbox.clear()
    meeting.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_cancel(
            actor=world.user("coordinator_a"), meeting=meeting, expected_version=meeting.version, reason="Venue closed"
        )
    cancels = _calendars(mail.outbox)
    assert set(cancels) == set(first)
    for cal in cancels.values():
        assert cal.method.value == "CANCEL"
        assert cal.vevent.uid.value == uid
        assert int(cal.vevent.sequence.value) == 2
        assert cal.vevent.status.value == "CANCELLED"
        assert "Venue closed" not in str(cal.serialize())


def test_a_meeting_not_yet_sent_tells_nobody_when_it_moves(
    world: World, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = m["planned"]
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            actor=world.user("coordinator_a"),
            meeting=meeting,
            expected_version=meeting.version,
            values={"date": meeting.date + timedelta(days=1)},
        )
    assert mail.outbox == []
    assert Meeting.objects.get(pk=meeting.pk).calendar_sequence == 1  # the entry, when sent, is the newer one


def test_the_calendar_entry_downloads_from_the_meeting_page(world: World, m: dict[str, Any], client_as: Any) -> None:
    meeting = m["planned"]
    client = client_as("member_a_education")  # invited for one item only
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/meeting.ics"' in page and "Add to your calendar" in page
    response = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"meeting-{meeting.date:%Y-%m-%d}.ics" in response["Content-Disposition"]
    text = response.content.decode()
    for word in IDENTIFYING:
        assert word not in text
    cal = vobject.readOne(text)
    assert cal.method.value == "PUBLISH"
    assert cal.vevent.uid.value == f"meeting-{meeting.pk}@127.0.0.1"
    start = datetime.combine(meeting.date, meeting.start_time, LONDON)
    assert cal.vevent.dtstart.value == start
    assert cal.vevent.dtend.value == start + timedelta(hours=2)  # no end time: two hours
    assert client_as("member_b").get(f"/meetings/{meeting.pk}/meeting.ics").status_code == 404
    assert abs(cal.vevent.dtstamp.value - timezone.now()) < timedelta(minutes=5)
