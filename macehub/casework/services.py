"""Writes for casework. Each checks the policy, validates (impossible dates are refused with a
message naming the field), runs in one transaction and records its audit event there, last.

Error keys are the form field names, so a view can put each message next to its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import field_changes, snapshot, update_versioned
from macehub.subjects import services as subject_services
from macehub.subjects.models import Confidence, Kind, Link, LinkType, RiskChange, Status, Subject

from .models import (
    PLAN_TYPES_FOR_KIND,
    AdultConsent,
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
    PlanOutcome,
    PlanReview,
    PlanStatus,
    PlanType,
    ReturnInterview,
    ReviewDecision,
    RiskAssessment,
    Tactic,
)
from .policies import policy
from .selectors import children_linked_to, settings_for
from .times import describe

MAX_OUTCOMES = 6


def _require(actor: Any, action: str, obj: Any = None) -> None:
    if not policy.can(actor, action, obj):
        raise PermissionDenied(action)


def _not_future(errors: dict[str, str], name: str, value: date | None, what: str) -> None:
    if value is not None and value > timezone.localdate():
        errors[name] = f"{what} must be today or in the past"


def _not_future_moment(errors: dict[str, str], name: str, value: datetime | None, what: str) -> None:
    if value is not None and value > timezone.now() + timedelta(minutes=5):
        errors[name] = f"{what} must be now or in the past"


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def viewed(*, actor: Any, obj: Any, page: str) -> None:
    """Every look at a casework record (or a child's casework) is an audit event."""
    with transaction.atomic():
        record(action=Action.VIEW, actor=actor, obj=obj, detail={"page": page})


# --- Settings --------------------------------------------------------------------------------

SETTINGS_FIELDS = ["assessment_review_weeks", "plan_review_weeks", "nrm_decision_days", "consent_prompt_days"]


def settings_update(
    *, actor: Any, panel: Any, expected_version: int | None, values: dict[str, Any]
) -> CaseworkSettings:
    _require(actor, "manage_settings", panel)
    with transaction.atomic():
        # One save of a panel's settings at a time: the first save creates the row, and the
        # same form sent twice at once must not create it twice (the second waits here).
        type(panel).objects.select_for_update().filter(pk=panel.pk).values_list("pk", flat=True).first()
        current = settings_for(panel)
        before = snapshot(current, SETTINGS_FIELDS)
        for name in SETTINGS_FIELDS:
            setattr(current, name, values[name])
        if current.pk is None:
            current.created_by = current.updated_by = actor
            current.full_clean()
            current.save()
        else:
            update_versioned(current, expected_version=expected_version or 0, actor=actor, fields=SETTINGS_FIELDS)
        changes = field_changes(before, snapshot(current, SETTINGS_FIELDS))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=current, changes=changes)
    return current


# --- Risk assessments ------------------------------------------------------------------------

ASSESSMENT_FIELDS = ["tool", "assessor_name", "assessor_agency", "assessed_on", "level", "factors", "next_review_on"]


