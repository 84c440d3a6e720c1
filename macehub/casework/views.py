"""Casework pages: a record's casework, a child's risk history and journey (and its PDF), risk
assessments, plans and reviews, missing episodes and return interviews, NRM referrals,
disruption and escalations; a panel's due-and-overdue list, its plans, disruption and
escalations, and its casework settings.

Every page fetches through a scoped selector (404 for missing *and* not-yours), asks the policy,
calls a service and renders. Views of records are audited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core import timeline
from macehub.core.access import access_for
from macehub.core.acting import acting_partnership_id
from macehub.core.forms import rebind_after_conflict
from macehub.core.pdf import pdf_response
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.organisations.models import Panel
from macehub.organisations.selectors import get_panel_for
from macehub.subjects import selectors as subject_selectors
from macehub.subjects.common import apply_errors
from macehub.subjects.models import MODEL_FOR_KIND, Kind, Link, RiskChange, Status, Subject
from macehub.subjects.policies import poc_panel_ids, register_panel_ids

from . import selectors, services
from .forms import (
    AssessmentForm,
    DisruptionForm,
    EpisodeForm,
    EscalationForm,
    EscalationResponseForm,
    InterviewForm,
    JourneyFilterForm,
    NRMForm,
    PlanForm,
    PlanReviewForm,
    SettingsForm,
)
from .models import PHILOMENA_PLACEMENTS, PLAN_TYPES_FOR_KIND, Philomena, PlanStatus, ReturnInterview
from .policies import policy
from .services import DISRUPTION_TARGET_KINDS
from .times import describe, elapsed

PDF_MARKING = "OFFICIAL-SENSITIVE"


# --- Helpers ---------------------------------------------------------------------------------


def _agency_of(user: Any, panel_id: int) -> int | None:
    grants = access_for(user).grants_for_panel(panel_id)
    return next((g.agency_id for g in grants if g.agency_id), None)


def _subject(request: HttpRequest, pk: int) -> Subject:
    subject = subject_selectors.get_any_subject_for(request.user, pk)
    # The kind's proxy model, so audit events name it ("subjects.child") as the register's own do.
    subject.__class__ = MODEL_FOR_KIND[subject.kind]
    policy.require(request.user, "view_casework", subject)
    return subject


def _child(request: HttpRequest, pk: int) -> Subject:
    child = subject_selectors.get_subject_for(request.user, pk, Kind.CHILD)
    policy.require(request.user, "view_journey", child)
    return child


def _panel(request: HttpRequest, panel_pk: int) -> Panel:
    """404 if the person cannot see the panel at all; 403 if they see it but not its records."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "view_panel_casework", panel)
    return panel


def casework_url(subject: Subject) -> str:
    return reverse("casework:record", args=[subject.pk])


def _form_page(
    request: HttpRequest, context: dict[str, Any], *, template: str = "casework/form.html", status: int = 200
) -> HttpResponse:
    subject = context.get("subject")
    if subject is not None:
        context.setdefault("panel", subject.panel)
        context.setdefault("back_url", casework_url(subject))
        context.setdefault("back_text", f"Back to the casework of {subject.reference}")
    context.setdefault("cancel_url", context.get("back_url"))
    return render(request, template, context, status=status)


# --- A record's casework ---------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """ "Casework" in the menu: the due-and-overdue list of the person's panel (or a choice)."""
    policy.require(request.user, "use_casework")
    panels = list(Panel.objects.filter(pk__in=register_panel_ids(request.user)).select_related("partnership"))
    if len(panels) == 1:
        return HttpResponseRedirect(reverse("casework:due", args=[panels[0].pk]))
    acting = acting_partnership_id(request)
    panels.sort(key=lambda p: (p.partnership_id != acting, p.partnership.short_name, p.name))
    return render(request, "casework/home.html", {"panels": panels})


