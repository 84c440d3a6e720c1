"""Every evidence figure for one partnership and one period, in a fixed number of queries.

Each group below asks the database once or twice with ``COUNT … FILTER`` / ``GROUP BY`` and
never a query per record; the number of queries is the same whatever the amount of data (a
test checks it). Figures with no base (no meetings held, no actions completed…) have the value
``None`` and a note saying why, never 0%.

Where the partnership's oversight dashboard has the same figure, it is read from the dashboard
table (``macehub.oversight.measures``), so the two always agree.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from macehub.audit.models import Action as AuditAction
from macehub.audit.models import AuditEvent
from macehub.casework.models import Disruption, Escalation, EscalationStatus, Plan, PlanReview
from macehub.meetings.models import (
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CarryReason,
    Chairing,
    Contribution,
    Feedback,
    Meeting,
    MeetingStatus,
    ReviewOutcome,
    Strand,
)
from macehub.meetings.models import Answer as FeedbackAnswer
from macehub.organisations.models import STATUTORY_PARTNER_TYPES, Agency, Partnership
from macehub.oversight.measures import compute_tables
from macehub.oversight.models import Release
from macehub.oversight.periods import Period
from macehub.oversight.selectors import scope_for
from macehub.referrals.models import Referral, ReferralStatus, SubjectType
from macehub.subjects.models import AlertReview, Kind, Status, Subject

from ..models import ImplementationAction, Recommendation
from .measures import MEASURE_BY_KEY, MEASURES, Measure, known_keys

#: How long after a meeting its minutes count as approved or distributed on time (10 working days).
MINUTES_DAYS = 14
#: How long before a meeting its invitations and agenda count as sent on time.
AGENDA_NOTICE_DAYS = 5
#: "Discussed recently": on the agenda in the last 91 days (a quarter) of the period.
RECENT_DAYS = 91
#: How long after a quarter's end its figures count as released on time.
RELEASE_DAYS = 42
#: What the oversight app's audited exports call the partnership's own dashboard figures.
DASHBOARD_EXPORTS = ["dashboard table", "dashboard tables", "quarterly report", "release"]


@dataclass(frozen=True)
class Figure:
    """One evidence figure, ready to show and to freeze (JSON through :meth:`as_dict`)."""

    key: str
    label: str
    value: float | int | None
    numerator: int | None
    denominator: int | None
    unit: str
    definition: str
    source_url: str
    note: str = ""
    #: A breakdown (by agency, by reason…): ``[{"label": …, "value": …, "numerator": …, "denominator": …}]``.
    rows: list[dict[str, Any]] = field(default_factory=list)
    source_label: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        names = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in names}
        values.setdefault("rows", [])
        return cls(**values)

    @property
    def display(self) -> str:
        """The value as a reader sees it: "83%", "12", "9 days", or "No figure"."""
        if self.value is None:
            return "No figure"
        if self.unit == "%":
            return f"{self.value:.0f}%"
        if self.unit == "days":
            return f"{self.value:g} day{'s' if self.value != 1 else ''}"
        return f"{self.value:g}"


@dataclass
class _Raw:
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    partnership_id: int
    panel_ids: tuple[int, ...]
    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def within(self, name: str) -> Q:
        """A date-time field inside the period (London time)."""
        return Q(**{f"{name}__gte": self.start_at, f"{name}__lt": self.end_before})

    def on_days(self, name: str) -> Q:
        """A date field inside the period."""
        return Q(**{f"{name}__gte": self.start, f"{name}__lte": self.end})


def share(numerator: int, denominator: int, empty: str) -> _Raw:
    """A percentage, or no figure (with the reason) when nothing was counted."""
    if not denominator:
        return _Raw(None, numerator, 0, empty)
    return _Raw(round(100 * numerator / denominator, 1), numerator, denominator)


def count(n: int) -> _Raw:
    return _Raw(n, n, None)


def _row(label: str, numerator: int, denominator: int) -> dict[str, Any]:
    value = round(100 * numerator / denominator, 1) if denominator else None
    return {"label": label, "value": value, "numerator": numerator, "denominator": denominator}


# --- VOLT ------------------------------------------------------------------------------------

_NO_ITEMS = "No meetings with agenda items were held in the period."


def _held_items(ctx: _Context) -> Any:
    return AgendaItem.objects.filter(
        meeting__panel_id__in=ctx.panel_ids,
        meeting__status=MeetingStatus.HELD,
        meeting__date__gte=ctx.start,
        meeting__date__lte=ctx.end,
    ).order_by()


def _agenda(ctx: _Context) -> dict[str, _Raw]:
    """One query: agenda items of held meetings by strand, and how many record a decision."""
    figures = _held_items(ctx).aggregate(
        total=Count("pk"),
        children=Count("pk", filter=Q(strand=Strand.CHILDREN)),
        persons=Count("pk", filter=Q(strand=Strand.PERSONS)),
        locations=Count("pk", filter=Q(strand=Strand.LOCATIONS)),
        groups=Count("pk", filter=Q(strand=Strand.GROUPS)),
        themes=Count("pk", filter=Q(strand=Strand.THEMES)),
        decided=Count("pk", filter=~Q(decisions="")),
    )
    total = figures["total"]
    return {
        "agenda_victims_share": share(figures["children"], total, _NO_ITEMS),
        "agenda_offenders_share": share(figures["persons"], total, _NO_ITEMS),
        "agenda_locations_share": share(figures["locations"], total, _NO_ITEMS),
        "agenda_groups_share": share(figures["groups"], total, _NO_ITEMS),
        "agenda_themes_share": share(figures["themes"], total, _NO_ITEMS),
        "items_with_decisions_share": share(figures["decided"], total, _NO_ITEMS),
    }


_CONTEXT_KINDS = {Kind.PERSON: "persons", Kind.LOCATION: "locations", Kind.GROUP: "groups"}


def _registers(ctx: _Context) -> dict[str, _Raw]:
    """One query: persons of concern, locations and groups open at the end of the period, and how
    many of them were discussed in its last quarter or had disruption recorded in it."""
    on_register = Q(created_at__lt=ctx.end_before) & (Q(status=Status.OPEN) | Q(status_changed_at__gte=ctx.end_before))
    recent_from = max(ctx.start, ctx.end - timedelta(days=RECENT_DAYS - 1))
    recent = AgendaItem.objects.filter(
        meeting__panel_id__in=ctx.panel_ids,
        meeting__status=MeetingStatus.HELD,
        meeting__date__gte=recent_from,
        meeting__date__lte=ctx.end,
    ).values("subject_id")
    disrupted = Disruption.objects.filter(
        target__panel_id__in=ctx.panel_ids, done_on__gte=ctx.start, done_on__lte=ctx.end
    ).values("target_id")
    aggregates: dict[str, Any] = {"disrupted": Count("pk", filter=Q(pk__in=disrupted))}
    for kind, name in _CONTEXT_KINDS.items():
        aggregates[f"{name}_open"] = Count("pk", filter=Q(kind=kind))
        aggregates[f"{name}_recent"] = Count("pk", filter=Q(kind=kind, pk__in=recent))
    figures = (
        Subject.objects.filter(panel_id__in=ctx.panel_ids, kind__in=list(_CONTEXT_KINDS))
        .exclude(status=Status.MERGED)
        .filter(on_register)
        .order_by()
        .aggregate(**aggregates)
    )
    result: dict[str, _Raw] = {}
    total = 0
    for name in _CONTEXT_KINDS.values():
        n = figures[f"{name}_open"]
        total += n
        result[f"register_{name}_open"] = count(n)
        result[f"register_{name}_discussed"] = share(
            figures[f"{name}_recent"],
            n,
            f"No {name.replace('persons', 'persons of concern')} were open at the end of the period.",
        )
    result["contexts_with_disruption"] = share(
        figures["disrupted"], total, "No persons of concern, locations or groups were open at the end of the period."
    )
    return result


def _alerts_and_disruption(ctx: _Context) -> dict[str, _Raw]:
    """Two queries: shared-context alerts reviewed, and disruption activities done, in the period."""
    reviewed = AlertReview.objects.filter(Q(panel_id__in=ctx.panel_ids) & ctx.within("created_at")).count()
    disruptions = Disruption.objects.filter(Q(target__panel_id__in=ctx.panel_ids) & ctx.on_days("done_on")).count()
    return {"context_alerts_reviewed": count(reviewed), "disruptions_recorded": count(disruptions)}


def _referrals(ctx: _Context) -> dict[str, _Raw]:
    """Three queries: referrals received in the period by type, and each accepted referral's first
    discussion (for its own item, or for a record it was about) up to the end of the period."""
    received = Referral.objects.filter(Q(panel_id__in=ctx.panel_ids) & ctx.within("created_at")).order_by()
    figures = received.aggregate(total=Count("pk"), contexts=Count("pk", filter=~Q(subject_type=SubjectType.CHILD)))
    accepted = dict(
        received.filter(status=ReferralStatus.ACCEPTED)
        .annotate(received_on=TruncDate("created_at"))
        .values_list("pk", "received_on")
    )
    held = Q(meeting__status=MeetingStatus.HELD, meeting__date__gte=ctx.start, meeting__date__lte=ctx.end)
    direct = (
        AgendaItem.objects.filter(held, referral_id__in=list(accepted) or [0])
        .filter(meeting__date__gte=TruncDate("referral__created_at"))
        .values("referral_id")
        .annotate(first=Min("meeting__date"))
        .values_list("referral_id", "first")
        .order_by()
    )
    linked = (
        AgendaItem.objects.filter(held, subject__referrals__in=list(accepted) or [0])
        .filter(meeting__date__gte=TruncDate("subject__referrals__created_at"))
        .values("subject__referrals")
        .annotate(first=Min("meeting__date"))
        .values_list("subject__referrals", "first")
        .order_by()
    )
    first: dict[int, date] = {}
    for referral, day in [*direct, *linked]:
        if referral in accepted and (referral not in first or day < first[referral]):
            first[referral] = day
    days = [(first[pk] - accepted[pk]).days for pk in accepted if pk in first]
    median = _Raw(
        statistics.median(days) if days else None,
        len(days),
        len(accepted),
        "" if days else "No referral accepted in the period was discussed by its end.",
    )
    return {
        "context_referrals_share": share(
            figures["contexts"], figures["total"], "No referrals were received in the period."
        ),
        "referral_to_discussion_median_days": median,
        "referrals_discussed_28d_share": share(
            sum(1 for d in days if d <= 28), len(accepted), "No referrals were accepted in the period."
        ),
    }


# --- Meetings --------------------------------------------------------------------------------

_NO_MEETINGS = "No meetings were held in the period."


def _meetings(ctx: _Context) -> dict[str, _Raw]:
    """One query over the meetings dated in the period."""
    held = Q(status=MeetingStatus.HELD)
    notice = ExpressionWrapper(F("date") - TruncDate("invitations_sent_at"), output_field=DurationField())
    approved = ExpressionWrapper(TruncDate("minutes_versions__approved_at") - F("date"), output_field=DurationField())
    distributed = ExpressionWrapper(
        TruncDate("minutes_versions__distributed_at") - F("date"), output_field=DurationField()
    )
    on_time = timedelta(days=MINUTES_DAYS)
    figures = (
        Meeting.objects.filter(panel_id__in=ctx.panel_ids, date__gte=ctx.start, date__lte=ctx.end)
        .order_by()
        .annotate(notice=notice, approved_after=approved, distributed_after=distributed)
        .aggregate(
            n_dated=Count("pk", distinct=True),
            n_held=Count("pk", filter=held, distinct=True),
            n_quorate=Count("pk", filter=held & Q(quorate=True), distinct=True),
            n_quorum_unknown=Count("pk", filter=held & Q(quorate__isnull=True), distinct=True),
            n_co_chaired=Count("pk", filter=held & Q(chairing=Chairing.CO_CHAIRED), distinct=True),
            n_agenda_on_time=Count(
                "pk", filter=held & Q(notice__gte=timedelta(days=AGENDA_NOTICE_DAYS)), distinct=True
            ),
            n_approved=Count("pk", filter=held & Q(approved_after__lte=on_time), distinct=True),
            n_distributed=Count("pk", filter=held & Q(distributed_after__lte=on_time), distinct=True),
        )
    )
    n = figures["n_held"]
    quorate = share(figures["n_quorate"], n, _NO_MEETINGS)
    if figures["n_quorum_unknown"]:
        quorate.note = f"Quoracy was not recorded for {figures['n_quorum_unknown']} of the meetings held."
    return {
        "meetings_held_share": share(n, figures["n_dated"], "No meetings were planned in the period."),
        "meetings_quorate_share": quorate,
        "co_chaired_share": share(figures["n_co_chaired"], n, _NO_MEETINGS),
        "agenda_sent_on_time_share": share(figures["n_agenda_on_time"], n, _NO_MEETINGS),
        "minutes_approved_on_time_share": share(figures["n_approved"], n, _NO_MEETINGS),
        "minutes_distributed_on_time_share": share(figures["n_distributed"], n, _NO_MEETINGS),
    }


_NO_ATTENDANCE = "No attendance was recorded at meetings held in the period."


def _attendance(ctx: _Context) -> dict[str, _Raw]:
    """One query: attendance at held meetings, grouped by agency."""
    present = Q(status__in=[AttendanceStatus.ATTENDED, AttendanceStatus.DEPUTY])
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in Attendance.objects.filter(
            meeting__panel_id__in=ctx.panel_ids,
            meeting__status=MeetingStatus.HELD,
            meeting__date__gte=ctx.start,
            meeting__date__lte=ctx.end,
        )
        .order_by()
        .values("agency_id", "agency__name", "agency__agency_type")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=present),
            deputy=Count("pk", filter=Q(status=AttendanceStatus.DEPUTY)),
        )
        .order_by("agency__name")
    ]
    statutory = [r for r in rows if r["agency__agency_type"] in STATUTORY_PARTNER_TYPES]
    wider = [r for r in rows if r["agency__agency_type"] not in STATUTORY_PARTNER_TYPES]

    def total(group: list[dict[str, Any]], name: str) -> int:
        return sum(r[name] for r in group)

    statutory_figure = share(total(statutory, "present"), total(statutory, "expected"), _NO_ATTENDANCE)
    statutory_figure.rows = [_row(r["agency__name"], r["present"], r["expected"]) for r in statutory]
    wider_figure = share(total(wider, "present"), total(wider, "expected"), _NO_ATTENDANCE)
    wider_figure.rows = [_row(r["agency__name"], r["present"], r["expected"]) for r in wider]
    return {
        "attendance_statutory_share": statutory_figure,
        "attendance_statutory_deputy_share": share(
            total(statutory, "deputy"),
            total(statutory, "present"),
            "No statutory partner attended a meeting in the period.",
        ),
        "attendance_wider_share": wider_figure,
    }


def _contributions(ctx: _Context) -> dict[str, _Raw]:
    """Two queries: contributions asked for (each item of a held meeting, for each agency invited
    to the whole meeting) and sent before the meeting day, grouped by agency."""
    asked = dict(
        _held_items(ctx)
        .filter(meeting__agencies__isnull=False)
        .values("meeting__agencies")
        .annotate(n=Count("pk"))
        .values_list("meeting__agencies", "n")
    )
    invited = Meeting.agencies.through.objects.filter(
        meeting_id=OuterRef("item__meeting_id"), agency_id=OuterRef("agency_id")
    )
    sent = {
        agency_id: (name, n)
        for agency_id, name, n in Contribution.objects.filter(
            item__meeting__panel_id__in=ctx.panel_ids,
            item__meeting__status=MeetingStatus.HELD,
            item__meeting__date__gte=ctx.start,
            item__meeting__date__lte=ctx.end,
            submitted_at__date__lt=F("item__meeting__date"),
        )
        .filter(Exists(invited))
        .order_by()
        .values("agency_id", "agency__name")
        .annotate(n=Count("pk"))
        .values_list("agency_id", "agency__name", "n")
    }
    names = dict(Agency.objects.filter(pk__in=list(asked)).values_list("pk", "name"))
    figure = share(sum(sent.get(a, ("", 0))[1] for a in asked), sum(asked.values()), _NO_ITEMS)
    figure.rows = sorted(
        (_row(names.get(a, ""), sent.get(a, ("", 0))[1], n) for a, n in asked.items()), key=lambda r: r["label"]
    )
    return {"contributions_before_share": figure}


_NO_FEEDBACK = "No member gave feedback on a meeting in the period."


def _feedback(ctx: _Context) -> dict[str, _Raw]:
    """One query: feedback on meetings dated in the period."""
    figures = Feedback.objects.filter(
        meeting__panel_id__in=ctx.panel_ids, meeting__date__gte=ctx.start, meeting__date__lte=ctx.end
    ).aggregate(
        responses=Count("pk"),
        n_focused=Count("pk", filter=Q(focused=FeedbackAnswer.YES)),
        n_clear_actions=Count("pk", filter=Q(clear_actions=FeedbackAnswer.YES)),
        n_chairing=Count("pk", filter=Q(effective_chairing=FeedbackAnswer.YES)),
    )
    n = figures["responses"]
    return {
        "feedback_focused_share": share(figures["n_focused"], n, _NO_FEEDBACK),
        "feedback_clear_actions_share": share(figures["n_clear_actions"], n, _NO_FEEDBACK),
        "feedback_chairing_share": share(figures["n_chairing"], n, _NO_FEEDBACK),
    }


# --- Actions ---------------------------------------------------------------------------------


def _actions(ctx: _Context) -> dict[str, _Raw]:
    """Three queries: actions by owning agency, carry-forward decisions by reason, escalations."""
    completed = Q(status=ActionStatus.COMPLETED) & ctx.within("completed_at")
    agreed_by_end = Q(meeting__date__lte=ctx.end) | Q(meeting__isnull=True, created_at__lt=ctx.end_before)
    open_at_end = Q(status=ActionStatus.OPEN) | Q(completed_at__gte=ctx.end_before)
    by_agency = list(
        Action.objects.filter(panel_id__in=ctx.panel_ids)
        # Only the rows a figure can count (not five years of actions done long ago).
        .filter(completed | ctx.within("escalated_at") | (agreed_by_end & open_at_end & Q(due_date__lt=ctx.end)))
        .order_by()
        .annotate(completed_on=TruncDate("completed_at"))
        .values("owner_agency_id", "owner_agency__name")
        .annotate(
            completed=Count("pk", filter=completed),
            on_time=Count("pk", filter=completed & Q(completed_on__lte=F("due_date"))),
            overdue=Count("pk", filter=agreed_by_end & open_at_end & Q(due_date__lt=ctx.end)),
            escalated=Count("pk", filter=ctx.within("escalated_at")),
        )
        .order_by("owner_agency__name")
    )
    done = sum(r["completed"] for r in by_agency)
    on_time = share(sum(r["on_time"] for r in by_agency), done, "No actions were completed in the period.")
    on_time.rows = [_row(r["owner_agency__name"], r["on_time"], r["completed"]) for r in by_agency if r["completed"]]
    reasons = dict(
        ActionReview.objects.filter(
            meeting__panel_id__in=ctx.panel_ids,
            action__panel_id__in=ctx.panel_ids,
            outcome=ReviewOutcome.CARRIED_FORWARD,
            meeting__date__gte=ctx.start,
            meeting__date__lte=ctx.end,
        )
        .order_by()
        .values("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    carried_total = sum(reasons.values())
    carried = count(carried_total)
    carried.rows = [
        {"label": label, "value": reasons.get(value, 0), "numerator": reasons.get(value, 0), "denominator": None}
        for value, label in CarryReason.choices
    ]
    if reasons.get(""):
        carried.rows.append(
            {"label": "No reason given", "value": reasons[""], "numerator": reasons[""], "denominator": None}
        )
    escalations = Escalation.objects.filter(
        subject__panel_id__in=ctx.panel_ids, escalated_on__gte=ctx.start, escalated_on__lte=ctx.end
    ).aggregate(
        raised=Count("pk"),
        answered=Count(
            "pk",
            filter=Q(responded_on__lte=ctx.end) | Q(status=EscalationStatus.CLOSED, updated_at__lt=ctx.end_before),
        ),
    )
    return {
        "actions_on_time_share": on_time,
        "actions_overdue_end": count(sum(r["overdue"] for r in by_agency)),
        "actions_carried_forward": carried,
        "actions_carried_did_not_act_share": share(
            reasons.get(CarryReason.AGENCY_DID_NOT_ACT, 0),
            carried_total,
            "No action was carried forward in the period.",
        ),
        "actions_escalated": count(sum(r["escalated"] for r in by_agency)),
        "escalations_responded_share": share(
            escalations["answered"], escalations["raised"], "No escalations were raised in the period."
        ),
    }


# --- Casework (from the oversight dashboard's tables) ----------------------------------------


def _dashboard_tables(ctx: _Context, partnership: Partnership) -> dict[str, _Raw]:
    tables = compute_tables(
        scope_for(partnership),
        Period(ctx.start, ctx.end, "custom"),
        ["missing", "nrm", "children_summary", "risk_trajectory"],
    )
    missing, nrm = tables["missing"], tables["nrm"]
    risk = tables["risk_trajectory"]
    fell = risk.cell("fell", "children").count
    risk_base = sum(risk.cell(r, "children").count for r in ("fell", "held", "rose"))
    return {
        "return_interviews_72h_share": share(
            missing.cell("within_72", "number").count,
            missing.cell("returned", "number").count,
            "No child returned from a missing episode in the period.",
        ),
        "missing_children": count(missing.cell("children", "number").count),
        "nrm_referrals": count(nrm.cell("referred", "number").count),
        "nrm_decisions_on_time_share": share(
            nrm.cell("rg_on_time", "number").count,
            nrm.cell("rg_made", "number").count,
            "No reasonable-grounds decisions were made in the period.",
        ),
        "children_discussed": count(tables["children_summary"].cell("discussed", "children").count),
        "risk_reduced_share": share(
            fell, risk_base, "No child discussed in the period had a risk level recorded at its start and end."
        ),
    }


def _plans(ctx: _Context) -> dict[str, _Raw]:
    """Three queries, reading only the period's rows: the review dates that fell in the period (each
    review's next date, and each plan's current next date), and the reviews recorded in the period
    (or the 28 days before it) that could have met them."""
    window = Q(next_review_on__gte=ctx.start, next_review_on__lte=ctx.end)
    panels = Q(subject__panel_id__in=ctx.panel_ids)
    due: set[tuple[int, date]] = set()
    for plan_id, due_on, ended_on in (
        PlanReview.objects.filter(window, plan__subject__panel_id__in=ctx.panel_ids)
        .order_by()
        .values_list("plan_id", "next_review_on", "plan__ended_on")
    ):
        if due_on is not None and (ended_on is None or ended_on >= due_on):
            due.add((plan_id, due_on))
    for plan_id, due_on, ended_on in (
        Plan.objects.filter(panels & window).order_by().values_list("pk", "next_review_on", "ended_on")
    ):
        if due_on is not None and (ended_on is None or ended_on >= due_on):
            due.add((plan_id, due_on))
    reviewed: dict[int, list[date]] = {}
    for plan_id, reviewed_on in (
        PlanReview.objects.filter(
            plan__subject__panel_id__in=ctx.panel_ids,
            reviewed_on__gte=ctx.start - timedelta(days=28),
            reviewed_on__lte=ctx.end,
        )
        .order_by()
        .values_list("plan_id", "reviewed_on")
    ):
        reviewed.setdefault(plan_id, []).append(reviewed_on)
    met = sum(
        1
        for plan_id, due_on in due
        if any(due_on - timedelta(days=28) <= r <= due_on for r in reviewed.get(plan_id, []))
    )
    return {"plans_reviewed_on_time_share": share(met, len(due), "No plan review fell due in the period.")}


# --- Oversight -------------------------------------------------------------------------------


def _oversight(ctx: _Context) -> dict[str, _Raw]:
    """Three queries: releases, uses of the dashboard recorded in the audit trail, and the
    partnership's implementation actions."""
    quarters = _quarters_due(ctx)
    releases = list(
        Release.objects.filter(
            partnership_id=ctx.partnership_id,
            period_end__in=list(quarters),
            signed_off_at__isnull=False,
        ).values_list("period_end", "signed_off_at")
    )
    released = {end for end, signed in releases if timezone.localdate(signed) <= end + timedelta(days=RELEASE_DAYS)}
    uses = AuditEvent.objects.filter(
        Q(action=AuditAction.EXPORT, detail__what__in=DASHBOARD_EXPORTS)
        | Q(action=AuditAction.SIGN_OFF, object_type="oversight.release"),
        partnership_id=ctx.partnership_id,
        occurred_at__gte=ctx.start_at,
        occurred_at__lt=ctx.end_before,
    ).count()
    actions = (
        ImplementationAction.objects.filter(
            Q(recommendation__partnership_id=ctx.partnership_id)
            | Q(recommendation__owner_partnership_id=ctx.partnership_id),
        )
        .exclude(recommendation__status=Recommendation.Status.NOT_TAKEN_FORWARD)
        .order_by()
        .aggregate(
            closed=Count("pk", filter=ctx.within("closed_at")),
            closed_on_time=Count("pk", filter=ctx.within("closed_at") & Q(closed_at__date__lte=F("due_date"))),
            due_open=Count(
                "pk",
                filter=Q(due_date__gte=ctx.start, due_date__lte=ctx.end)
                & (Q(closed_at__isnull=True) | Q(closed_at__gte=ctx.end_before)),
            ),
            open_end=Count(
                "pk",
                filter=Q(created_at__lt=ctx.end_before)
                & (Q(closed_at__isnull=True) | Q(closed_at__gte=ctx.end_before)),
            ),
        )
    )
    return {
        "releases_signed_off_on_time_share": share(
            len(released), len(quarters), "No quarter ended early enough in the period for its release to be due."
        ),
        "dashboard_exports": count(uses),
        "recommendation_actions_on_time_share": share(
            actions["closed_on_time"],
            actions["closed"] + actions["due_open"],
            "No implementation action was completed or due in the period.",
        ),
        "recommendation_actions_open": count(actions["open_end"]),
    }


