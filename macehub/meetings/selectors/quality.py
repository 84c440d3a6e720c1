"""Quality and oversight: attendance and actions by agency, counts only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from macehub.organisations.models import Agency, Panel

from ..models import Action, ActionReview, ActionStatus, Attendance, MeetingStatus


@dataclass
class AgencyRecord:
    agency: Agency
    expected: int = 0
    attended: int = 0
    deputy: int = 0
    apologies: int = 0
    absent: int = 0
    actions_open: int = 0
    actions_overdue: int = 0
    actions_done: int = 0
    did_not_act: int = 0

    @property
    def present_rate(self) -> int | None:
        if not self.expected:
            return None
        return round(100 * (self.attended + self.deputy) / self.expected)


def agency_records(panel: Panel, *, since: date) -> list[AgencyRecord]:
    """Attendance and actions by agency over a period: counts only, no records. Four queries."""
    from django.db.models import Count

    from ..models import CarryReason

    today = timezone.localdate()
    attendance = list(
        Attendance.objects.filter(meeting__panel=panel, meeting__status=MeetingStatus.HELD, meeting__date__gte=since)
        .values_list("agency_id", "status")
        .annotate(n=Count("pk"))
    )
    actions = list(
        Action.objects.filter(panel=panel, created_at__date__gte=since)
        .values_list("owner_agency_id")
        .annotate(
            open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=ActionStatus.OPEN, due_date__lt=today)),
            done=Count("pk", filter=Q(status=ActionStatus.COMPLETED)),
        )
    )
    did_not_act = list(
        ActionReview.objects.filter(
            meeting__panel=panel, meeting__date__gte=since, reason=CarryReason.AGENCY_DID_NOT_ACT
        )
        .values_list("action__owner_agency_id")
        .annotate(n=Count("pk"))
    )
    ids = {a for a, _, _ in attendance} | {a for a, *_ in actions} | {a for a, _ in did_not_act}
    agencies = Agency.objects.in_bulk(list(ids))
    records = {pk: AgencyRecord(agency) for pk, agency in agencies.items()}
    for agency_id, status, n in attendance:
        record = records[agency_id]
        record.expected += n
        setattr(record, status, getattr(record, status) + n)
    for agency_id, open_, overdue, done in actions:
        record = records[agency_id]
        record.actions_open, record.actions_overdue, record.actions_done = open_, overdue, done
    for agency_id, n in did_not_act:
        records[agency_id].did_not_act = n
    return sorted(records.values(), key=lambda r: r.agency.name)