def assessment_create(
    *,
    actor: Any,
    child: Subject,
    values: dict[str, Any],
    set_current_level: bool = False,
    expected_child_version: int | None = None,
) -> RiskAssessment:
    """Record a risk assessment. With ``set_current_level`` (coordinators and chairs) the child's
    current risk level is set from it, through the register, so the level and its history stay
    in one place — only if the child's record is still at ``expected_child_version``, the
    version the person saw (with its risk level) when they opened the form: otherwise
    :class:`ConcurrentEditError`, and nothing is saved (C28)."""
    _require(actor, "record_child_casework", child)
    if set_current_level:
        _require(actor, "set_risk_level", child)
        if expected_child_version is None:
            raise ValueError("Setting the current level needs the version of the child's record the person saw.")
    settings = settings_for(child.panel)
    errors: dict[str, str] = {}
    assessed_on: date | None = values.get("assessed_on")
    if assessed_on is None:
        raise ValidationError({"assessed_on": "Enter the date of the assessment"})
    _not_future(errors, "assessed_on", assessed_on, "The date of the assessment")
    if values.get("level") not in child.panel.risk_levels:
        errors["level"] = "Choose a level from the panel's risk scale"
    next_review: date = values.get("next_review_on") or assessed_on + timedelta(weeks=settings.assessment_review_weeks)
    if next_review <= assessed_on:
        errors["next_review_on"] = "The next review must be after the date of the assessment"
    if set_current_level:
        later = RiskChange.objects.filter(subject=child, decided_on__gt=assessed_on).order_by("-decided_on").first()
        if later is not None:
            errors["set_current_level"] = (
                f"A later decision on the risk level ({later.level}, {_long(later.decided_on)}) is on record: "
                "an older assessment cannot set the current level"
            )
    _raise(errors)
    assessment = RiskAssessment(
        child=child,
        **{k: values[k] for k in ASSESSMENT_FIELDS if k != "next_review_on"},
        next_review_on=next_review,
        set_current_level=set_current_level,
        created_by=actor,
        updated_by=actor,
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        if set_current_level:
            subject_services.subject_set_risk(
                actor=actor,
                subject=child,
                expected_version=expected_child_version or 0,
                level=assessment.level,
                reason=f"Risk assessment ({assessment.tool}) by {assessment.assessor_name}, "
                f"{assessment.assessor_agency}, on {_long(assessment.assessed_on)}.",
                decided_on=assessment.assessed_on,
            )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=assessment,
            changes=snapshot(assessment, [*ASSESSMENT_FIELDS, "set_current_level"]),
        )
    return assessment


# --- Plans -----------------------------------------------------------------------------------

PLAN_FIELDS = ["plan_type", "other_type", "title", "lead_agency", "lead_professional", "started_on", "next_review_on"]


def plan_create(*, actor: Any, subject: Subject, values: dict[str, Any], outcomes: Iterable[str]) -> Plan:
    """Make a plan with its intended outcomes (at least one, written now so reviews can measure
    change). A plan for a location, group or person covers every child currently linked to it."""
    _require(actor, "record_casework", subject)
    settings = settings_for(subject.panel)
    errors: dict[str, str] = {}
    plan_type = values.get("plan_type", "")
    allowed = PLAN_TYPES_FOR_KIND.get(subject.kind, [])
    if plan_type not in allowed:
        names = ", ".join(str(PlanType(t).label).lower() for t in allowed) or "no plan"
        errors["plan_type"] = f"A {subject.kind_label.lower()} can have a {names}. Choose one of those"
    if plan_type == PlanType.OTHER and not values.get("other_type", "").strip():
        errors["other_type"] = "Enter what kind of plan it is"
    started_on: date | None = values.get("started_on")
    _not_future(errors, "started_on", started_on, "The date the plan started")
    next_review = values.get("next_review_on")
    if started_on is not None and next_review is None:
        next_review = started_on + timedelta(weeks=settings.plan_review_weeks)
    if started_on is not None and next_review is not None and next_review <= started_on:
        errors["next_review_on"] = "The first review must be after the plan starts"
    texts = [t.strip() for t in outcomes if t and t.strip()]
    if not texts:
        errors["outcome_1"] = "Enter at least one intended outcome: what the plan is trying to achieve"
    if len(texts) > MAX_OUTCOMES:
        errors["outcome_1"] = f"Enter up to {MAX_OUTCOMES} intended outcomes"
    _raise(errors)
    plan = Plan(
        subject=subject,
        **{k: values.get(k, "") for k in PLAN_FIELDS if k != "next_review_on"},
        next_review_on=next_review,
        created_by=actor,
        updated_by=actor,
    )
    if plan.plan_type != PlanType.OTHER:
        plan.other_type = ""
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        PlanOutcome.objects.bulk_create(
            PlanOutcome(plan=plan, order=i, text=text[:300]) for i, text in enumerate(texts, start=1)
        )
        children = [subject] if subject.kind == Kind.CHILD else list(children_linked_to(subject))
        PlanChild.objects.bulk_create(PlanChild(plan=plan, child=c, added_on=plan.started_on) for c in children)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=plan,
            changes=snapshot(plan, PLAN_FIELDS),
            detail={"outcomes": texts, "children": [c.reference for c in children]},
        )
    return plan


