"""During the meeting: one page that works on a laptop on a live call — attendance with quoracy
shown as it changes, the outstanding actions, and per item the discussion, risk level,
decisions and actions. Each item saves as it is typed (with JavaScript) and with its own Save
button (without); two people editing the same item are told, and neither loses their text."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.subjects.types import Kind

from ..forms.actions import ActionForm, ActionReviewForm
from ..forms.recording import AttendanceForm, CloseForm, ItemRecordForm
from ..models import Action, AgendaItem, Meeting
from ..policies import action_records, policy
from ..selectors.actions import actions_by_item, outstanding_actions
from ..selectors.agenda import get_item_for, hidden_item_count, in_agenda_order, items_visible_to
from ..selectors.attendance import attendance_rows, quoracy
from ..selectors.invitations import panel_users, partnership_agencies
from ..services import actions as action_services
from ..services import minutes as minutes_services
from ..services import recording
from .common import apply_errors, is_autosave, json_errors, meeting_for, safe_next, sight_of


def _risk_levels(item: AgendaItem) -> list[str] | None:
    if item.subject is not None and item.subject.kind == Kind.CHILD:
        return list(item.meeting.panel.risk_levels)
    return None


def item_form(item: AgendaItem, data: Any = None) -> ItemRecordForm:
    current = item.subject.risk_level if item.subject is not None else ""
    return ItemRecordForm(
        data,
        prefix=f"item-{item.pk}",
        risk_levels=_risk_levels(item),
        current=current,
        initial={
            "discussion": item.discussion,
            "risk_decided": item.risk_decided,
            "decisions": item.decisions,
            "version": item.version,
        },
    )


def _action_form(meeting: Meeting, prefix: str, data: Any = None) -> ActionForm:
    agencies = partnership_agencies(meeting.panel)
    people = panel_users(meeting.panel)
    return ActionForm(data, prefix=prefix, agencies=agencies, people=people)


def record_context(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    bound: dict[str, Any] | None = None,
    conflicts: dict[int, AgendaItem] | None = None,
) -> dict[str, Any]:
    bound = bound or {}
    items = in_agenda_order(list(items_visible_to(request.user, meeting)))
    for item in items:
        item.meeting = meeting
    actions = actions_by_item(items)
    rows = attendance_rows(meeting)
    agencies = [a for a, _ in rows]
    attendance_form = bound.get("attendance") or AttendanceForm(
        agencies=agencies,
        initial={
            **{f"status_{a.pk}": att.status for a, att in rows if att},
            **{f"representative_{a.pk}": att.representative for a, att in rows if att},
        },
    )
    outstanding = outstanding_actions(request.user, meeting)
    # One ActionForm instance per item would repeat the agency and people queries: build one
    # unbound form's choices once and reuse them.
    template_form = _action_form(meeting, "action")
    choices = template_form.choice_lists()
    entries = []
    for item in items:
        action_form = bound.get(f"action-{item.pk}")
        if action_form is None:
            action_form = ActionForm(
                prefix=f"action-{item.pk}",
                agencies=template_form.fields["owner_agency"].queryset,  # type: ignore[attr-defined]
                people=template_form.fields["owner"].queryset,  # type: ignore[attr-defined]
                choices=choices,
            )
        entries.append(
            {
                "item": item,
                "form": bound.get(f"item-{item.pk}") or item_form(item),
                "action_form": action_form,
                "actions": actions.get(item.pk, []),
                "conflict": (conflicts or {}).get(item.pk),
            }
        )
    # "Record the meeting" item by item: each item links to the one before and after it.
    for index, entry in enumerate(entries):
        entry["previous"] = entries[index - 1]["item"] if index else None
        entry["next"] = entries[index + 1]["item"] if index + 1 < len(entries) else None
    reviews = [
        {
            "action": action,
            "review": review,
            "form": bound.get(f"review-{action.pk}")
            or ActionReviewForm(prefix=f"review-{action.pk}", initial={"version": action.version}),
            # The owner of an action does not record the meeting's decision about it (C32).
            "own": review is None and action.owner_id == request.user.pk,
        }
        for action, review in outstanding
    ]
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "sight": sight_of(request, meeting),
        "entries": entries,
        "reviews": reviews,
        "attendance_form": attendance_form,
        "attendance_rows": [
            {
                "agency": a,
                "attendance": att,
                "status": attendance_form[f"status_{a.pk}"],
                "representative": attendance_form[f"representative_{a.pk}"],
            }
            for a, att in rows
        ],
        "quoracy": quoracy(meeting.panel, rows),
        "hidden_items": hidden_item_count(request.user, meeting),
        "close_form": CloseForm(initial={"version": meeting.version}),
        "problems": recording.close_problems(request.user, meeting),
    }


@require_http_methods(["GET"])
def record_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    context = record_context(request, meeting)
    minutes_services.record_viewed(
        actor=request.user, meeting=meeting, page="meeting record", items=len(context["entries"])
    )
    return render(request, "meetings/record.html", context)


@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attendance per agency; quoracy from the panel's rule. With htmx, each change saves and the
    quoracy box is sent back; without, the form saves and the page comes back."""
    meeting = meeting_for(request, pk, "plan_meeting")
    rows = attendance_rows(meeting)
    agencies = [a for a, _ in rows]
    if request.method == "POST":
        form = AttendanceForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                quorum = recording.attendance_record(actor=request.user, meeting=meeting, rows=form.rows())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if getattr(request, "htmx", False):
                    return render(
                        request, "meetings/_quoracy.html", {"quoracy": quorum, "panel": meeting.panel, "live": True}
                    )
                messages.success(request, "Attendance saved.")
                return HttpResponseRedirect(safe_next(request, reverse("meetings:attendance", args=[meeting.pk])))
        status = 400
    else:
        form = AttendanceForm(
            agencies=agencies,
            initial={
                **{f"status_{a.pk}": att.status for a, att in rows if att},
                **{f"representative_{a.pk}": att.representative for a, att in rows if att},
            },
        )
        status = 200
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "attendance_form": form,
            "attendance_rows": [
                {
                    "agency": a,
                    "attendance": att,
                    "status": form[f"status_{a.pk}"],
                    "representative": form[f"representative_{a.pk}"],
                }
                for a, att in rows
            ],
            "quoracy": quoracy(meeting.panel, rows),
        },
        status=status,
    )


