"""Minutes: reading them (item by item, only what the reader may see; audited), editing the
draft, approval by a chair, corrections as new versions, distribution, and the PDF marked
OFFICIAL-SENSITIVE."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.pdf import pdf_response
from macehub.core.services import ConcurrentEditError

from ..forms.minutes import ApproveForm, CorrectionForm, MinuteForm, OpeningForm
from ..models import ItemMinute, Meeting, Minutes, MinutesStatus
from ..policies import item_records, meeting_records, policy
from ..selectors.agenda import hidden_item_count, in_agenda_order, items_visible_to
from ..selectors.minutes import (
    approved_minutes,
    current_minutes,
    distribution_list,
    minute_texts,
    minutes_versions,
    readable_minutes,
)
from ..services import minutes as minutes_services
from .common import apply_errors, is_autosave, json_errors, meeting_for, sight_of


def minutes_context(request: AuthenticatedHttpRequest, meeting: Meeting, minutes: Minutes) -> dict[str, Any]:
    sight = sight_of(request, meeting)
    items = in_agenda_order(list(items_visible_to(request.user, meeting)))
    structure = (
        minutes.snapshot if not minutes.is_draft and minutes.snapshot else minutes_services.minutes_structure(meeting)
    )
    texts = minute_texts(minutes, items)
    entries = []
    for item in items:
        minute = texts.get(item.pk)
        data = structure["items"].get(str(item.pk), {})
        entries.append({"item": item, "minute": minute, "data": data})
    reviews = [
        r for r in structure["reviews"] if sight.sees_all_items and (r["kind"] != "person" or sight.sees_persons)
    ]
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "sight": sight,
        "minutes": minutes,
        "structure": structure,
        "entries": entries,
        "reviews": reviews,
        "versions": minutes_versions(meeting) if sight.may_run else [],
        "hidden_items": hidden_item_count(request.user, meeting),
    }


def _readable(request: AuthenticatedHttpRequest, pk: int) -> tuple[Meeting, Minutes]:
    meeting = meeting_for(request, pk)
    minutes = readable_minutes(request.user, meeting)
    if minutes is None:
        if meeting_records.can(request.user, "run", meeting):
            raise Http404  # not yet drafted: the meeting has not been closed
        raise PermissionDenied("view_minutes")
    return meeting, minutes


@require_GET
def minutes_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, minutes = _readable(request, pk)
    context = minutes_context(request, meeting, minutes)
    minutes_services.minutes_viewed(actor=request.user, minutes=minutes, items=len(context["entries"]))
    context.update(
        {
            "can_edit": minutes.is_draft and policy.can(request.user, "manage_meeting", meeting),
            "can_approve": minutes.is_draft and policy.can(request.user, "approve_minutes", meeting),
            "can_correct": minutes.status == MinutesStatus.APPROVED
            and policy.can(request.user, "manage_meeting", meeting),
            "can_distribute": minutes.status == MinutesStatus.APPROVED
            and policy.can(request.user, "manage_meeting", meeting),
            "approve_form": ApproveForm(initial={"version": minutes.version}),
            "recipients": distribution_list(meeting) if meeting_records.can(request.user, "run", meeting) else [],
        }
    )
    return render(request, "meetings/minutes.html", context)


@require_GET
def minutes_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting, minutes = _readable(request, pk)
    context = minutes_context(request, meeting, minutes)
    minutes_services.minutes_viewed(actor=request.user, minutes=minutes, items=len(context["entries"]), pdf=True)
    context.update({"marking": "OFFICIAL-SENSITIVE", "generated_at": timezone.now(), "title": "Minutes"})
    suffix = "" if minutes.status == MinutesStatus.APPROVED else f"-draft-v{minutes.number}"
    return pdf_response("meetings/pdf/minutes.html", context, filename=f"minutes-{meeting.date:%Y-%m-%d}{suffix}.pdf")


@require_http_methods(["GET", "POST"])
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft, one box per item (each saved on its own, with JavaScript as it is typed)."""
    meeting = meeting_for(request, pk, "manage_meeting")
    minutes = current_minutes(meeting)
    if minutes is None:
        raise Http404
    if not minutes.is_draft:
        messages.info(request, "These minutes are approved and cannot be changed. Start a correction instead.")
        return HttpResponseRedirect(reverse("meetings:minutes", args=[meeting.pk]))
    bound: dict[str, Any] = {}
    conflict: dict[str, Any] = {}
    if request.method == "POST":
        form: OpeningForm | MinuteForm
        part = request.POST.get("part", "")
        autosave = is_autosave(request)
        try:
            if part == "opening":
                form = OpeningForm(request.POST, prefix="opening")
                if form.is_valid():
                    minutes_services.opening_save(
                        actor=request.user,
                        minutes=minutes,
                        expected_version=form.cleaned_data["version"],
                        opening=form.cleaned_data["opening"],
                    )
                    return _saved(request, meeting, minutes.version, autosave, "opening")
                bound["opening"] = form
            else:
                minute = (
                    ItemMinute.objects.filter(pk=part if part.isdigit() else 0, minutes=minutes)
                    .select_related("item", "item__subject", "item__meeting", "minutes", "minutes__meeting")
                    .first()
                )
                if minute is None or not item_records.can(request.user, "view", minute.item):
                    raise Http404
                form = MinuteForm(request.POST, prefix=f"minute-{minute.pk}")
                if form.is_valid():
                    minutes_services.minute_save(
                        actor=request.user,
                        minute=minute,
                        expected_version=form.cleaned_data["version"],
                        text=form.cleaned_data["text"],
                    )
                    return _saved(request, meeting, minute.version, autosave, f"minute-{minute.pk}")
                bound[f"minute-{minute.pk}"] = form
        except ConcurrentEditError as exc:
            current: Any = type(exc.instance)._default_manager.get(pk=exc.instance.pk)
            text = current.opening if isinstance(current, Minutes) else current.text
            if autosave:
                return JsonResponse(
                    {
                        "status": "conflict",
                        "theirs": {
                            "text": text,
                            "version": current.version,
                            "at": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                        },
                    },
                    status=409,
                )
            key = "opening" if isinstance(current, Minutes) else f"minute-{current.pk}"
            fresh = request.POST.copy()
            fresh[f"{key}-version"] = str(current.version)
            form = OpeningForm(fresh, prefix=key) if isinstance(current, Minutes) else MinuteForm(fresh, prefix=key)
            form.is_valid()
            form.add_error(
                None, "Someone else saved this part while you were editing it. Theirs is shown; yours is in the box."
            )
            bound[key] = form
            conflict[key] = text
        except ValidationError as exc:
            if autosave:
                return JsonResponse({"status": "invalid", "errors": {"__all__": exc.messages}}, status=400)
            apply_errors(form, exc)
            bound[form.prefix or ""] = form
        if autosave and bound:
            return json_errors(next(iter(bound.values())))
    context = minutes_context(request, meeting, minutes)
    context["opening_form"] = bound.get("opening") or OpeningForm(
        prefix="opening", initial={"opening": minutes.opening, "version": minutes.version}
    )
    context["conflict"] = conflict
    for entry in context["entries"]:
        minute = entry["minute"]
        if minute is None:
            continue
        key = f"minute-{minute.pk}"
        entry["form"] = bound.get(key) or MinuteForm(
            prefix=key, initial={"text": minute.text, "version": minute.version}
        )
        entry["conflict"] = conflict.get(key)
    context["error_forms"] = list(bound.values())
    status = 409 if conflict else 400 if bound else 200
    return render(request, "meetings/minutes_edit.html", context, status=status)