def plan_sync_children(*, actor: Any, plan: Plan) -> list[Subject]:
    """Add to a context plan the children linked to its context since it was made."""
    _require(actor, "record_casework", plan)
    if not plan.is_context_plan or not plan.is_active:
        raise ValidationError("Only an active plan for a location, group or person covers linked children.")
    with transaction.atomic():
        have = set(PlanChild.objects.filter(plan=plan).values_list("child_id", flat=True))
        new = [c for c in children_linked_to(plan.subject) if c.pk not in have]
        today = timezone.localdate()
        PlanChild.objects.bulk_create(PlanChild(plan=plan, child=c, added_on=today) for c in new)
        if new:
            record(action=Action.UPDATE, actor=actor, obj=plan, detail={"children_added": [c.reference for c in new]})
    return new


@dataclass
class OutcomeProgress:
    outcome: PlanOutcome
    score: int | None
    comment: str = ""


def plan_review(
    *,
    actor: Any,
    plan: Plan,
    expected_version: int,
    reviewed_on: date | None,
    scores: dict[int, tuple[int | None, str]],
    summary: str,
    decision: str,
    next_review_on: date | None,
) -> PlanReview:
    """Review a plan: score progress against every intended outcome, say what happens next."""
    _require(actor, "record_casework", plan)
    if not plan.is_active:
        raise ValidationError("This plan has ended; it cannot be reviewed again.")
    errors: dict[str, str] = {}
    outcomes = list(plan.outcomes.all())
    if reviewed_on is not None:
        _not_future(errors, "reviewed_on", reviewed_on, "The date of the review")
        if reviewed_on < plan.started_on:
            errors["reviewed_on"] = f"The review cannot be before the plan started on {_long(plan.started_on)}"
        last = plan.reviews.order_by("-reviewed_on").first()
        if last is not None and reviewed_on < last.reviewed_on:
            errors["reviewed_on"] = f"The review cannot be before the last review, on {_long(last.reviewed_on)}"
    else:
        errors["reviewed_on"] = "Enter the date of the review"
    for outcome in outcomes:
        score, _ = scores.get(outcome.pk, (None, ""))
        if score not in (1, 2, 3, 4, 5):
            errors[f"score_{outcome.pk}"] = f"Choose how much progress there has been towards ‘{outcome.text}’"
    if not summary.strip():
        errors["summary"] = "Enter what the review found"
    if decision not in ReviewDecision.values:
        errors["decision"] = "Choose what happens to the plan next"
    if decision != ReviewDecision.END:
        if next_review_on is None:
            errors["next_review_on"] = "Enter the date of the next review"
        elif reviewed_on is not None and next_review_on <= reviewed_on:
            errors["next_review_on"] = "The next review must be after this review"
    _raise(errors)
    assert reviewed_on is not None  # noqa: S101 - checked above
    review = PlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        summary=summary.strip(),
        decision=decision,
        next_review_on=None if decision == ReviewDecision.END else next_review_on,
        created_by=actor,
        updated_by=actor,
    )
    review.full_clean()
    before = snapshot(plan, ["status", "next_review_on", "ended_on"])
    if decision == ReviewDecision.END:
        plan.status = PlanStatus.ENDED
        plan.ended_on = reviewed_on
        plan.end_reason = summary.strip()
        plan.next_review_on = None
    else:
        plan.next_review_on = next_review_on
    with transaction.atomic():
        update_versioned(
            plan,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "ended_on", "end_reason", "next_review_on"],
        )
        review.save()
        OutcomeScore.objects.bulk_create(
            OutcomeScore(
                review=review,
                outcome=o,
                score=int(scores[o.pk][0]),  # type: ignore[arg-type]
                comment=scores[o.pk][1].strip(),
            )
            for o in outcomes
        )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=review,
            detail={
                "decision": decision,
                "scores": {o.text[:60]: scores[o.pk][0] for o in outcomes},
                "plan": field_changes(before, snapshot(plan, ["status", "next_review_on", "ended_on"])),
            },
        )
    return review


