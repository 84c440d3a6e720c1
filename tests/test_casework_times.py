"""London time in casework: what is typed is a London clock time, what is stored is UTC, and
"within 72 hours of return" is elapsed time — right across both clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from macehub.casework.models import RHI_WINDOW, within_72_hours
from macehub.casework.templatetags.casework import london
from macehub.casework.times import TimeError, describe, london_datetime, london_parts, parse_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:30", time(21, 30)),
        ("9:30pm", time(21, 30)),
        ("9pm", time(21, 0)),
        ("9.30 am", time(9, 30)),
        ("0930", time(9, 30)),
        ("12am", time(0, 0)),
        ("12:15pm", time(12, 15)),
        ("midday", time(12, 0)),
        ("00:00", time(0, 0)),
    ],
)
def test_times_are_read_as_people_type_them(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9", "13pm", "half nine", "21:75", ""])
def test_impossible_times_are_refused_with_a_plain_message(text: str) -> None:
    with pytest.raises(TimeError, match=r"^Enter"):
        parse_time(text)


def test_summer_and_winter_times_are_stored_in_utc() -> None:
    assert london_datetime(date(2025, 7, 1), time(18, 0)) == datetime(2025, 7, 1, 17, 0, tzinfo=UTC)
    assert london_datetime(date(2025, 12, 1), time(18, 0)) == datetime(2025, 12, 1, 18, 0, tzinfo=UTC)


def test_a_time_the_clocks_skipped_is_refused() -> None:
    # 30 March 2025: the clocks went from 01:00 GMT to 02:00 BST.
    with pytest.raises(TimeError, match="There was no 01:30 on 30 March 2025 in London"):
        london_datetime(date(2025, 3, 30), time(1, 30))


def test_a_time_that_happened_twice_is_read_as_the_first() -> None:
    # 26 October 2025: 01:30 happened in BST, then again in GMT; the first is taken.
    assert london_datetime(date(2025, 10, 26), time(1, 30)) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_72_hours_across_the_autumn_clock_change_is_elapsed_time() -> None:
    """Returned on the Saturday before the clocks went back, at 18:00 BST. 72 hours later a
    London clock shows 17:00 GMT on the Tuesday, not 18:00: an interview at 17:30 is late,
    though the clock says only 71 and a half hours have passed."""
    returned = london_datetime(date(2025, 10, 25), time(18, 0))
    assert describe(returned + RHI_WINDOW) == "Tuesday 28 October 2025 at 17:00 GMT"
    assert within_72_hours(returned, london_datetime(date(2025, 10, 28), time(16, 59)))
    assert within_72_hours(returned, london_datetime(date(2025, 10, 28), time(17, 0)))
    assert not within_72_hours(returned, london_datetime(date(2025, 10, 28), time(17, 30)))
    # A naive sum of wall-clock times would wrongly call 17:30 on time.
    naive = datetime(2025, 10, 28, 17, 30) - datetime(2025, 10, 25, 18, 0)
    assert naive < timedelta(hours=72)


def test_72_hours_across_the_spring_clock_change_is_elapsed_time() -> None:
    """Returned at 18:00 GMT on the Saturday before the clocks went forward: 72 hours later is
    19:00 BST on the Tuesday, so an interview at 18:30 BST is still in time."""
    returned = london_datetime(date(2025, 3, 29), time(18, 0))
    assert describe(returned + RHI_WINDOW) == "Tuesday 1 April 2025 at 19:00 BST"
    assert within_72_hours(returned, london_datetime(date(2025, 4, 1), time(18, 30)))
    assert not within_72_hours(returned, london_datetime(date(2025, 4, 1), time(19, 1)))


def test_stored_moments_are_shown_on_a_london_clock_with_the_zone() -> None:
    moment = datetime(2025, 10, 25, 17, 0, tzinfo=UTC)
    assert london(moment) == "Saturday 25 October 2025 at 18:00 BST"
    assert london(moment, "short") == "25 Oct 2025, 18:00 BST"
    assert london_parts(datetime(2025, 12, 1, 9, 5, tzinfo=UTC)) == (date(2025, 12, 1), "09:05")


def test_elapsed_time_is_said_in_hours_and_minutes() -> None:
    from macehub.casework.times import elapsed

    assert elapsed(timedelta(hours=72, minutes=30)) == "72 hours 30 minutes"
    assert elapsed(timedelta(hours=1)) == "1 hour"
    assert elapsed(timedelta(days=9, hours=3)) == "9 days"