def _saved(
    request: AuthenticatedHttpRequest, meeting: Meeting, version: int, autosave: bool, anchor: str
) -> HttpResponse:
    if autosave:
        return JsonResponse(
            {"status": "saved", "version": version, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
        )
    messages.success(request, "Saved.")
    return HttpResponseRedirect(f"{reverse('meetings:minutes_edit', args=[meeting.pk])}#{anchor}")


@require_POST
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only a chair approves; approved minutes never change."""
    meeting = meeting_for(request, pk)
    policy.require(request.user, "approve_minutes", meeting)
    minutes = current_minutes(meeting)
    form = ApproveForm(request.POST)
    if minutes is None or not minutes.is_draft:
        messages.info(request, "There is no draft to approve.")
    elif not form.is_valid():
        messages.error(request, "Open the minutes again, then approve them.")
    else:
        try:
            minutes_services.minutes_approve(
                actor=request.user, minutes=minutes, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError:
            messages.error(
                request, "The draft changed while you were reading it. Read the latest version, then approve it."
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Minutes approved (version {minutes.number}). They can now be distributed.")
    return HttpResponseRedirect(reverse("meetings:minutes", args=[meeting.pk]))


@require_http_methods(["GET", "POST"])
def minutes_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "manage_meeting")
    approved = approved_minutes(meeting)
    if approved is None:
        raise Http404
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = minutes_services.minutes_correct(
                actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Correction started as version {draft.number}. A chair approves it when it is ready."
            )
            return HttpResponseRedirect(reverse("meetings:minutes_edit", args=[meeting.pk]))
    return render(
        request,
        "meetings/minutes_correct.html",
        {"meeting": meeting, "panel": meeting.panel, "form": form, "approved": approved},
        status=400 if form.errors else 200,
    )


@require_POST
def minutes_distribute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "manage_meeting")
    minutes = approved_minutes(meeting)
    if minutes is None:
        messages.info(request, "Only approved minutes are distributed.")
    else:
        sent = minutes_services.minutes_distribute(actor=request.user, minutes=minutes)
        messages.success(request, f"Minutes sent to {sent} attendee{'s' if sent != 1 else ''} with access.")
    return HttpResponseRedirect(reverse("meetings:minutes", args=[meeting.pk]))
