"""Reads for casework, always scoped to the asking person.

A casework record is visible exactly when the register record it is about is visible
(``subjects.selectors``): panel roles only, and persons of concern only where the panel allows.
Every list runs a fixed number of queries, however many rows it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from macehub.core.selectors import get_visible_or_404
from macehub.subjects.models import Kind, Link, Status, Subject
from macehub.subjects.policies import records as record_policy
from macehub.subjects.policies import registers

from . import policies
from .models import (
    RHI_WINDOW,
    CaseworkSettings,
    Decision,
    Disruption,
    Escalation,
    EscalationStatus,
    InterviewOutcome,
    MissingEpisode,
    NRMReferral,
    OutcomeScore,
    Plan,
    PlanChild,
    PlanReview,
    PlanStatus,
    ReturnInterview,
    RiskAssessment,
)

#: How far ahead the "due soon" lists look.
DUE_SOON_DAYS = 14


def settings_for(panel: Any) -> CaseworkSettings:
    """The panel's settings, or the defaults (unsaved) if it has none yet."""
    found = CaseworkSettings.objects.filter(panel=panel).first()
    return found if found is not None else CaseworkSettings(panel=panel)


# --- Scoped querysets ------------------------------------------------------------------------


def assessments_visible_to(user: Any) -> QuerySet[RiskAssessment]:
    return policies.assessments.visible(user).select_related("child", "child__panel", "assessor_agency")


def episodes_visible_to(user: Any) -> QuerySet[MissingEpisode]:
    return policies.episodes.visible(user).select_related(
        "child", "child__panel", "interview", "interview__interviewer_agency"
    )


def nrm_visible_to(user: Any) -> QuerySet[NRMReferral]:
    return policies.nrm_referrals.visible(user).select_related("child", "child__panel", "first_responder_agency")


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    return policies.plans.visible(user).select_related("subject", "subject__panel", "lead_agency")


def disruptions_visible_to(user: Any) -> QuerySet[Disruption]:
    return policies.disruptions.visible(user).select_related("target", "target__panel", "agency")


def escalations_visible_to(user: Any) -> QuerySet[Escalation]:
    return policies.escalations.visible(user).select_related("subject", "subject__panel")


def get_episode_for(user: Any, pk: Any) -> MissingEpisode:
    return get_visible_or_404(episodes_visible_to(user).select_related("child__panel__partnership"), pk, user=user)


def get_nrm_for(user: Any, pk: Any) -> NRMReferral:
    return get_visible_or_404(nrm_visible_to(user).select_related("child__panel__partnership"), pk, user=user)


def get_plan_for(user: Any, pk: Any) -> Plan:
    return get_visible_or_404(plans_visible_to(user).select_related("subject__panel__partnership"), pk, user=user)


def get_disruption_for(user: Any, pk: Any) -> Disruption:
    return get_visible_or_404(disruptions_visible_to(user).select_related("target__panel__partnership"), pk, user=user)


def get_escalation_for(user: Any, pk: Any) -> Escalation:
    return get_visible_or_404(escalations_visible_to(user).select_related("subject__panel__partnership"), pk, user=user)


# --- One record's casework -------------------------------------------------------------------


def plan_detail_queryset() -> Any:
    """Prefetches for showing plans with their outcomes and reviews (scores by outcome)."""
    return (
        Prefetch("outcomes"),
        Prefetch(
            "reviews",
            queryset=PlanReview.objects.select_related("created_by").prefetch_related(
                Prefetch("scores", queryset=OutcomeScore.objects.select_related("outcome"))
            ),
        ),
        Prefetch("plan_children", queryset=PlanChild.objects.select_related("child")),
    )


def plans_for(user: Any, subject: Subject) -> list[Plan]:
    """Plans for the record, and for a child also the context plans that cover them."""
    qs = plans_visible_to(user)
    if subject.kind == Kind.CHILD:
        qs = qs.filter(Q(subject=subject) | Q(plan_children__child=subject))
    else:
        qs = qs.filter(subject=subject)
    return list(
        qs.distinct().prefetch_related("outcomes").order_by("status", "-started_on", "-pk")  # active first
    )


def disruptions_for(user: Any, subject: Subject) -> list[Disruption]:
    qs = disruptions_visible_to(user)
    qs = qs.filter(children=subject) if subject.kind == Kind.CHILD else qs.filter(target=subject)
    return list(qs.distinct().order_by("-done_on", "-pk"))


def children_linked_to(subject: Subject) -> QuerySet[Subject]:
    """Children with a current link to a context or person (every child the context affects)."""
    linked = Link.objects.filter(ended_on__isnull=True).filter(
        Q(source_id=OuterRef("pk"), target=subject) | Q(target_id=OuterRef("pk"), source=subject)
    )
    return (
        Subject.objects.filter(panel_id=subject.panel_id, kind=Kind.CHILD)
        .exclude(status=Status.MERGED)
        .filter(Exists(linked))
        .order_by("number")
    )