# --- Missing episodes ------------------------------------------------------------------------

EPISODE_FIELDS = [
    "started_at",
    "returned_at",
    "reported_to_police",
    "police_reference",
    "classification",
    "risk_grade",
    "placement",
    "philomena",
    "where_found",
    "notes",
]


def _check_episode(episode: MissingEpisode) -> None:
    errors: dict[str, str] = {}
    _not_future_moment(errors, "started_on", episode.started_at, "The time the child went missing")
    _not_future_moment(errors, "returned_on", episode.returned_at, "The time the child returned")
    if episode.returned_at is not None and episode.started_at is not None and episode.returned_at <= episode.started_at:
        errors["returned_on"] = f"The return must be after the child went missing ({describe(episode.started_at)})"
    if episode.reported_to_police and not episode.classification:
        errors["classification"] = "Choose how the police classified the episode"
    if not episode.reported_to_police:
        episode.classification = ""
        episode.police_reference = ""
    interview = getattr(episode, "interview", None) if episode.pk else None
    if interview is not None:
        if episode.returned_at is None:
            errors["returned_on"] = "A return home interview is recorded: enter when the child returned"
        elif interview.completed_at is not None and interview.completed_at <= episode.returned_at:
            errors["returned_on"] = (
                f"The return home interview was at {describe(interview.completed_at)}: the return must be before it"
            )
    _raise(errors)


def episode_create(*, actor: Any, child: Subject, values: dict[str, Any]) -> MissingEpisode:
    _require(actor, "record_child_casework", child)
    episode = MissingEpisode(child=child, **values, created_by=actor, updated_by=actor)
    _check_episode(episode)
    episode.full_clean()
    with transaction.atomic():
        episode.save()
        record(action=Action.CREATE, actor=actor, obj=episode, changes=snapshot(episode, EPISODE_FIELDS))
    return episode


def episode_update(
    *, actor: Any, episode: MissingEpisode, expected_version: int, values: dict[str, Any]
) -> MissingEpisode:
    """Change an episode — usually to record the child's return."""
    _require(actor, "record_child_casework", episode)
    before = snapshot(episode, EPISODE_FIELDS)
    for name in EPISODE_FIELDS:
        if name in values:
            setattr(episode, name, values[name])
    _check_episode(episode)
    with transaction.atomic():
        update_versioned(episode, expected_version=expected_version, actor=actor, fields=EPISODE_FIELDS)
        interview = ReturnInterview.objects.filter(episode=episode).first()
        if interview is not None:
            interview.episode = episode
            within = interview.compute_within_72_hours()
            if within != interview.within_72_hours:
                ReturnInterview.objects.filter(pk=interview.pk).update(within_72_hours=within)
        changes = field_changes(before, snapshot(episode, EPISODE_FIELDS))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=episode, changes=changes)
    return episode


# --- Return home interviews ------------------------------------------------------------------

INTERVIEW_FIELDS = [
    "offered",
    "offered_on",
    "outcome",
    "completed_at",
    "interviewer_name",
    "interviewer_agency",
    "summary",
    "reason_not_completed",
]


@dataclass
class InterviewResult:
    interview: ReturnInterview
    links: list[Link] = field(default_factory=list)
    already_linked: list[Subject] = field(default_factory=list)
    new_records: list[Subject] = field(default_factory=list)


def _learned_link_type(record: Subject) -> str:
    if record.kind == Kind.LOCATION:
        return LinkType.SEEN_AT
    if record.kind == Kind.GROUP:
        return LinkType.MEMBER_OF
    return LinkType.ASSOCIATES