@require_GET
def record_casework(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    services.viewed(actor=request.user, obj=subject, page="casework")
    user = request.user
    context: dict[str, Any] = {
        "subject": subject,
        "panel": subject.panel,
        "page": "casework",
        "can_record": policy.can(user, "record_casework", subject),
        "can_escalate": policy.can(user, "escalate", subject),
        "plan_types": PLAN_TYPES_FOR_KIND.get(subject.kind, []),
        "can_disrupt": subject.kind in DISRUPTION_TARGET_KINDS,
    }
    if subject.kind == Kind.CHILD:
        context["cw"] = selectors.child_casework(user, subject)
    else:
        context["plans"] = selectors.plans_for(user, subject)
        context["disruptions"] = selectors.disruptions_for(user, subject)
        context["escalations"] = list(
            selectors.escalations_visible_to(user).filter(subject=subject).order_by("-escalated_on", "-pk")
        )
        context["linked_children"] = list(selectors.children_linked_to(subject))
    return render(request, "casework/record.html", context)


# --- Risk ------------------------------------------------------------------------------------


@require_GET
def risk_history(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    services.viewed(actor=request.user, obj=child, page="risk history")
    assessments = list(selectors.assessments_visible_to(request.user).filter(child=child))
    changes = list(RiskChange.objects.filter(subject=child).select_related("created_by"))
    levels = list(child.panel.risk_levels)
    rows: list[dict[str, Any]] = [
        {"when": a.assessed_on, "kind": "assessment", "obj": a, "level": a.level} for a in assessments
    ] + [{"when": c.decided_on, "kind": "change", "obj": c, "level": c.level} for c in changes]
    rows.sort(key=lambda r: (r["when"], r["kind"] == "change", r["obj"].pk), reverse=True)
    for row in rows:
        level = row["level"]
        row["step"] = levels.index(level) + 1 if level in levels else 0
    return render(
        request,
        "casework/risk_history.html",
        {
            "subject": child,
            "panel": child.panel,
            "page": "risk",
            "rows": rows,
            "levels": levels,
            "scale": len(levels),
            "latest": assessments[0] if assessments else None,
            "can_record": policy.can(request.user, "record_child_casework", child),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    policy.require(request.user, "record_child_casework", child)
    can_set = policy.can(request.user, "set_risk_level", child)
    settings = selectors.settings_for(child.panel)
    initial = {
        "assessed_on": timezone.localdate(),
        "assessor_agency": _agency_of(request.user, child.panel_id),
        "assessor_name": getattr(request.user, "full_name", ""),
        "set_current_level": can_set,
        "child_version": child.version,
    }
    kwargs: dict[str, Any] = {"panel": child.panel, "settings": settings, "can_set_level": can_set, "initial": initial}
    form = AssessmentForm(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.ASSESSMENT_FIELDS}
        try:
            assessment = services.assessment_create(
                actor=request.user,
                child=child,
                values=values,
                set_current_level=bool(form.cleaned_data.get("set_current_level")),
                expected_child_version=form.cleaned_data.get("child_version") or child.version,
            )
        except ConcurrentEditError:
            # The level shown on the page may no longer be the child's: keep what was typed,
            # show the level now on record, and let a second save be a deliberate choice.
            child.refresh_from_db()
            fresh = request.POST.copy()
            fresh["child_version"] = str(child.version)
            form = AssessmentForm(fresh, **kwargs)
            form.is_valid()
            form.add_error(
                None,
                f"Someone changed {child.reference}'s record while you were writing this: its risk level is now "
                f"{child.risk_level or 'not decided'}. Your assessment is below but has not been saved. Check the "
                "level, then save again.",
            )
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            set_text = (
                f" {child.reference}'s risk level is now {assessment.level}." if assessment.set_current_level else ""
            )
            messages.success(request, f"Risk assessment recorded.{set_text}")
            return HttpResponseRedirect(reverse("casework:risk_history", args=[child.pk]))
    return _form_page(
        request,
        {
            "subject": child,
            "form": form,
            "title": f"Risk assessment for {child.reference}",
            "heading": "Record a risk assessment",
            "intro": f"On {child.panel.name}'s scale: {' → '.join(child.panel.risk_levels)}. "
            f"The current level is {child.risk_level or 'not decided'}.",
            "button": "Save the assessment",
            "back_url": reverse("casework:risk_history", args=[child.pk]),
            "back_text": f"Back to the risk history of {child.reference}",
        },
        status=status,
    )


# --- Plans -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    policy.require(request.user, "record_casework", subject)
    if not PLAN_TYPES_FOR_KIND.get(subject.kind):
        raise Http404
    settings = selectors.settings_for(subject.panel)
    initial: dict[str, Any] = {
        "started_on": timezone.localdate(),
        "lead_agency": _agency_of(request.user, subject.panel_id),
    }
    allowed = PLAN_TYPES_FOR_KIND[subject.kind]
    if len(allowed) and subject.kind != Kind.CHILD:
        initial["plan_type"] = allowed[0]
    form = PlanForm(request.POST or None, subject=subject, settings=settings, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user, subject=subject, values=form.values(), outcomes=form.outcomes()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            covered = plan.plan_children.count()
            extra = f" It covers {covered} linked child{'ren' if covered != 1 else ''}." if plan.is_context_plan else ""
            messages.success(request, f"{plan.type_label} recorded with its intended outcomes.{extra}")
            return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]))
    children = list(selectors.children_linked_to(subject)) if subject.kind != Kind.CHILD else []
    return _form_page(
        request,
        {
            "subject": subject,
            "form": form,
            "title": f"New plan for {subject.reference}",
            "heading": "Make a plan",
            "button": "Save the plan",
            "linked_children": children,
        },
        template="casework/plan_form.html",
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    plans = (
        selectors.plans_visible_to(request.user).filter(pk=plan.pk).prefetch_related(*selectors.plan_detail_queryset())
    )
    plan = plans.get()
    services.viewed(actor=request.user, obj=plan, page="plan")
    outcomes = list(plan.outcomes.all())
    reviews = list(plan.reviews.all())
    # Progress grid: one row per outcome, one column per review (oldest first).
    chronological = list(reversed(reviews))
    grid = [
        {
            "outcome": o,
            "scores": [next((s for s in r.scores.all() if s.outcome_id == o.pk), None) for r in chronological],
        }
        for o in outcomes
    ]
    return render(
        request,
        "casework/plan_detail.html",
        {
            "plan": plan,
            "subject": plan.subject,
            "panel": plan.subject.panel,
            "outcomes": outcomes,
            "reviews": reviews,
            "chronological": chronological,
            "grid": grid,
            "covered": list(plan.plan_children.all()),
            "can_record": policy.can(request.user, "record_casework", plan) and plan.is_active,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    policy.require(request.user, "record_casework", plan)
    if not plan.is_active:
        messages.info(request, "This plan has ended; it cannot be reviewed again.")
        return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]))
    outcomes = list(plan.outcomes.all())
    settings = selectors.settings_for(plan.subject.panel)
    today = timezone.localdate()
    initial = {
        "reviewed_on": today,
        "next_review_on": today + timedelta(weeks=settings.plan_review_weeks),
        "version": plan.version,
    }
    form = PlanReviewForm(request.POST or None, outcomes=outcomes, instance=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.plan_review(
                actor=request.user,
                plan=plan,
                expected_version=form.cleaned_data["version"],
                reviewed_on=form.cleaned_data["reviewed_on"],
                scores=form.scores(),
                summary=form.cleaned_data["summary"],
                decision=form.cleaned_data["decision"],
                next_review_on=form.cleaned_data.get("next_review_on"),
            )
        except ConcurrentEditError:
            current = selectors.get_plan_for(request.user, pk)
            form = rebind_after_conflict(
                PlanReviewForm, request.POST, current_version=current.version, outcomes=outcomes, instance=current
            )
            return _form_page(
                request,
                {"subject": current.subject, "plan": current, "form": form, "conflict": True, **_review_page(current)},
                template="casework/plan_review.html",
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Plan reviewed." + (" The plan has ended." if review.decision == "end" else ""))
            return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]) + f"#review-{review.pk}")
    return _form_page(
        request,
        {"subject": plan.subject, "plan": plan, "form": form, **_review_page(plan)},
        template="casework/plan_review.html",
    )


def _review_page(plan: Any) -> dict[str, Any]:
    return {
        "title": f"Review the plan for {plan.subject.reference}",
        "heading": f"Review the {plan.type_label[0].lower()}{plan.type_label[1:]}",
        "button": "Save the review",
        "back_url": reverse("casework:plan_detail", args=[plan.pk]),
        "back_text": "Back to the plan",
    }


@require_POST
def plan_children(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for(request.user, pk)
    policy.require(request.user, "record_casework", plan)
    try:
        added = services.plan_sync_children(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if added:
            messages.success(request, f"Added {', '.join(c.reference for c in added)} to the plan.")
        else:
            messages.info(request, "Every child linked to the context is already covered by the plan.")
    return HttpResponseRedirect(reverse("casework:plan_detail", args=[plan.pk]) + "#children")


# --- Missing episodes and return home interviews ---------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def missing_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    policy.require(request.user, "record_child_casework", child)
    form = EpisodeForm(request.POST or None, initial={"philomena": Philomena.NOT_APPLICABLE})
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_create(actor=request.user, child=child, values=form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Missing episode recorded.")
            return HttpResponseRedirect(reverse("casework:missing_detail", args=[episode.pk]))
    return _form_page(
        request,
        {
            "subject": child,
            "form": form,
            "title": f"Missing episode for {child.reference}",
            "heading": "Record a missing episode",
            "intro": "Enter times as they were on a London clock.",
            "button": "Save the episode",
        },
    )


@require_GET
def missing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = selectors.get_episode_for(request.user, pk)
    services.viewed(actor=request.user, obj=episode, page="missing episode")
    interview = ReturnInterview.objects.filter(episode=episode).select_related("interviewer_agency").first()
    links = []
    if interview is not None and interview.links_made:
        links = list(
            subject_selectors.links_visible_to(request.user)
            .filter(pk__in=interview.links_made)
            .select_related("source", "target")
        )
    now = timezone.now()
    due_by = episode.interview_due_by
    return render(
        request,
        "casework/missing_detail.html",
        {
            "episode": episode,
            "subject": episode.child,
            "panel": episode.child.panel,
            "interview": interview,
            "links": links,
            "due_by": describe(due_by) if due_by else "",
            "overdue": due_by is not None
            and due_by < now
            and (interview is None or interview.outcome not in ("completed", "declined")),
            "philomena_missing": episode.placement in PHILOMENA_PLACEMENTS and episode.philomena != Philomena.YES,
            "started": describe(episode.started_at),
            "returned": describe(episode.returned_at) if episode.returned_at else "",
            "completed": describe(interview.completed_at) if interview and interview.completed_at else "",
            "hours_after": elapsed(interview.completed_at - episode.returned_at)
            if interview and interview.completed_at and episode.returned_at
            else "",
            "can_record": policy.can(request.user, "record_child_casework", episode),
        },
    )


@require_http_methods(["GET", "POST"])
def missing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    episode = selectors.get_episode_for(request.user, pk)
    policy.require(request.user, "record_child_casework", episode)
    form = EpisodeForm(request.POST or None, instance=episode)
    page = {
        "subject": episode.child,
        "title": f"Change the missing episode of {episode.child.reference}",
        "heading": "Change the missing episode",
        "intro": "Enter times as they were on a London clock. Leave the return blank while the child is still missing.",
        "button": "Save changes",
        "back_url": reverse("casework:missing_detail", args=[episode.pk]),
        "back_text": "Back to the missing episode",
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_update(
                actor=request.user, episode=episode, expected_version=form.cleaned_data["version"], values=form.values()
            )
        except ConcurrentEditError:
            current = selectors.get_episode_for(request.user, pk)
            form = rebind_after_conflict(EpisodeForm, request.POST, current_version=current.version, instance=current)
            return _form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Missing episode saved.")
            return HttpResponseRedirect(reverse("casework:missing_detail", args=[episode.pk]))
    return _form_page(request, {**page, "form": form})


def _interview_candidates(request: HttpRequest, child: Subject) -> tuple[list[Subject], set[int]]:
    """Records the child may have mentioned (what the person may see), and those already linked."""
    kinds = [Kind.LOCATION, Kind.GROUP, Kind.CHILD]
    if child.panel_id in poc_panel_ids(request.user):
        kinds.append(Kind.PERSON)
    candidates = list(
        subject_selectors.subjects_visible_to(request.user)
        .filter(panel_id=child.panel_id, kind__in=kinds)
        .exclude(status=Status.MERGED)
        .exclude(pk=child.pk)
        .order_by("kind", "number")
    )
    linked = Link.objects.filter(ended_on__isnull=True).filter(Q(source=child) | Q(target=child))
    already = {other for pair in linked.values_list("source_id", "target_id") for other in pair if other != child.pk}
    return candidates, already


@require_http_methods(["GET", "POST"])
@once
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the return home interview, and what it learned as register links, in one step."""
    episode = selectors.get_episode_for(request.user, pk)
    policy.require(request.user, "record_child_casework", episode)
    child = episode.child
    detail_url = reverse("casework:missing_detail", args=[episode.pk])
    if episode.returned_at is None:
        messages.info(request, "Record when the child returned first: change the episode, then record the interview.")
        return HttpResponseRedirect(reverse("casework:missing_edit", args=[episode.pk]))
    existing = ReturnInterview.objects.filter(episode=episode).first()
    candidates, already = _interview_candidates(request, child)
    kwargs: dict[str, Any] = {"panel": child.panel, "candidates": candidates, "already": already}
    initial = None
    if existing is None:
        initial = {
            "offered": "yes",
            "offered_on": timezone.localtime(episode.returned_at).date(),
            "interviewer_agency": _agency_of(request.user, child.panel_id),
            "interviewer_name": getattr(request.user, "full_name", ""),
        }
    if initial is not None:
        kwargs_with_initial = {**kwargs, "initial": initial}
        form = InterviewForm(request.POST or None, instance=existing, **kwargs_with_initial)
    else:
        form = InterviewForm(request.POST or None, instance=existing, **kwargs)
    page = {
        "subject": child,
        "episode": episode,
        "title": f"Return home interview for {child.reference}",
        "heading": "Record the return home interview",
        "returned": describe(episode.returned_at),
        "due_by": describe(episode.interview_due_by) if episode.interview_due_by else "",
        "back_url": detail_url,
        "back_text": "Back to the missing episode",
        "button": "Save the interview",
    }
    if request.method == "POST" and form.is_valid():
        try:
            result = services.interview_save(
                actor=request.user,
                episode=episode,
                expected_version=form.cleaned_data.get("version"),
                values=form.values(),
                link_to=form.link_records(),
                new_location=form.cleaned_data.get("new_location", ""),
                confidence=form.cleaned_data["confidence"],
            )
        except ConcurrentEditError:
            current = ReturnInterview.objects.get(episode=episode)
            form = rebind_after_conflict(
                InterviewForm, request.POST, current_version=current.version, instance=current, **kwargs
            )
            return _form_page(
                request, {**page, "form": form, "conflict": True}, template="casework/interview_form.html", status=409
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _interview_messages(request, result, child)
            return HttpResponseRedirect(detail_url + "#interview")
    return _form_page(request, {**page, "form": form}, template="casework/interview_form.html")


def _interview_messages(request: HttpRequest, result: services.InterviewResult, child: Subject) -> None:
    interview = result.interview
    text = "Return home interview saved."
    if interview.within_72_hours is True:
        text += " It was completed within 72 hours of the return."
    elif interview.within_72_hours is False:
        text += " It was not completed within 72 hours of the return."
    if result.links:
        others = ", ".join(
            (link.target if link.source_id == child.pk else link.source).safe_label for link in result.links
        )
        text += f" Linked {child.reference} to {others} on the register."
    if result.already_linked:
        text += f" Already linked: {', '.join(s.reference for s in result.already_linked)}."
    messages.success(request, text)
    if result.links:
        contexts = {link.target_id if link.source_id == child.pk else link.source_id for link in result.links}
        alerts = [a for a in subject_selectors.alerts_for_child(request.user, child) if a.context.pk in contexts]
        by_context: dict[int, tuple[Subject, list[str]]] = {}
        for a in alerts:
            by_context.setdefault(a.context.pk, (a.context, []))[1].append(a.second.reference)
        parts = []
        for context, refs in by_context.values():
            names = refs[0] if len(refs) == 1 else f"{', '.join(refs[:-1])} and {refs[-1]}"
            parts.append(f"{names} {'is' if len(refs) == 1 else 'are'} also linked to {context.safe_label}")
        if parts:
            messages.warning(
                request,
                f"Shared context: {'; '.join(parts)}, but not to {child.reference}. "
                f"See the shared-context alerts on {child.reference}'s record.",
            )


# --- NRM -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def nrm_create(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    policy.require(request.user, "record_child_casework", child)
    form = NRMForm(
        request.POST or None,
        panel=child.panel,
        initial={
            "referred_on": timezone.localdate(),
            "first_responder_agency": _agency_of(request.user, child.panel_id),
            "rg_decision": "pending",
            "cg_decision": "pending",
            "duty_to_notify": "by_referral",
            "adult_consent": "not_yet",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            nrm = services.nrm_create(actor=request.user, child=child, values=form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"NRM referral recorded. A reasonable-grounds decision is expected by {nrm.decision_due_on:%-d %B %Y}.",
            )
            return HttpResponseRedirect(reverse("casework:nrm_detail", args=[nrm.pk]))
    settings = selectors.settings_for(child.panel)
    return _form_page(
        request,
        {
            "subject": child,
            "form": form,
            "title": f"NRM referral for {child.reference}",
            "heading": "Record a National Referral Mechanism referral",
            "intro": "Children do not have to consent to an NRM referral. "
            f"{child.panel.name} expects a reasonable-grounds decision within {settings.nrm_decision_days} days.",
            "button": "Save the referral",
        },
    )


@require_GET
def nrm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nrm = selectors.get_nrm_for(request.user, pk)
    services.viewed(actor=request.user, obj=nrm, page="NRM referral")
    child = nrm.child
    settings = selectors.settings_for(child.panel)
    today = timezone.localdate()
    prompt = selectors.consent_prompt_date(child, settings)
    return render(
        request,
        "casework/nrm_detail.html",
        {
            "nrm": nrm,
            "subject": child,
            "panel": child.panel,
            "today": today,
            "late": nrm.rg_late(today),
            "consent_prompt": nrm.is_open and nrm.adult_consent == "not_yet" and prompt is not None and today >= prompt,
            "birthday": selectors.eighteenth_birthday(child),
            "can_record": policy.can(request.user, "record_child_casework", nrm),
        },
    )


@require_http_methods(["GET", "POST"])
def nrm_edit(request: HttpRequest, pk: int) -> HttpResponse:
    nrm = selectors.get_nrm_for(request.user, pk)
    policy.require(request.user, "record_child_casework", nrm)
    form = NRMForm(request.POST or None, panel=nrm.child.panel, instance=nrm)
    page = {
        "subject": nrm.child,
        "title": f"NRM referral of {nrm.child.reference}",
        "heading": "Record decisions on the NRM referral",
        "button": "Save",
        "back_url": reverse("casework:nrm_detail", args=[nrm.pk]),
        "back_text": "Back to the NRM referral",
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.nrm_update(
                actor=request.user, nrm=nrm, expected_version=form.cleaned_data["version"], values=form.values()
            )
        except ConcurrentEditError:
            current = selectors.get_nrm_for(request.user, pk)
            form = rebind_after_conflict(
                NRMForm, request.POST, current_version=current.version, instance=current, panel=current.child.panel
            )
            return _form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "NRM referral saved.")
            return HttpResponseRedirect(reverse("casework:nrm_detail", args=[nrm.pk]))
    return _form_page(request, {**page, "form": form})


# --- Disruption ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def disruption_create(request: HttpRequest, pk: int) -> HttpResponse:
    target = _subject(request, pk)
    policy.require(request.user, "record_casework", target)
    if target.kind not in DISRUPTION_TARGET_KINDS:
        raise Http404
    children = selectors.children_linked_to(target)
    form = DisruptionForm(
        request.POST or None,
        panel=target.panel,
        children=children,
        initial={
            "done_on": timezone.localdate(),
            "agency": _agency_of(request.user, target.panel_id),
            "children": list(children.values_list("pk", flat=True)),
            "category": {"location": "location", "group": "peer_group", "person": "perpetrator"}[target.kind],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            disruption = services.disruption_create(
                actor=request.user, target=target, values=form.values(), children=form.cleaned_data["children"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Disruption activity recorded.")
            return HttpResponseRedirect(reverse("casework:disruption_detail", args=[disruption.pk]))
    return _form_page(
        request,
        {
            "subject": target,
            "form": form,
            "title": f"Disruption against {target.reference}",
            "heading": "Record disruption activity",
            "button": "Save",
        },
    )


@require_GET
def disruption_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.get_disruption_for(request.user, pk)
    services.viewed(actor=request.user, obj=disruption, page="disruption")
    return render(
        request,
        "casework/disruption_detail.html",
        {
            "disruption": disruption,
            "subject": disruption.target,
            "panel": disruption.target.panel,
            "children": list(disruption.children.order_by("number")),
            "can_record": policy.can(request.user, "record_casework", disruption),
        },
    )


@require_http_methods(["GET", "POST"])
def disruption_edit(request: HttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.get_disruption_for(request.user, pk)
    policy.require(request.user, "record_casework", disruption)
    form = DisruptionForm(request.POST or None, panel=disruption.target.panel, instance=disruption)
    page = {
        "subject": disruption.target,
        "title": f"Disruption against {disruption.target.reference}",
        "heading": "Change the disruption activity",
        "button": "Save changes",
        "back_url": reverse("casework:disruption_detail", args=[disruption.pk]),
        "back_text": "Back to the disruption activity",
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.disruption_update(
                actor=request.user,
                disruption=disruption,
                expected_version=form.cleaned_data["version"],
                values=form.values(),
            )
        except ConcurrentEditError:
            current = selectors.get_disruption_for(request.user, pk)
            form = rebind_after_conflict(
                DisruptionForm,
                request.POST,
                current_version=current.version,
                instance=current,
                panel=current.target.panel,
            )
            return _form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Disruption activity saved.")
            return HttpResponseRedirect(reverse("casework:disruption_detail", args=[disruption.pk]))
    return _form_page(request, {**page, "form": form})


# --- Escalations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def escalation_create(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _subject(request, pk)
    policy.require(request.user, "escalate", subject)
    form = EscalationForm(request.POST or None, initial={"escalated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_create(actor=request.user, subject=subject, values=form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Escalation recorded.")
            return HttpResponseRedirect(reverse("casework:escalation_detail", args=[escalation.pk]))
    return _form_page(
        request,
        {
            "subject": subject,
            "form": form,
            "title": f"Escalation about {subject.reference}",
            "heading": "Record an escalation",
            "button": "Save",
        },
    )


@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.get_escalation_for(request.user, pk)
    services.viewed(actor=request.user, obj=escalation, page="escalation")
    return render(
        request,
        "casework/escalation_detail.html",
        {
            "escalation": escalation,
            "subject": escalation.subject,
            "panel": escalation.subject.panel,
            "can_record": policy.can(request.user, "escalate", escalation),
        },
    )


@require_http_methods(["GET", "POST"])
def escalation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.get_escalation_for(request.user, pk)
    policy.require(request.user, "escalate", escalation)
    form = EscalationResponseForm(request.POST or None, instance=escalation)
    page = {
        "subject": escalation.subject,
        "title": f"Escalation about {escalation.subject.reference}",
        "heading": "Record the response to the escalation",
        "button": "Save",
        "back_url": reverse("casework:escalation_detail", args=[escalation.pk]),
        "back_text": "Back to the escalation",
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_update(
                actor=request.user,
                escalation=escalation,
                expected_version=form.cleaned_data["version"],
                values=form.values(),
            )
        except ConcurrentEditError:
            current = selectors.get_escalation_for(request.user, pk)
            form = rebind_after_conflict(
                EscalationResponseForm, request.POST, current_version=current.version, instance=current
            )
            return _form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Escalation saved.")
            return HttpResponseRedirect(reverse("casework:escalation_detail", args=[escalation.pk]))
    return _form_page(request, {**page, "form": form})


# --- The child's journey ---------------------------------------------------------------------


def _journey(request: HttpRequest, child: Subject) -> dict[str, Any]:
    kinds = timeline.kinds()
    form = JourneyFilterForm(request.GET or None, kinds=kinds)
    only, newest = form.chosen()
    events = timeline.events_for(request.user, child, only=only, newest_first=newest)
    labels = dict(kinds)
    return {
        "subject": child,
        "panel": child.panel,
        "page": "journey",
        "form": form,
        "events": events,
        "labels": labels,
        "filtered": [labels[k] for k in sorted(only)] if only else [],
        "newest_first": newest,
        "query": request.GET.urlencode(),
    }


@require_GET
def journey(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    context = _journey(request, child)
    services.viewed(actor=request.user, obj=child, page="journey")
    return render(request, "casework/journey.html", context)


@require_GET
def journey_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    context = _journey(request, child)
    record(
        action=Action.EXPORT,
        actor=request.user,
        obj=child,
        detail={
            "format": "pdf",
            "report": "chronology",
            "events": len(context["events"]),
            "filter": context["filtered"],
        },
    )
    return pdf_response(
        "casework/pdf/chronology.html",
        {
            **context,
            "title": f"Chronology of {child.reference}",
            "marking": PDF_MARKING,
            "generated_at": timezone.now(),
            "generated_by": getattr(request.user, "full_name", "") or request.user.get_username(),
        },
        filename=f"chronology-{child.reference}.pdf",
    )


# --- A panel's lists -------------------------------------------------------------------------


@require_GET
def due(request: HttpRequest, panel_pk: int) -> HttpResponse:
    panel = _panel(request, panel_pk)
    lists = selectors.due_lists(request.user, panel)
    return render(
        request,
        "casework/due.html",
        {
            "panel": panel,
            "due": lists,
            "section": "due",
            "can_settings": policy.can(request.user, "manage_settings", panel),
        },
    )


def _panel_list(template: str, section: str, fetch: Callable[[Any, Any], Any]) -> Callable[..., HttpResponse]:
    @require_GET
    def view(request: HttpRequest, panel_pk: int) -> HttpResponse:
        panel = _panel(request, panel_pk)
        return render(
            request,
            template,
            {
                "panel": panel,
                "section": section,
                "can_settings": policy.can(request.user, "manage_settings", panel),
                **fetch(request, panel),
            },
        )

    return view


def _plans(request: HttpRequest, panel: Panel) -> dict[str, Any]:
    status = PlanStatus.ENDED if request.GET.get("status") == "ended" else PlanStatus.ACTIVE
    return {
        "plans": list(selectors.panel_plans(request.user, panel, status=status)[:300]),
        "status": status,
        "today": timezone.localdate(),
    }


def _disruptions(request: HttpRequest, panel: Panel) -> dict[str, Any]:
    return {"disruptions": list(selectors.panel_disruptions(request.user, panel)[:300])}


def _escalations(request: HttpRequest, panel: Panel) -> dict[str, Any]:
    return {"escalations": list(selectors.panel_escalations(request.user, panel)[:300])}


panel_plans = _panel_list("casework/panel_plans.html", "plans", _plans)
panel_disruption = _panel_list("casework/panel_disruption.html", "disruption", _disruptions)
panel_escalations = _panel_list("casework/panel_escalations.html", "escalations", _escalations)


@require_http_methods(["GET", "POST"])
def panel_settings(request: HttpRequest, panel_pk: int) -> HttpResponse:
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "manage_settings", panel)
    current = selectors.settings_for(panel)
    form = SettingsForm(request.POST or None, instance=current)
    page = {
        "panel": panel,
        "title": f"Casework settings — {panel.name}",
        "caption": panel.name,
        "heading": "Casework settings",
        "button": "Save settings",
        "back_url": reverse("casework:due", args=[panel.pk])
        if policy.can(request.user, "view_panel_casework", panel)
        else reverse("home"),
        "back_text": "Back",
    }
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in services.SETTINGS_FIELDS}
        try:
            services.settings_update(
                actor=request.user, panel=panel, expected_version=form.cleaned_data.get("version"), values=values
            )
        except ConcurrentEditError:
            fresh = selectors.settings_for(panel)
            form = rebind_after_conflict(SettingsForm, request.POST, current_version=fresh.version, instance=fresh)
            return _form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Casework settings saved.")
            return HttpResponseRedirect(request.path)
    return _form_page(request, {**page, "form": form})