def _quarters_due(ctx: _Context) -> list[date]:
    """The ends of financial quarters inside the period whose release was due by its end."""
    ends: list[date] = []
    for year in range(ctx.start.year - 1, ctx.end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = date(year, month, day)
            if ctx.start <= end and end + timedelta(days=RELEASE_DAYS) <= ctx.end:
                ends.append(end)
    return ends


# --- Putting it together ---------------------------------------------------------------------

_GROUPS: list[Callable[[_Context], dict[str, _Raw]]] = [
    _agenda,
    _registers,
    _alerts_and_disruption,
    _referrals,
    _meetings,
    _attendance,
    _contributions,
    _feedback,
    _actions,
    _plans,
    _oversight,
]


def _figure(measure: Measure, raw: _Raw, partnership_id: int, start: date, end: date) -> Figure:
    return Figure(
        key=measure.key,
        label=measure.label,
        value=raw.value,
        numerator=raw.numerator,
        denominator=raw.denominator,
        unit=measure.unit,
        definition=measure.definition,
        source_url=measure.source_url(partnership_id, start, end),
        note=raw.note,
        rows=raw.rows,
        source_label=measure.source_label,
    )


def evidence_for(partnership: Partnership, start: date, end: date) -> dict[str, Figure]:
    """Every measure of the catalogue for the partnership, from ``start`` to ``end`` inclusive."""
    panel_ids = tuple(partnership.panels.order_by("pk").values_list("pk", flat=True))
    ctx = _Context(partnership.pk, panel_ids, start, end)
    raw: dict[str, _Raw] = {}
    for group in _GROUPS:
        raw.update(group(ctx))
    raw.update(_dashboard_tables(ctx, partnership))
    missing = [m.key for m in MEASURES if m.key not in raw]
    if missing:  # pragma: no cover - a measure without a computation is a programming error
        raise LookupError(f"No computation for evidence measures: {', '.join(missing)}")
    return {m.key: _figure(m, raw[m.key], partnership.pk, start, end) for m in MEASURES}


def evidence_period(cycle: Any) -> tuple[date, date]:
    """The period a cycle's returns are evidenced over: the 12 months before the cycle opens
    (for a cycle opening on 1 March 2026, 1 March 2025 to 28 February 2026)."""
    end = cycle.opens_on - timedelta(days=1)
    try:
        start = cycle.opens_on.replace(year=cycle.opens_on.year - 1)
    except ValueError:  # 29 February
        start = cycle.opens_on.replace(year=cycle.opens_on.year - 1, day=28)
    return start, end


def by_question(assessment: Any, figures: dict[str, Figure] | None = None) -> dict[int, list[Figure]]:
    """Each question of the return's framework version with the figures its ``measures`` name, in
    that order. The figures are computed once for the return's partnership and period, unless
    given (a submitted return passes its frozen ones)."""
    from ..models import Question

    if figures is None:
        start, end = evidence_period(assessment.cycle)
        figures = evidence_for(assessment.partnership, start, end)
    questions = Question.objects.filter(section__framework_version_id=assessment.cycle.framework_version_id)
    return {
        pk: [figures[k] for k in known_keys(keys) if k in figures]
        for pk, keys in questions.order_by("section__order", "order", "pk").values_list("pk", "measures")
    }


def snapshot_for(assessment: Any) -> dict[str, Any]:
    """What a return freezes at submission (``Assessment.evidence_snapshot``): the period, when it
    was computed and every figure."""
    start, end = evidence_period(assessment.cycle)
    figures = evidence_for(assessment.partnership, start, end)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "computed_at": timezone.now().isoformat(),
        "figures": figures_as_data(figures),
    }


def snapshot_figures(snapshot: dict[str, Any] | None) -> dict[str, Figure]:
    """The figures frozen in a snapshot (empty when there is none)."""
    return figures_from_data((snapshot or {}).get("figures"))


def moved_since(frozen: dict[str, Figure], current: dict[str, Figure]) -> list[str]:
    """The keys of frozen figures whose value, numerator or denominator is different now (a record
    corrected after the return was submitted), in catalogue order."""
    return [
        m.key
        for m in MEASURES
        if m.key in frozen
        and m.key in current
        and (frozen[m.key].value, frozen[m.key].numerator, frozen[m.key].denominator)
        != (current[m.key].value, current[m.key].numerator, current[m.key].denominator)
    ]


def figures_as_data(figures: dict[str, Figure]) -> dict[str, dict[str, Any]]:
    return {key: figure.as_dict() for key, figure in figures.items()}


def figures_from_data(data: dict[str, Any] | None) -> dict[str, Figure]:
    return {key: Figure.from_dict(value) for key, value in (data or {}).items() if key in MEASURE_BY_KEY}