def _check_interview(interview: ReturnInterview, episode: MissingEpisode) -> None:
    errors: dict[str, str] = {}
    returned = episode.returned_at
    if returned is None:
        raise ValidationError("Record when the child returned before recording the return home interview.")
    returned_day = timezone.localtime(returned).date()
    if interview.offered:
        if interview.offered_on is None:
            errors["offered_on"] = "Enter the date the interview was offered"
        else:
            _not_future(errors, "offered_on", interview.offered_on, "The date the interview was offered")
            if interview.offered_on < returned_day:
                errors["offered_on"] = (
                    f"The interview cannot be offered before the child returned, on {_long(returned_day)}"
                )
    else:
        interview.offered_on = None
        if interview.outcome in (InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED):
            errors["outcome"] = "An interview that was not offered cannot be completed or declined"
    if interview.outcome == InterviewOutcome.COMPLETED:
        if interview.completed_at is None:
            errors["completed_on"] = "Enter the date and time the interview was completed"
        else:
            _not_future_moment(errors, "completed_on", interview.completed_at, "The time of the interview")
            if interview.completed_at <= returned:
                errors["completed_on"] = f"The interview must be after the child returned ({describe(returned)})"
        if not interview.interviewer_name.strip():
            errors["interviewer_name"] = "Enter who did the interview"
        if interview.interviewer_agency_id is None:
            errors["interviewer_agency"] = "Choose the interviewer's agency"
    else:
        interview.completed_at = None
    if interview.outcome == InterviewOutcome.NOT_COMPLETED and not interview.reason_not_completed.strip():
        errors["reason_not_completed"] = "Enter why the interview could not be completed"
    _raise(errors)


def interview_save(
    *,
    actor: Any,
    episode: MissingEpisode,
    expected_version: int | None,
    values: dict[str, Any],
    link_to: Iterable[Subject] = (),
    new_location: str = "",
    confidence: str = Confidence.LIKELY,
) -> InterviewResult:
    """Record (or update) the return home interview, and turn what it learned about associates
    and locations into register links in the same step (R34): each chosen record is linked to
    the child; a new location can be added to the register and linked too."""
    _require(actor, "record_child_casework", episode)
    child = episode.child
    existing = ReturnInterview.objects.filter(episode=episode).first()
    interview = existing or ReturnInterview(episode=episode, created_by=actor, updated_by=actor)
    before = snapshot(interview, INTERVIEW_FIELDS) if existing else {}
    for name in INTERVIEW_FIELDS:
        if name in values:
            setattr(interview, name, values[name])
    interview.episode = episode
    _check_interview(interview, episode)
    targets = [r for r in link_to if r.pk != child.pk]
    new_location = new_location.strip()
    if (targets or new_location) and interview.outcome != InterviewOutcome.COMPLETED:
        raise ValidationError(
            "Links come from what a completed interview learned: record the interview as completed, "
            "or untick the records chosen"
        )
    for target in targets:
        if target.panel_id != child.panel_id or target.status == Status.MERGED:
            raise ValidationError("Choose records on this panel's register")
    if confidence not in Confidence.values:
        raise ValidationError({"confidence": "Choose how sure the information is"})
    interview.within_72_hours = interview.compute_within_72_hours()
    result = InterviewResult(interview=interview)
    with transaction.atomic():
        if existing is None:
            interview.full_clean()
            interview.save()
        else:
            update_versioned(
                interview,
                expected_version=expected_version or 0,
                actor=actor,
                fields=[*INTERVIEW_FIELDS, "within_72_hours"],
            )
        if interview.outcome == InterviewOutcome.COMPLETED and interview.completed_at is not None:
            known_from = timezone.localtime(interview.completed_at).date()
            note = f"Mentioned in the return home interview on {_long(known_from)}."
            if new_location:
                location = subject_services.subject_create(
                    actor=actor,
                    panel=child.panel,
                    kind=Kind.LOCATION,
                    values={"name": new_location[:200], "description": note},
                    audit_detail={"added_from": "return home interview"},
                )
                result.new_records.append(location)
                targets.append(location)
            for target in targets:
                link_type = _learned_link_type(target)
                source, other = subject_services.placed(child, target, link_type)
                duplicate = Link.objects.filter(
                    source=source, target=other, link_type=link_type, ended_on__isnull=True
                ).exists()
                if duplicate:
                    result.already_linked.append(target)
                    continue
                result.links.append(
                    subject_services.link_create(
                        actor=actor,
                        one=child,
                        other=target,
                        link_type=link_type,
                        known_from=known_from,
                        confidence=confidence,
                        source_agency=interview.interviewer_agency,
                        notes=note,
                    )
                )
            if result.links:
                interview.links_made = [*interview.links_made, *[link.pk for link in result.links]]
                ReturnInterview.objects.filter(pk=interview.pk).update(links_made=interview.links_made)
        after = snapshot(interview, INTERVIEW_FIELDS)
        record(
            action=Action.CREATE if existing is None else Action.UPDATE,
            actor=actor,
            obj=interview,
            changes=field_changes(before, after),
            detail={
                "within_72_hours": interview.within_72_hours,
                "links_made": [f"{link.source.reference}–{link.target.reference}" for link in result.links],
                "records_added": [r.reference for r in result.new_records],
            },
        )
    return result


