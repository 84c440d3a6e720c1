"""Missing episodes and return home interviews."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.subjects import selectors as subject_selectors
from macehub.subjects.common import apply_errors
from macehub.subjects.policies import agency_on_panel
from macehub.subjects.types import Kind, Status, Subject

from .. import selectors
from ..forms.missing import EpisodeForm, InterviewForm
from ..models import PHILOMENA_PLACEMENTS, Philomena, ReturnInterview
from ..policies import policy
from ..services import common as casework_common
from ..services import missing as missing_services
from ..times import describe, elapsed
from .common import child_for, form_page

# --- Missing episodes and return home interviews ---------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def missing_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    policy.require(request.user, "record_child_casework", child)
    form = EpisodeForm(request.POST or None, initial={"philomena": Philomena.NOT_APPLICABLE})
    if request.method == "POST" and form.is_valid():
        try:
            episode = missing_services.episode_create(actor=request.user, child=child, values=form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Missing episode recorded.")
            return HttpResponseRedirect(reverse("casework:missing_detail", args=[episode.pk]))
    return form_page(
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
def missing_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    episode = selectors.get_episode_for(request.user, pk)
    casework_common.viewed(actor=request.user, obj=episode, page="missing episode")
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
def missing_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            missing_services.episode_update(
                actor=request.user, episode=episode, expected_version=form.cleaned_data["version"], values=form.values()
            )
        except ConcurrentEditError:
            current = selectors.get_episode_for(request.user, pk)
            form = rebind_after_conflict(EpisodeForm, request.POST, current_version=current.version, instance=current)
            return form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Missing episode saved.")
            return HttpResponseRedirect(reverse("casework:missing_detail", args=[episode.pk]))
    return form_page(request, {**page, "form": form})


def _interview_candidates(request: AuthenticatedHttpRequest, child: Subject) -> tuple[list[Subject], set[int]]:
    """Records the child may have mentioned (what the person may see), and those already linked."""
    # Persons of concern only where the panel lets this person see them (the record policy).
    kinds = [Kind.LOCATION, Kind.GROUP, Kind.CHILD, Kind.PERSON]
    candidates = list(
        subject_selectors.subjects_visible_to(request.user)
        .filter(panel_id=child.panel_id, kind__in=kinds)
        .exclude(status=Status.MERGED)
        .exclude(pk=child.pk)
        .order_by("kind", "number")
    )
    linked = (
        subject_selectors.links_visible_to(request.user)
        .filter(ended_on__isnull=True)
        .filter(Q(source=child) | Q(target=child))
    )
    already = {other for pair in linked.values_list("source_id", "target_id") for other in pair if other != child.pk}
    return candidates, already


@require_http_methods(["GET", "POST"])
@once
def interview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            "interviewer_agency": agency_on_panel(request.user, child.panel_id),
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
            result = missing_services.interview_save(
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
            return form_page(
                request, {**page, "form": form, "conflict": True}, template="casework/interview_form.html", status=409
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            _interview_messages(request, result, child)
            return HttpResponseRedirect(detail_url + "#interview")
    return form_page(request, {**page, "form": form}, template="casework/interview_form.html")


def _interview_messages(
    request: AuthenticatedHttpRequest, result: missing_services.InterviewResult, child: Subject
) -> None:
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
