"""A child's journey: the timeline sources this app registers with ``macehub.core.timeline``.

Each source checks that the person may see the child, then runs a fixed number of queries
however many events there are. Besides its own records (risk, plans, missing, NRM, disruption,
escalations), casework registers the referrals about the child if the referrals app has not
registered a source of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse

from macehub.core.timeline import TimelineEvent
from macehub.subjects.models import RiskChange, Subject

from .models import Decision, InterviewOutcome, OutcomeScore, PlanReview, ReviewDecision
from .policies import policy
from .selectors import (
    assessments_visible_to,
    disruptions_visible_to,
    episodes_visible_to,
    escalations_visible_to,
    nrm_visible_to,
    plans_visible_to,
)
from .times import elapsed

KINDS = {
    "risk": "Risk assessments and levels",
    "plan": "Plans and reviews",
    "missing": "Missing episodes and return interviews",
    "nrm": "National Referral Mechanism",
    "disruption": "Disruption",
    "escalation": "Escalations",
}


def _visible(user: Any, child: Any) -> bool:
    return isinstance(child, Subject) and child.kind == "child" and policy.can(user, "view_casework", child)


def risk_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    history = reverse("casework:risk_history", args=[child.pk])
    events = [
        TimelineEvent(
            when=a.assessed_on,
            kind="risk",
            title=f"Risk assessment: {a.level}",
            detail=f"{a.tool} — {a.assessor_name}, {a.assessor_agency.name}. Next review {a.next_review_on:%-d %B %Y}.",
            url=f"{history}#assessment-{a.pk}",
        )
        for a in assessments_visible_to(user).filter(child=child)
    ]
    for change in RiskChange.objects.filter(subject=child).order_by("decided_on", "pk"):
        was = f" (was {change.previous_level})" if change.previous_level else ""
        events.append(
            TimelineEvent(
                when=change.decided_on,
                kind="risk",
                title=f"Risk level set to {change.level}{was}",
                detail=change.reason,
                url=f"{history}#change-{change.pk}",
            )
        )
    return events


def plan_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    plans = (
        plans_visible_to(user)
        .filter(Q(subject=child) | Q(plan_children__child=child))
        .distinct()
        .prefetch_related(
            "outcomes",
            Prefetch(
                "reviews",
                queryset=PlanReview.objects.prefetch_related(
                    Prefetch("scores", queryset=OutcomeScore.objects.select_related("outcome"))
                ),
            ),
        )
    )
    events: list[TimelineEvent] = []
    for plan in plans:
        url = reverse("casework:plan_detail", args=[plan.pk])
        about = "" if plan.subject_id == child.pk else f" for {plan.subject.safe_label} (covers this child)"
        outcomes = "; ".join(f"{o.order}. {o.text}" for o in plan.outcomes.all())
        events.append(
            TimelineEvent(
                when=plan.started_on,
                kind="plan",
                title=f"{plan.label} started{about}",
                detail=f"Lead: {plan.lead_professional}, {plan.lead_agency.name}. Intended outcomes: {outcomes}",
                url=url,
            )
        )
        for review in plan.reviews.all():
            scores = "; ".join(f"{s.outcome.order}. {s.get_score_display()}" for s in review.scores.all())
            ended = review.decision == ReviewDecision.END
            events.append(
                TimelineEvent(
                    when=review.reviewed_on,
                    kind="plan",
                    title=f"{plan.type_label} reviewed{' and ended' if ended else ''}{about}",
                    detail=f"Progress: {scores}. {review.summary}",
                    url=f"{url}#review-{review.pk}",
                )
            )
    return events


def missing_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    events: list[TimelineEvent] = []
    for episode in episodes_visible_to(user).filter(child=child):
        url = reverse("casework:missing_detail", args=[episode.pk])
        police = (
            f"Reported to police ({episode.get_classification_display().lower()})"
            if episode.reported_to_police
            else "Not reported to police"
        )
        events.append(
            TimelineEvent(
                when=episode.started_at,
                kind="missing",
                title="Went missing",
                detail=f"{police}; risk grade {episode.get_risk_grade_display().lower()}; "
                f"{episode.get_placement_display().lower()}.",
                url=url,
            )
        )
        if episode.returned_at is not None:
            found = f" Found at {episode.where_found}." if episode.where_found else ""
            events.append(
                TimelineEvent(
                    when=episode.returned_at,
                    kind="missing",
                    title="Returned from a missing episode",
                    detail=f"Missing for {elapsed(episode.returned_at - episode.started_at)}.{found}",
                    url=url,
                )
            )
        interview = getattr(episode, "interview", None)
        if interview is None:
            continue
        if interview.outcome == InterviewOutcome.COMPLETED and interview.completed_at and episode.returned_at:
            late = "" if interview.within_72_hours else "NOT "
            after = elapsed(interview.completed_at - episode.returned_at)
            events.append(
                TimelineEvent(
                    when=interview.completed_at,
                    kind="missing",
                    title=f"Return home interview completed — {late}within 72 hours",
                    detail=f"{after} after the return, by {interview.interviewer_name}"
                    f"{', ' + interview.interviewer_agency.name if interview.interviewer_agency else ''}. "
                    f"{interview.summary}",
                    url=f"{url}#interview",
                )
            )
        elif interview.offered and interview.offered_on:
            events.append(
                TimelineEvent(
                    when=interview.offered_on,
                    kind="missing",
                    title=f"Return home interview offered — {interview.get_outcome_display().lower()}",
                    detail=interview.reason_not_completed,
                    url=f"{url}#interview",
                )
            )
    return events


def nrm_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    events: list[TimelineEvent] = []
    for nrm in nrm_visible_to(user).filter(child=child):
        url = reverse("casework:nrm_detail", args=[nrm.pk])
        events.append(
            TimelineEvent(
                when=nrm.referred_on,
                kind="nrm",
                title="NRM referral made",
                detail=f"First responder: {nrm.first_responder_agency.name}. Decision maker: "
                f"{nrm.get_decision_maker_display()}. Reasonable-grounds decision due by {nrm.decision_due_on:%-d %B %Y}.",
                url=url,
            )
        )
        if nrm.rg_decision != Decision.PENDING and nrm.rg_decided_on:
            days = nrm.decision_days()
            timing = "late" if nrm.rg_late(nrm.rg_decided_on) else "in time"
            events.append(
                TimelineEvent(
                    when=nrm.rg_decided_on,
                    kind="nrm",
                    title=f"NRM reasonable-grounds decision: {nrm.get_rg_decision_display().lower()}",
                    detail=f"{days} days after the referral ({timing}).",
                    url=url,
                )
            )
        if nrm.cg_decision != Decision.PENDING and nrm.cg_decided_on:
            events.append(
                TimelineEvent(
                    when=nrm.cg_decided_on,
                    kind="nrm",
                    title=f"NRM conclusive-grounds decision: {nrm.get_cg_decision_display().lower()}",
                    url=url,
                )
            )
        if nrm.adult_consent_on:
            events.append(
                TimelineEvent(
                    when=nrm.adult_consent_on,
                    kind="nrm",
                    title=f"NRM consent at 18: {nrm.get_adult_consent_display().lower()}",
                    url=url,
                )
            )
    return events


def disruption_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    return [
        TimelineEvent(
            when=d.done_on,
            kind="disruption",
            title=f"Disruption: {d.tactic_label} — {d.target.safe_label}",
            detail=f"{d.get_category_display()}, by {d.agency.name}.{' Outcome: ' + d.outcome if d.outcome else ''}",
            url=reverse("casework:disruption_detail", args=[d.pk]),
        )
        for d in disruptions_visible_to(user).filter(children=child).distinct()
    ]


def escalation_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    if not _visible(user, child):
        return []
    events: list[TimelineEvent] = []
    for e in escalations_visible_to(user).filter(subject=child):
        url = reverse("casework:escalation_detail", args=[e.pk])
        events.append(
            TimelineEvent(
                when=e.escalated_on,
                kind="escalation",
                title=f"Escalated {e.get_route_display()[0].lower()}{e.get_route_display()[1:]}",
                detail=f"To {e.escalated_to}. {e.reason}",
                url=url,
            )
        )
        if e.responded_on:
            events.append(
                TimelineEvent(
                    when=e.responded_on,
                    kind="escalation",
                    title="Response to the escalation",
                    detail=f"{e.response}{' Outcome: ' + e.outcome if e.outcome else ''}",
                    url=url,
                )
            )
    return events


def referral_events(user: Any, child: Any) -> Iterable[TimelineEvent]:
    """Referrals about the child. Everyone who may see the child sees that a referral was made
    and decided; the link to the referral is offered only to those who may open it."""
    if not _visible(user, child):
        return []
    from macehub.referrals.models import Referral, ReferralStatus
    from macehub.referrals.selectors import referrals_visible_to

    referrals = list(Referral.objects.filter(subjects=child).select_related("referrer_agency"))
    if not referrals:
        return []
    openable = set(referrals_visible_to(user).filter(subjects=child).values_list("pk", flat=True))
    events: list[TimelineEvent] = []
    for r in referrals:
        url = reverse("referrals:detail", args=[r.pk]) if r.pk in openable else ""
        events.append(
            TimelineEvent(
                when=r.created_at,
                kind="referral",
                title=f"Referral {r.reference} received",
                detail=f"From {r.referrer_agency.name}; {r.get_route_display()[0].lower()}{r.get_route_display()[1:]}.",
                url=url,
            )
        )
        if r.decided_at and r.status != ReferralStatus.SUBMITTED:
            events.append(
                TimelineEvent(
                    when=r.decided_at,
                    kind="referral",
                    title=f"Referral {r.reference}: {r.get_status_display().lower()}",
                    detail=r.decision_reason,
                    url=url,
                )
            )
    return events


SOURCES = {
    "risk": risk_events,
    "plan": plan_events,
    "missing": missing_events,
    "nrm": nrm_events,
    "disruption": disruption_events,
    "escalation": escalation_events,
}


def register_sources() -> None:
    """Called from ``CaseworkConfig.ready`` (after the subjects, referrals and meetings apps)."""
    from macehub.core import timeline

    for key, source in SOURCES.items():
        timeline.register(key, KINDS[key], source)
    if "referral" not in dict(timeline.kinds()):
        timeline.register("referral", "Referrals", referral_events)