# --- NRM -------------------------------------------------------------------------------------

NRM_FIELDS = [
    "referred_on",
    "first_responder_agency",
    "first_responder_name",
    "exploitation_types",
    "decision_maker",
    "rg_decision",
    "rg_decided_on",
    "cg_decision",
    "cg_decided_on",
    "duty_to_notify",
    "adult_consent",
    "adult_consent_on",
    "notes",
]


def _check_nrm(nrm: NRMReferral) -> None:
    errors: dict[str, str] = {}
    referred = nrm.referred_on
    _not_future(errors, "referred_on", referred, "The date of the referral")
    if nrm.rg_decision == Decision.PENDING:
        if nrm.rg_decided_on is not None:
            errors["rg_decided_on"] = "Choose the reasonable-grounds decision, or clear its date"
    elif nrm.rg_decided_on is None:
        errors["rg_decided_on"] = "Enter the date of the reasonable-grounds decision"
    else:
        _not_future(errors, "rg_decided_on", nrm.rg_decided_on, "The date of the reasonable-grounds decision")
        if referred is not None and nrm.rg_decided_on < referred:
            errors["rg_decided_on"] = (
                f"The reasonable-grounds decision cannot be before the referral, on {_long(referred)}"
            )
    if nrm.cg_decision != Decision.PENDING:
        if nrm.rg_decision != Decision.POSITIVE:
            errors["cg_decision"] = "A conclusive-grounds decision follows a positive reasonable-grounds decision"
        elif nrm.cg_decided_on is None:
            errors["cg_decided_on"] = "Enter the date of the conclusive-grounds decision"
        else:
            _not_future(errors, "cg_decided_on", nrm.cg_decided_on, "The date of the conclusive-grounds decision")
            if nrm.rg_decided_on is not None and nrm.cg_decided_on < nrm.rg_decided_on:
                errors["cg_decided_on"] = (
                    "The conclusive-grounds decision cannot be before the reasonable-grounds decision, "
                    f"on {_long(nrm.rg_decided_on)}"
                )
    elif nrm.cg_decided_on is not None:
        errors["cg_decided_on"] = "Choose the conclusive-grounds decision, or clear its date"
    if nrm.adult_consent == AdultConsent.NOT_YET:
        nrm.adult_consent_on = None
    elif nrm.adult_consent_on is None:
        errors["adult_consent_on"] = "Enter the date the young person was asked"
    else:
        _not_future(errors, "adult_consent_on", nrm.adult_consent_on, "The date the young person was asked")
        if referred is not None and nrm.adult_consent_on < referred:
            errors["adult_consent_on"] = f"The young person cannot be asked before the referral, on {_long(referred)}"
    _raise(errors)


