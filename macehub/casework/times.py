"""London time for casework: what people type and read is the time on a London clock; what is
stored is UTC. Elapsed-time rules (a return home interview within 72 hours) are worked out on
the stored UTC values, so a clock change inside the window is counted correctly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


class TimeError(ValueError):
    """A time that cannot be read, or that did not exist on a London clock."""


def parse_time(text: str) -> time:
    """ "21:30", "9:30pm", "9pm", "0930" or "12.15" → a time of day."""
    raw = text.strip().lower().replace(" ", "")
    if raw in ("midday", "noon"):
        return time(12, 0)
    if raw == "midnight":
        return time(0, 0)
    if re.fullmatch(r"\d{4}", raw):
        raw = f"{raw[:2]}:{raw[2:]}"
    match = _TIME.match(raw)
    if not match:
        raise TimeError("Enter a time, for example 21:30 or 9:30pm")
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise TimeError("Enter a real time: with am or pm, the hour is from 1 to 12")
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None:
        raise TimeError("Enter the time with minutes, for example 21:00, or with am or pm, for example 9pm")
    if hour > 23 or minute > 59:
        raise TimeError("Enter a real time, for example 21:30")
    return time(hour, minute)


def london_datetime(day: date, at: time) -> datetime:
    """The moment a London clock showed ``at`` on ``day``, in UTC.

    A time skipped when the clocks go forward (01:00–01:59 on the last Sunday of March) is
    refused. A time that happens twice when the clocks go back (01:00–01:59 on the last Sunday
    of October) is read as the first, British Summer Time."""
    local = datetime.combine(day, at, tzinfo=LONDON)
    round_trip = local.astimezone(UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise TimeError(
            f"There was no {format_time(at)} on {day:%-d %B %Y} in London: the clocks went forward an hour. "
            "Check the time"
        )
    return local.astimezone(UTC)


def to_london(moment: datetime) -> datetime:
    return timezone.localtime(moment, LONDON)


def format_time(at: time) -> str:
    return at.strftime("%H:%M")


def london_parts(moment: datetime | None) -> tuple[date | None, str]:
    """(date, "HH:MM") on a London clock, to fill a form."""
    if moment is None:
        return None, ""
    local = to_london(moment)
    return local.date(), local.strftime("%H:%M")


def describe(moment: datetime) -> str:
    """ "Tuesday 28 October 2025 at 17:00 GMT" — with the zone, because it changes."""
    local = to_london(moment)
    return f"{local:%A %-d %B %Y} at {local:%H:%M} {local.tzname()}"


def elapsed(delta: timedelta) -> str:
    """ "72 hours 30 minutes": elapsed time, as the 72-hour rule counts it (days past a week)."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 7 * 24 * 60:
        days = minutes // (24 * 60)
        return f"{days} days"
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {minutes} minute{'s' if minutes != 1 else ''}" if minutes else text