@dataclass
class ChildCasework:
    child: Subject
    assessments: list[RiskAssessment]
    plans: list[Plan]
    episodes: list[MissingEpisode]
    nrm: list[NRMReferral]
    disruptions: list[Disruption]
    escalations: list[Escalation]
    settings: CaseworkSettings
    today: date = field(default_factory=timezone.localdate)

    @property
    def latest_assessment(self) -> RiskAssessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def active_plans(self) -> list[Plan]:
        return [p for p in self.plans if p.is_active]

    @property
    def ended_plans(self) -> list[Plan]:
        return [p for p in self.plans if not p.is_active]

    @property
    def consent_prompt(self) -> NRMReferral | None:
        """An open NRM referral of a young person who is about to turn 18 (or has), with their
        consent to stay in the process not yet recorded."""
        prompt_for = consent_prompt_date(self.child, self.settings)
        if prompt_for is None or self.today < prompt_for:
            return None
        return next((n for n in self.nrm if n.is_open and n.adult_consent == "not_yet"), None)


def eighteenth_birthday(child: Subject) -> date | None:
    born = child.date_of_birth
    if born is None:
        return None
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return date(born.year + 18, 3, 1)


def consent_prompt_date(child: Subject, settings: CaseworkSettings) -> date | None:
    birthday = eighteenth_birthday(child)
    return None if birthday is None else birthday - timedelta(days=settings.consent_prompt_days)


def child_casework(user: Any, child: Subject) -> ChildCasework:
    return ChildCasework(
        child=child,
        assessments=list(assessments_visible_to(user).filter(child=child).order_by("-assessed_on", "-pk")),
        plans=plans_for(user, child),
        episodes=list(episodes_visible_to(user).filter(child=child).order_by("-started_at", "-pk")),
        nrm=list(nrm_visible_to(user).filter(child=child).order_by("-referred_on", "-pk")),
        disruptions=disruptions_for(user, child),
        escalations=list(escalations_visible_to(user).filter(subject=child).order_by("-escalated_on", "-pk")),
        settings=settings_for(child.panel),
    )


# --- A panel's due and overdue lists ---------------------------------------------------------


@dataclass
class DueLists:
    today: date
    soon: date
    #: Children (annotated with ``next_review_on``, ``last_assessed_on``, ``last_level``).
    assessments: list[Any]
    unassessed: list[Any]
    plans: list[Plan]
    interviews: list[MissingEpisode]
    nrm_late: list[NRMReferral]
    nrm_soon: list[NRMReferral]
    consent: list[NRMReferral]
    escalations: list[Escalation]

    @property
    def interviews_overdue(self) -> int:
        return sum(1 for e in self.interviews if getattr(e, "interview_overdue", False))

    @property
    def overdue_count(self) -> int:
        today = self.today
        return (
            sum(1 for c in self.assessments if c.next_review_on < today)
            + sum(1 for p in self.plans if p.next_review_on is not None and p.next_review_on < today)
            + self.interviews_overdue
            + len(self.nrm_late)
        )


def interviews_outstanding(user: Any, panel: Any) -> QuerySet[MissingEpisode]:
    """Episodes where the child has returned and no interview was completed or declined."""
    finished = ReturnInterview.objects.filter(
        episode=OuterRef("pk"), outcome__in=[InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED]
    )
    return (
        episodes_visible_to(user)
        .filter(child__panel=panel, returned_at__isnull=False)
        .exclude(child__status=Status.MERGED)
        .filter(~Exists(finished))
    )


def due_lists(user: Any, panel: Any, *, limit: int = 200) -> DueLists:
    today = timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    now = timezone.now()
    latest = RiskAssessment.objects.filter(child=OuterRef("pk")).order_by("-assessed_on", "-pk")
    open_children = (
        record_policy.visible(user, "view", Subject.objects.filter(panel=panel, kind=Kind.CHILD, status=Status.OPEN))
        .select_related("panel")
        .annotate(next_review_on=Subquery(latest.values("next_review_on")[:1]))
        .annotate(last_assessed_on=Subquery(latest.values("assessed_on")[:1]))
        .annotate(last_level=Subquery(latest.values("level")[:1]))
    )
    assessments = list(open_children.filter(next_review_on__lte=soon).order_by("next_review_on", "number")[:limit])
    unassessed = list(open_children.filter(next_review_on__isnull=True).order_by("number")[:limit])
    plans = list(
        plans_visible_to(user)
        .filter(subject__panel=panel, status=PlanStatus.ACTIVE, next_review_on__lte=soon)
        .exclude(subject__status=Status.MERGED)
        .order_by("next_review_on", "pk")[:limit]
    )
    # Interviews: still inside the 72 hours, or past them with nothing done (last 6 months).
    interviews = list(
        interviews_outstanding(user, panel)
        .filter(returned_at__gte=now - timedelta(days=183))
        .order_by("returned_at", "pk")[:limit]
    )
    for episode in interviews:
        episode.interview_overdue = episode.returned_at + RHI_WINDOW < now  # type: ignore[attr-defined, operator]
    nrm_open = nrm_visible_to(user).filter(child__panel=panel, rg_decision=Decision.PENDING)
    nrm_late = list(nrm_open.filter(decision_due_on__lt=today).order_by("decision_due_on", "pk")[:limit])
    nrm_soon = list(
        nrm_open.filter(decision_due_on__gte=today, decision_due_on__lte=today + timedelta(days=7)).order_by(
            "decision_due_on", "pk"
        )[:limit]
    )
    settings = settings_for(panel)
    # Consent near 18: open referrals of young people within the prompt window (date of birth known).
    consent_candidates = (
        nrm_visible_to(user)
        .filter(child__panel=panel, adult_consent="not_yet", child__date_of_birth__isnull=False)
        .filter(Q(rg_decision=Decision.PENDING) | Q(rg_decision=Decision.POSITIVE, cg_decision=Decision.PENDING))
        .filter(child__date_of_birth__lte=today - timedelta(days=18 * 365 - settings.consent_prompt_days - 5))
        .order_by("child__date_of_birth", "pk")[:limit]
    )
    consent = [
        n
        for n in consent_candidates
        if (prompt := consent_prompt_date(n.child, settings)) is not None and prompt <= today
    ]
    escalations = list(
        escalations_visible_to(user)
        .filter(subject__panel=panel, status=EscalationStatus.OPEN)
        .order_by("escalated_on", "pk")[:limit]
    )
    return DueLists(
        today=today,
        soon=soon,
        assessments=assessments,
        unassessed=unassessed,
        plans=plans,
        interviews=interviews,
        nrm_late=nrm_late,
        nrm_soon=nrm_soon,
        consent=consent,
        escalations=escalations,
    )