def nrm_create(*, actor: Any, child: Subject, values: dict[str, Any]) -> NRMReferral:
    """Record an NRM referral. No consent is needed from a child; the reasonable-grounds
    decision is expected within the panel's target (45 days by default)."""
    _require(actor, "record_child_casework", child)
    nrm = NRMReferral(child=child, **values, created_by=actor, updated_by=actor)
    _check_nrm(nrm)
    nrm.decision_due_on = nrm.referred_on + timedelta(days=settings_for(child.panel).nrm_decision_days)
    nrm.full_clean()
    with transaction.atomic():
        nrm.save()
        record(action=Action.CREATE, actor=actor, obj=nrm, changes=snapshot(nrm, [*NRM_FIELDS, "decision_due_on"]))
    return nrm


def nrm_update(*, actor: Any, nrm: NRMReferral, expected_version: int, values: dict[str, Any]) -> NRMReferral:
    """Record decisions, consent at 18, or correct the referral."""
    _require(actor, "record_child_casework", nrm)
    before = snapshot(nrm, [*NRM_FIELDS, "decision_due_on"])
    old_referred = nrm.referred_on
    for name in NRM_FIELDS:
        if name in values:
            setattr(nrm, name, values[name])
    _check_nrm(nrm)
    if nrm.referred_on != old_referred:
        nrm.decision_due_on = nrm.referred_on + timedelta(days=settings_for(nrm.child.panel).nrm_decision_days)
    with transaction.atomic():
        update_versioned(nrm, expected_version=expected_version, actor=actor, fields=[*NRM_FIELDS, "decision_due_on"])
        changes = field_changes(before, snapshot(nrm, [*NRM_FIELDS, "decision_due_on"]))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=nrm, changes=changes)
    return nrm


# --- Disruption ------------------------------------------------------------------------------

DISRUPTION_FIELDS = ["category", "tactic", "other_tactic", "agency", "done_on", "description", "outcome"]
DISRUPTION_TARGET_KINDS = (Kind.LOCATION, Kind.GROUP, Kind.PERSON)


def _check_disruption(disruption: Disruption) -> None:
    errors: dict[str, str] = {}
    _not_future(errors, "done_on", disruption.done_on, "The date of the activity")
    if disruption.tactic == Tactic.OTHER and not disruption.other_tactic.strip():
        errors["other_tactic"] = "Enter the tactic or legal tool used"
    if disruption.tactic != Tactic.OTHER:
        disruption.other_tactic = ""
    _raise(errors)


def disruption_create(
    *, actor: Any, target: Subject, values: dict[str, Any], children: Iterable[Subject] = ()
) -> Disruption:
    """Record disruption activity against a location, group or person of concern, and the
    children it protects (children linked to the target)."""
    _require(actor, "record_casework", target)
    if target.kind not in DISRUPTION_TARGET_KINDS:
        raise ValidationError("Disruption is recorded against a location, group or person of concern.")
    protected = list(children)
    allowed = set(children_linked_to(target).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in protected):
        raise ValidationError({"children": "Choose children linked to this record"})
    disruption = Disruption(target=target, **values, created_by=actor, updated_by=actor)
    _check_disruption(disruption)
    disruption.full_clean()
    with transaction.atomic():
        disruption.save()
        disruption.children.set(protected)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=disruption,
            changes=snapshot(disruption, DISRUPTION_FIELDS),
            detail={"children": [c.reference for c in protected]},
        )
    return disruption


def disruption_update(
    *, actor: Any, disruption: Disruption, expected_version: int, values: dict[str, Any]
) -> Disruption:
    _require(actor, "record_casework", disruption)
    before = snapshot(disruption, DISRUPTION_FIELDS)
    for name in DISRUPTION_FIELDS:
        if name in values:
            setattr(disruption, name, values[name])
    _check_disruption(disruption)
    with transaction.atomic():
        update_versioned(disruption, expected_version=expected_version, actor=actor, fields=DISRUPTION_FIELDS)
        changes = field_changes(before, snapshot(disruption, DISRUPTION_FIELDS))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=disruption, changes=changes)
    return disruption


