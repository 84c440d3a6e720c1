"""Calendar invitations for meetings (.ics, RFC 5545), made with the ``icalendar`` package.

* One event per meeting with a stable ``UID`` (the meeting's id and the service's host), so a
  calendar updates the same entry rather than adding another.
* ``SEQUENCE`` is :attr:`Meeting.calendar_sequence`: it goes up when the meeting moves (date,
  times or venue) and when it is cancelled, and the update is e-mailed to everyone already
  invited (``METHOD:REQUEST``; a cancellation is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``).
* Nothing about who will be discussed: the summary is the panel and the kind of meeting, the
  description says to sign in for the agenda, and each person's file names only them as attendee.
  The online joining link is not in it either (as in the e-mail): it is on the meeting page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting, MeetingStatus

#: When a meeting has no end time, its calendar entry lasts this long.
DEFAULT_LENGTH = timedelta(hours=2)
PRODID = "-//MACE Hub//Meetings//EN"


def meeting_uid(meeting: Meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "macehub.invalid"
    return f"meeting-{meeting.pk}@{host}"


def meeting_times(meeting: Meeting) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.combine(meeting.date, meeting.start_time), zone)
    if meeting.end_time is not None and meeting.end_time > meeting.start_time:
        end = timezone.make_aware(datetime.combine(meeting.date, meeting.end_time), zone)
    else:
        end = start + DEFAULT_LENGTH
    return start, end


def meeting_calendar(meeting: Meeting, *, method: str = "PUBLISH", attendee: Any = None) -> bytes:
    """The meeting as an iCalendar file. ``method`` is REQUEST (an invitation or an update),
    CANCEL (a cancellation) or PUBLISH (a download from the meeting page)."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    start, end = meeting_times(meeting)
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.calendar_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add(
        "summary", f"{'Cancelled: ' if cancelled else ''}{meeting.panel.name}: {meeting.get_meeting_type_display()}"
    )
    if meeting.venue:
        event.add("location", meeting.venue)
    elif meeting.online_link:
        event.add("location", "Online (the joining link is on the meeting page)")
    url = f"{settings.SITE_URL}/meetings/{meeting.pk}/"
    event.add("url", url)
    event.add(
        "description",
        "Sign in to MACE Hub to see the agenda and send your agency's contribution: "
        f"{url}\nFor safety this invitation does not say who or what will be discussed.",
    )
    event.add("status", "CANCELLED" if cancelled or method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(meeting.panel.name or name)
    event.add("organizer", organizer)
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(getattr(attendee, "full_name", "") or attendee.email)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText("NEEDS-ACTION")
        person.params["rsvp"] = vText("FALSE")
        event.add("attendee", person, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def attachment(meeting: Meeting, *, method: str, attendee: Any) -> list[str]:
    """An e-mail attachment (file name, text, MIME type) for :func:`macehub.core.email.send_later`."""
    content = meeting_calendar(meeting, method=method, attendee=attendee).decode()
    return ["meeting.ics", content, f"text/calendar; method={method}; charset=UTF-8"]