def _theirs(item: AgendaItem) -> dict[str, Any]:
    return {
        "discussion": item.discussion,
        "risk_decided": item.risk_decided,
        "decisions": item.decisions,
        "version": item.version,
        "by": item.updated_by.full_name if item.updated_by else "",
        "at": timezone.localtime(item.updated_at).strftime("%H:%M:%S"),
    }


@require_POST
def item_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    meeting = item.meeting
    policy.require(request.user, "plan_meeting", meeting)
    form = item_form(item, request.POST)
    autosave = is_autosave(request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recording.item_record(
                actor=request.user,
                item=item,
                expected_version=data["version"],
                discussion=data["discussion"],
                risk_decided=data.get("risk_decided", ""),
                decisions=data["decisions"],
            )
        except ConcurrentEditError:
            current = AgendaItem.objects.select_related("updated_by").get(pk=item.pk)
            if autosave:
                return JsonResponse({"status": "conflict", "theirs": _theirs(current)}, status=409)
            current.meeting = meeting
            current.subject = item.subject
            fresh = request.POST.copy()
            fresh[f"item-{item.pk}-version"] = str(current.version)
            bound = item_form(current, fresh)
            bound.is_valid()
            bound.add_error(
                None,
                "Someone else saved this item while you were typing. Their version is shown beside yours; "
                "yours has not been saved. Keep what you want in the boxes, then save again.",
            )
            context = record_context(request, meeting, bound={f"item-{item.pk}": bound}, conflicts={item.pk: current})
            context["error_forms"] = [bound]
            return render(request, "meetings/record.html", context, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if autosave:
                return JsonResponse(
                    {"status": "saved", "version": item.version, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
                )
            messages.success(request, f"{item.label} saved.")
            return HttpResponseRedirect(f"{reverse('meetings:record', args=[meeting.pk])}#item-{item.pk}")
    if autosave:
        return json_errors(form)
    context = record_context(request, meeting, bound={f"item-{item.pk}": form})
    context["error_forms"] = [form]
    return render(request, "meetings/record.html", context, status=400)


@require_POST
@once
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    meeting = item.meeting
    policy.require(request.user, "plan_meeting", meeting)
    form = _action_form(meeting, f"action-{item.pk}", request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            action = action_services.action_create(
                actor=request.user,
                meeting=meeting,
                item=item,
                description=data["description"],
                owner_agency=data["owner_agency"],
                owner=data["owner"],
                due_date=data["due_date"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Action {action.reference} agreed for {action.owner_agency.name}.")
            return HttpResponseRedirect(f"{reverse('meetings:record', args=[meeting.pk])}#item-{item.pk}")
    context = record_context(request, meeting, bound={f"action-{item.pk}": form})
    context["error_forms"] = [form]
    return render(request, "meetings/record.html", context, status=400)


@require_POST
def action_review(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    action = Action.objects.filter(pk=action_pk, panel_id=meeting.panel_id).select_related("subject", "panel").first()
    if action is None or not action_records.can(request.user, "view", action):
        return HttpResponse("Choose an action of this panel.", status=404)
    form = ActionReviewForm(request.POST, prefix=f"review-{action.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            review = action_services.action_review(
                actor=request.user,
                action=action,
                meeting=meeting,
                outcome=data["outcome"],
                reason=data["reason"],
                note=data["note"],
                new_due_date=data["new_due_date"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except ConcurrentEditError:
            form.add_error(None, "Someone else changed this action just now. Check it, then decide again.")
        else:
            messages.success(request, f"{action.reference}: {review.get_outcome_display().lower()}.")
            return HttpResponseRedirect(f"{reverse('meetings:record', args=[meeting.pk])}#outstanding-actions")
    context = record_context(request, meeting, bound={f"review-{action.pk}": form})
    context["error_forms"] = [form]
    return render(request, "meetings/record.html", context, status=400)


@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A meeting cannot be closed while any item lacks a decision or any outstanding action is undecided."""
    meeting = meeting_for(request, pk, "plan_meeting")
    form = CloseForm(request.POST or None, initial={"version": meeting.version})
    problems = recording.close_problems(request.user, meeting)
    if request.method == "POST" and form.is_valid():
        try:
            recording.meeting_close(actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"])
        except ValidationError as exc:
            problems = exc.messages
        except ConcurrentEditError:
            problems = ["Someone else changed this meeting just now. Check it, then close it again."]
        else:
            messages.success(
                request,
                "Meeting closed. The minutes are drafted from the record: check them, then send them to the chair.",
            )
            return HttpResponseRedirect(reverse("meetings:minutes", args=[meeting.pk]))
    quorum = quoracy(meeting.panel, attendance_rows(meeting))
    return render(
        request,
        "meetings/close.html",
        {"meeting": meeting, "panel": meeting.panel, "form": form, "problems": problems, "quoracy": quorum},
        status=400 if request.method == "POST" else 200,
    )
