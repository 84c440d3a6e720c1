"""Meeting quality and partner accountability for a panel: attendance and action completion by
agency, quoracy, and attendees' feedback by quarter. Counts only — no record, no child, no
name — so partnership analysts and strategic leads may see it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import FEEDBACK_QUESTIONS, Action, ActionStatus, Answer, Feedback, Meeting, MeetingStatus
from .selectors.quality import AgencyRecord, agency_records


@dataclass
class QuarterFeedback:
    label: str
    responses: int = 0
    yes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def percent(self, question: str) -> int | None:
        if not self.responses:
            return None
        return round(100 * self.yes[question] / self.responses)

    @property
    def rows(self) -> list[tuple[str, int | None]]:
        return [(text, self.percent(name)) for name, text in FEEDBACK_QUESTIONS]


@dataclass
class QualitySummary:
    since: date
    held: int
    quorate: int
    agencies: list[AgencyRecord]
    quarters: list[QuarterFeedback]
    overall: QuarterFeedback
    escalated_open: int
    overdue: int
    comments: list[str]

    @property
    def quorate_percent(self) -> int | None:
        return round(100 * self.quorate / self.held) if self.held else None


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quality_summary(panel: Any, *, with_comments: bool, months: int = 12) -> QualitySummary:
    today = timezone.localdate()
    since = today - timedelta(days=round(months * 30.44))
    held = Meeting.objects.filter(panel=panel, status=MeetingStatus.HELD, date__gte=since).aggregate(
        held=Count("pk"), quorate=Count("pk", filter=Q(quorate=True))
    )
    quarters: dict[str, QuarterFeedback] = {}
    overall = QuarterFeedback("The last 12 months")
    comments = []
    for fb in (
        Feedback.objects.filter(meeting__panel=panel, meeting__date__gte=since)
        .select_related("meeting")
        .order_by("meeting__date")
    ):
        label = _quarter(fb.meeting.date)
        quarter = quarters.setdefault(label, QuarterFeedback(label))
        for bucket in (quarter, overall):
            bucket.responses += 1
            for name, _ in FEEDBACK_QUESTIONS:
                if getattr(fb, name) == Answer.YES:
                    bucket.yes[name] += 1
        if fb.comment:
            comments.append(fb.comment)
    open_actions = Action.objects.filter(panel=panel, status=ActionStatus.OPEN)
    return QualitySummary(
        since=since,
        held=held["held"],
        quorate=held["quorate"],
        agencies=agency_records(panel, since=since),
        quarters=list(quarters.values()),
        overall=overall,
        escalated_open=open_actions.filter(escalated_at__isnull=False).count(),
        overdue=open_actions.filter(due_date__lt=today).count(),
        comments=list(reversed(comments))[:10] if with_comments else [],
    )