@dataclass
class Overdue:
    assessments: int = 0
    plans: int = 0
    interviews: int = 0
    nrm_late: int = 0

    @property
    def total(self) -> int:
        return self.assessments + self.plans + self.interviews + self.nrm_late


def overdue_by_panel(user: Any, panel_ids: list[int]) -> dict[int, Overdue]:
    """For the home page: what is overdue on each of the panels, in four grouped queries
    however many panels and records there are (the same rules as :func:`due_lists`)."""
    from django.db.models import Count

    today = timezone.localdate()
    now = timezone.now()
    panels = list(registers.visible(user).filter(pk__in=panel_ids).values_list("pk", flat=True))
    result = {pk: Overdue() for pk in panels}
    latest = RiskAssessment.objects.filter(child=OuterRef("pk")).order_by("-assessed_on", "-pk")
    children = (
        Subject.objects.filter(panel_id__in=panels, kind=Kind.CHILD, status=Status.OPEN)
        .annotate(next_review_on=Subquery(latest.values("next_review_on")[:1]))
        .filter(next_review_on__lt=today)
        .values("panel_id")
        .annotate(n=Count("pk"))
    )
    for row in children:
        result[row["panel_id"]].assessments = row["n"]
    plans = (
        plans_visible_to(user)
        .filter(subject__panel_id__in=panels, status=PlanStatus.ACTIVE, next_review_on__lt=today)
        .exclude(subject__status=Status.MERGED)
        .values("subject__panel_id")
        .annotate(n=Count("pk", distinct=True))
    )
    for plan_row in plans:
        result[plan_row["subject__panel_id"]].plans = plan_row["n"]
    finished = ReturnInterview.objects.filter(
        episode=OuterRef("pk"), outcome__in=[InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED]
    )
    episodes = (
        episodes_visible_to(user)
        .filter(child__panel_id__in=panels, returned_at__gte=now - timedelta(days=183))
        .filter(returned_at__lt=now - RHI_WINDOW)
        .exclude(child__status=Status.MERGED)
        .filter(~Exists(finished))
        .values("child__panel_id")
        .annotate(n=Count("pk"))
    )
    for episode_row in episodes:
        result[episode_row["child__panel_id"]].interviews = episode_row["n"]
    referrals = (
        nrm_visible_to(user)
        .filter(child__panel_id__in=panels, rg_decision=Decision.PENDING, decision_due_on__lt=today)
        .values("child__panel_id")
        .annotate(n=Count("pk"))
    )
    for nrm_row in referrals:
        result[nrm_row["child__panel_id"]].nrm_late = nrm_row["n"]
    return result


# --- Panel-wide lists ------------------------------------------------------------------------


def panel_plans(user: Any, panel: Any, *, status: str = PlanStatus.ACTIVE) -> QuerySet[Plan]:
    return (
        plans_visible_to(user)
        .filter(subject__panel=panel, status=status)
        .exclude(subject__status=Status.MERGED)
        .prefetch_related(Prefetch("plan_children", queryset=PlanChild.objects.select_related("child")))
        .order_by("next_review_on", "-started_on", "pk")
    )


def panel_disruptions(user: Any, panel: Any) -> QuerySet[Disruption]:
    return (
        disruptions_visible_to(user)
        .filter(target__panel=panel)
        .prefetch_related("children")
        .order_by("-done_on", "-pk")
    )


def panel_escalations(user: Any, panel: Any) -> QuerySet[Escalation]:
    return escalations_visible_to(user).filter(subject__panel=panel).order_by("status", "-escalated_on", "-pk")
