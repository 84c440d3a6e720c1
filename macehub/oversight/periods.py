"""Reporting periods: financial-year quarters (April to June is Q1), calendar months, or any
range of dates. Each period knows the one before it, for comparisons."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str  # "quarter", "month" or "custom"

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            fy, q = fiscal_quarter(self.start)
            return f"{fy}-q{q}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            fy, q = fiscal_quarter(self.start)
            return f"{fy}-{str(fy + 1)[2:]} Q{q}"
        if self.kind == "month":
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    @property
    def long_label(self) -> str:
        if self.kind == "quarter":
            return f"{self.label} ({MONTHS[self.start.month - 1]} to {MONTHS[self.end.month - 1]} {self.end.year})"
        return self.label

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == "quarter":
            return quarter_of(self.start - timedelta(days=1))
        if self.kind == "month":
            return month_of(self.start - timedelta(days=1))
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1), "custom")

    def same_last_year(self) -> Period:
        if self.kind == "quarter":
            return quarter_of(self.start.replace(year=self.start.year - 1))
        if self.kind == "month":
            return month_of(self.start.replace(year=self.start.year - 1))
        return Period(self.start - timedelta(days=365), self.end - timedelta(days=365), "custom")

    @property
    def start_at(self) -> datetime:
        """The first moment of the period, London time."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        """The first moment after the period, London time (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def is_complete(self, today: date | None = None) -> bool:
        return self.end < (today or timezone.localdate())


def fiscal_quarter(day: date) -> tuple[int, int]:
    """(financial year starting, quarter 1–4) — April to June is Q1."""
    fy = day.year if day.month >= 4 else day.year - 1
    return fy, (day.month - 4) % 12 // 3 + 1


def quarter_of(day: date) -> Period:
    fy, q = fiscal_quarter(day)
    start_month = 4 + 3 * (q - 1)
    year = fy + (start_month > 12)
    start_month = (start_month - 1) % 12 + 1
    start = date(year, start_month, 1)
    end_month = start_month + 2
    return Period(start, _month_end(year, end_month), "quarter")


def month_of(day: date) -> Period:
    return Period(date(day.year, day.month, 1), _month_end(day.year, day.month), "month")


def last_complete_quarter(today: date | None = None) -> Period:
    return quarter_of(quarter_of(today or timezone.localdate()).start - timedelta(days=1))


def recent_quarters(n: int = 8, today: date | None = None) -> list[Period]:
    """The current quarter and the ``n - 1`` before it, newest first."""
    current = quarter_of(today or timezone.localdate())
    result = [current]
    while len(result) < n:
        result.append(result[-1].previous())
    return result


def recent_months(n: int = 12, today: date | None = None) -> list[Period]:
    current = month_of(today or timezone.localdate())
    result = [current]
    while len(result) < n:
        result.append(result[-1].previous())
    return result


_QUARTER = re.compile(r"^(\d{4})-q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_CUSTOM = re.compile(r"^(\d{8})-(\d{8})$")


def parse_period(key: str | None) -> Period | None:
    """The period a URL's ``period`` parameter names, or None."""
    if not key:
        return None
    try:
        if m := _QUARTER.match(key):
            fy, q = int(m.group(1)), int(m.group(2))
            month = 4 + 3 * (q - 1)
            return quarter_of(date(fy + (month > 12), (month - 1) % 12 + 1, 1))
        if m := _MONTH.match(key):
            return month_of(date(int(m.group(1)), int(m.group(2)), 1))
        if m := _CUSTOM.match(key):
            start = datetime.strptime(m.group(1), "%Y%m%d").date()  # noqa: DTZ007 - a plain date
            end = datetime.strptime(m.group(2), "%Y%m%d").date()  # noqa: DTZ007 - a plain date
            if start <= end and (end - start).days <= 366 * 5:
                return Period(start, end, "custom")
    except ValueError:
        return None
    return None
