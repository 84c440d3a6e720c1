"""A child's journey: one chronological list of events contributed by every app.

Each app registers a *source* in its ``AppConfig.ready()``: a function taking the asking
user and the subject and returning :class:`TimelineEvent` objects it may see. A source must
run a fixed number of queries however many events there are (the timeline of a child with
500 events renders within a fixed query budget). :func:`events_for` merges and sorts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime | date
    #: A short machine name used for filtering, e.g. "referral", "meeting", "risk", "plan",
    #: "missing", "nrm", "disruption", "action".
    kind: str
    title: str
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.when, datetime):
            return self.when if timezone.is_aware(self.when) else timezone.make_aware(self.when)
        return timezone.make_aware(datetime.combine(self.when, time.min))


Source = Callable[[Any, Any], Iterable[TimelineEvent]]
_sources: dict[str, tuple[str, Source]] = {}


def register(key: str, label: str, source: Source) -> None:
    """``key`` is the event kind the source produces (used by the filter), ``label`` its name."""
    _sources[key] = (label, source)


def kinds() -> list[tuple[str, str]]:
    return sorted((key, label) for key, (label, _) in _sources.items())


def events_for(
    user: Any, subject: Any, *, only: set[str] | None = None, newest_first: bool = False
) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for key, (_, source) in _sources.items():
        if only and key not in only:
            continue
        events.extend(source(user, subject))
    return sorted(events, key=lambda e: e.sort_key, reverse=newest_first)
