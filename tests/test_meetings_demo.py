"""The demo meetings: a year per demo panel, realistic attendance, contributions, minutes and
actions in every state; idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from macehub.core.demo import DemoContext
from macehub.meetings import demo as meetings_demo
from macehub.meetings.models import (
    Action,
    ActionReview,
    ActionStatus,
    Attendance,
    CarryReason,
    Contribution,
    Feedback,
    Invitation,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from macehub.organisations.models import Panel


def _seed() -> DemoContext:
    from macehub.accounts import demo as accounts_demo
    from macehub.organisations import demo as organisations_demo
    from macehub.referrals import demo as referrals_demo
    from macehub.subjects import demo as subjects_demo

    ctx = DemoContext()
    for module in (organisations_demo, accounts_demo, subjects_demo, referrals_demo, meetings_demo):
        module.seed(ctx)
    return ctx


def test_a_year_of_meetings_for_each_demo_panel(db: Any) -> None:
    _seed()
    counts = (Meeting.objects.count(), Action.objects.count(), Contribution.objects.count())
    _seed()
    assert (Meeting.objects.count(), Action.objects.count(), Contribution.objects.count()) == counts, "idempotent"
    today = timezone.localdate()
    for panel in Panel.objects.all():
        meetings = Meeting.objects.filter(panel=panel)
        held = meetings.filter(status=MeetingStatus.HELD)
        assert held.count() >= 12, panel.name
        assert (today - held.order_by("date").first().date).days >= 300
        assert meetings.filter(status=MeetingStatus.PLANNED, date__gte=today).count() == 2
        assert held.filter(quorate=False).exists() and held.filter(quorate=True).count() > held.count() // 2
        # Some agencies are often absent.
        absent = (
            Attendance.objects.filter(meeting__panel=panel)
            .values("agency__agency_type")
            .annotate(away=Count("pk", filter=Q(status__in=["apologies", "absent"])), total=Count("pk"))
        )
        rates = {row["agency__agency_type"]: row["away"] / row["total"] for row in absent}
        assert rates["police"] < 0.1 and max(rates.values()) > 0.3
        # Minutes: approved, and the latest still a draft for the chair.
        statuses = set(Minutes.objects.filter(meeting__panel=panel).values_list("status", flat=True))
        assert statuses == {MinutesStatus.APPROVED, MinutesStatus.DRAFT}
        actions = Action.objects.filter(panel=panel)
        assert actions.filter(status=ActionStatus.COMPLETED).exists()
        assert actions.filter(status=ActionStatus.OPEN, due_date__lt=today).exists(), "overdue"
        assert actions.filter(status=ActionStatus.NO_LONGER_NEEDED).exists() or panel.name != "Lambeth MAVE"
        reasons = set(ActionReview.objects.filter(action__panel=panel).values_list("reason", flat=True))
        assert {CarryReason.CIRCUMSTANCES_CHANGED, CarryReason.AGENCY_DID_NOT_ACT} <= reasons
        assert Feedback.objects.filter(meeting__panel=panel).exists()
        upcoming = meetings.filter(status=MeetingStatus.PLANNED).order_by("date").first()
        assert upcoming is not None and upcoming.items.exists()
        assert not Contribution.objects.filter(item__meeting=upcoming, agency__agency_type="health").exists()
    assert Action.objects.filter(escalated_at__isnull=False, status=ActionStatus.OPEN).exists()
    lambeth = Panel.objects.get(name="Lambeth MAVE")
    assert Action.objects.filter(panel=lambeth, status=ActionStatus.OPEN, owner_agency__agency_type="police").exists()


def test_demo_contributions_are_sent_before_now_and_the_meeting_by_someone_who_could_send_them(db: Any) -> None:
    from macehub.accounts.models import Membership

    _seed()
    now = timezone.now()
    contributions = Contribution.objects.select_related("item__meeting", "agency", "submitted_by")
    assert contributions.exists()
    roles = {
        (m.user_id, m.panel_id): m
        for m in Membership.objects.filter(panel__isnull=False, ended_at__isnull=True).order_by("-role")
    }
    members = set(Membership.objects.filter(panel__isnull=False).values_list("user_id", "panel_id", "agency_id"))
    managers = set(
        Membership.objects.filter(role__in=["coordinator", "panel_chair"], panel__isnull=False).values_list(
            "user_id", "panel_id"
        )
    )
    on_behalf = 0
    for c in contributions:
        meeting = c.item.meeting
        starts = timezone.make_aware(datetime.combine(meeting.date, meeting.start_time))
        assert c.submitted_at < now, f"{c} sent in the future ({c.submitted_at})"
        assert c.submitted_at < starts, f"{c} sent after its meeting began"
        key = (c.submitted_by_id, meeting.panel_id)
        if (c.submitted_by_id, meeting.panel_id, c.agency_id) in members:
            continue
        # Nobody from the agency: only a coordinator or chair may record it on the agency's behalf.
        assert key in managers, f"{c} sent by {c.submitted_by} ({roles.get(key)}), not of {c.agency}"
        on_behalf += 1
    assert on_behalf, "some contributions are recorded on an agency's behalf"
    # Invitations are not sent in the future either.
    assert not Invitation.objects.filter(sent_at__gt=now).exists()
    assert not Meeting.objects.filter(invitations_sent_at__gt=now).exists()


def test_demo_meetings_fall_on_weekdays(db: Any) -> None:
    _seed()
    weekends = [
        (m.panel.name, m.date.strftime("%A %d %B %Y"))
        for m in Meeting.objects.select_related("panel")
        if m.date.weekday() >= 5
    ]
    assert not weekends, weekends