# --- Escalations -----------------------------------------------------------------------------

ESCALATION_FIELDS = ["route", "escalated_on", "escalated_to", "reason"]
RESPONSE_FIELDS = ["status", "response", "responded_on", "outcome"]


def _check_escalation(escalation: Escalation) -> None:
    errors: dict[str, str] = {}
    _not_future(errors, "escalated_on", escalation.escalated_on, "The date of the escalation")
    if escalation.status != EscalationStatus.OPEN:
        if not escalation.response.strip():
            errors["response"] = "Enter the response"
        if escalation.responded_on is None:
            errors["responded_on"] = "Enter the date of the response"
    if escalation.responded_on is not None:
        _not_future(errors, "responded_on", escalation.responded_on, "The date of the response")
        if escalation.escalated_on is not None and escalation.responded_on < escalation.escalated_on:
            errors["responded_on"] = (
                f"The response cannot be before the escalation, on {_long(escalation.escalated_on)}"
            )
    _raise(errors)


def escalation_create(*, actor: Any, subject: Subject, values: dict[str, Any]) -> Escalation:
    _require(actor, "escalate", subject)
    escalation = Escalation(subject=subject, **values, created_by=actor, updated_by=actor)
    _check_escalation(escalation)
    escalation.full_clean()
    with transaction.atomic():
        escalation.save()
        record(action=Action.CREATE, actor=actor, obj=escalation, changes=snapshot(escalation, ESCALATION_FIELDS))
    return escalation


def escalation_update(
    *, actor: Any, escalation: Escalation, expected_version: int, values: dict[str, Any]
) -> Escalation:
    """Record the response and outcome (or correct the escalation)."""
    _require(actor, "escalate", escalation)
    fields = ESCALATION_FIELDS + RESPONSE_FIELDS
    before = snapshot(escalation, fields)
    for name in fields:
        if name in values:
            setattr(escalation, name, values[name])
    _check_escalation(escalation)
    with transaction.atomic():
        update_versioned(escalation, expected_version=expected_version, actor=actor, fields=fields)
        changes = field_changes(before, snapshot(escalation, fields))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=escalation, changes=changes)
    return escalation


# --- Merging records -------------------------------------------------------------------------


def carry_casework_over(keep: Subject, merged: Subject) -> dict[str, Any]:
    """Registered with the subjects app: when two register records are merged, their casework
    moves to the record that is kept (inside the merge's transaction)."""
    moved: dict[str, int] = {
        "risk_assessments": RiskAssessment.objects.filter(child=merged).update(child=keep),
        "missing_episodes": MissingEpisode.objects.filter(child=merged).update(child=keep),
        "nrm_referrals": NRMReferral.objects.filter(child=merged).update(child=keep),
        "plans": Plan.objects.filter(subject=merged).update(subject=keep),
        "disruptions": Disruption.objects.filter(target=merged).update(target=keep),
        "escalations": Escalation.objects.filter(subject=merged).update(subject=keep),
    }
    # Plans and disruptions covering both records keep one entry, for the kept record.
    covered = set(PlanChild.objects.filter(child=keep).values_list("plan_id", flat=True))
    PlanChild.objects.filter(child=merged, plan_id__in=covered).delete()
    moved["plans_covering"] = PlanChild.objects.filter(child=merged).update(child=keep)
    through = Disruption.children.through
    protected = set(through.objects.filter(subject_id=keep.pk).values_list("disruption_id", flat=True))
    through.objects.filter(subject_id=merged.pk, disruption_id__in=protected).delete()
    moved["disruptions_protecting"] = through.objects.filter(subject_id=merged.pk).update(subject_id=keep.pk)
    carried = {name: count for name, count in moved.items() if count}
    return {"casework": carried} if carried else {}
