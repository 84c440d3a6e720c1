"""The VOLT agenda: viewing it, the builder (referrals first, then reviews), an item's presenter,
time and guests, and putting items in order (buttons; dragging is an enhancement)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.referrals.selectors import accepted_referrals
from macehub.subjects.selectors import subjects_visible_to

from ..forms.agenda import AddByReferenceForm, AddOtherItemForm, ItemForm
from ..models import AgendaItem, InvitationScope, ItemSource, Meeting
from ..policies import policy
from ..selectors.actions import outstanding_actions
from ..selectors.agenda import (
    StrandGroup,
    agenda_candidates,
    find_on_register,
    get_item_for,
    grouped,
    hidden_item_count,
    items_visible_to,
    listed_not_offered,
    planned_item_minutes,
)
from ..selectors.invitations import panel_users
from ..services import agenda as agenda_services
from ..services import scheduling
from .common import apply_errors, item_page, meeting_for, sight_of

#: The outstanding actions open the agenda; this is the time they are given.
ACTIONS_MINUTES = 10


def _timings(meeting: Meeting, groups: list[StrandGroup], has_actions: bool) -> dict[int, str]:
    start = datetime.combine(meeting.date, meeting.start_time)
    if has_actions:
        start += timedelta(minutes=ACTIONS_MINUTES)
    times = {}
    for group in groups:
        for item in group.items:
            times[item.pk] = start.strftime("%H:%M")
            start += timedelta(minutes=item.minutes_allowed)
    return times


def meeting_length(meeting: Meeting) -> int | None:
    """The minutes between the meeting's start and end times (None without an end time)."""
    if meeting.end_time is None:
        return None
    length = datetime.combine(meeting.date, meeting.end_time) - datetime.combine(meeting.date, meeting.start_time)
    minutes = int(length.total_seconds() // 60)
    return minutes if minutes > 0 else None


def overrun(meeting: Meeting, planned: int) -> dict[str, int] | None:
    """How far the planned minutes run past the meeting's end, or None if they fit."""
    length = meeting_length(meeting)
    if length is None or planned <= length:
        return None
    return {"planned": planned, "length": length, "over": planned - length}


@require_GET
def agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    sight = sight_of(request, meeting)
    items = list(items_visible_to(request.user, meeting))
    groups = grouped(items)
    outstanding = outstanding_actions(request.user, meeting)
    can_plan = policy.can(request.user, "plan_meeting", meeting)
    times = _timings(meeting, groups, bool(outstanding))
    for group in groups:
        for index, item in enumerate(group.items):
            item.starts = times[item.pk]  # type: ignore[attr-defined]
            # Up and Down move an item within its strand, whichever page it is shown on.
            item.first_in_strand = index == 0  # type: ignore[attr-defined]
            item.last_in_strand = index == len(group.items) - 1  # type: ignore[attr-defined]
    actions_minutes = ACTIONS_MINUTES if outstanding else 0
    total_minutes = sum(i.minutes_allowed for i in items) + actions_minutes
    # Those who run the meeting plan against every item's time, including items they are told
    # exist but cannot see (persons of concern); the figure names nobody.
    planned = actions_minutes + planned_item_minutes(meeting) if sight.may_run else total_minutes
    ordered = [item for group in groups for item in group.items]
    page = item_page(request, len(ordered))
    shown = {item.pk for item in (ordered[page.start : page.end] if page else ordered)}
    display = [
        {"group": group, "items": [item for item in group.items if item.pk in shown]}
        for group in groups
        if any(item.pk in shown for item in group.items)
    ]
    return render(
        request,
        "meetings/agenda.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "sight": sight,
            "groups": groups,
            "display": display,
            "page": page,
            "outstanding": outstanding,
            "actions_minutes": actions_minutes,
            "items_minutes": sum(i.minutes_allowed for i in items),
            "total_minutes": total_minutes,
            "overrun": overrun(meeting, planned) if sight.sees_all_items else None,
            "can_plan": can_plan,
            "hidden_items": hidden_item_count(request.user, meeting),
        },
    )


def _picks(request: AuthenticatedHttpRequest, meeting: Meeting) -> list[tuple[Any, str, Any]]:
    """The records ticked in the builder, with where each came from (referral or review)."""
    wanted: dict[int, tuple[str, int | None]] = {}
    for value in request.POST.getlist("pick"):
        parts = value.split(":")
        if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in ItemSource.values:
            continue
        wanted[int(parts[0])] = (parts[1], int(parts[2]) if parts[2].isdigit() and parts[2] != "0" else None)
    subjects = {
        s.pk: s for s in subjects_visible_to(request.user).filter(panel_id=meeting.panel_id, pk__in=list(wanted))
    }
    referral_ids = [r for _, r in wanted.values() if r]
    referrals = {r.pk: r for r in accepted_referrals(meeting.panel_id, referral_ids)}
    picks = []
    for subject_id, (source, referral_id) in wanted.items():
        subject = subjects.get(subject_id)
        if subject is None:
            continue
        referral = referrals.get(referral_id) if referral_id else None
        picks.append((subject, source if referral or source != ItemSource.REFERRAL else ItemSource.ADDED, referral))
    return sorted(picks, key=lambda p: (p[0].kind, p[0].number))


@require_http_methods(["GET", "POST"])
@once
def agenda_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agenda builder: accepted referrals waiting to be heard are offered first, then open
    records due for review, grouped by VOLT strand; tick any number and add them at once."""
    meeting = meeting_for(request, pk, "plan_meeting")
    reference_form = AddByReferenceForm(prefix="ref")
    other_form = AddOtherItemForm(prefix="other", initial={"minutes_allowed": 10})
    error = ""
    if request.method == "POST":
        what = request.POST.get("add", "")
        try:
            if what == "selected":
                picks = _picks(request, meeting)
                items = agenda_services.agenda_add(actor=request.user, meeting=meeting, picks=picks)
                messages.success(request, f"{len(items)} item{'s' if len(items) != 1 else ''} added to the agenda.")
                return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
            if what == "reference":
                reference_form = AddByReferenceForm(request.POST, prefix="ref")
                if reference_form.is_valid():
                    subject = find_on_register(request.user, meeting, reference_form.cleaned_data["reference"])
                    if subject is None:
                        reference_form.add_error(
                            "reference", "Enter the reference of a record on this panel's register"
                        )
                    else:
                        agenda_services.agenda_add(
                            actor=request.user, meeting=meeting, picks=[(subject, ItemSource.ADDED, None)]
                        )
                        messages.success(request, f"{subject.reference} added to the agenda.")
                        return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
            elif what == "other":
                other_form = AddOtherItemForm(request.POST, prefix="other")
                if other_form.is_valid():
                    agenda_services.agenda_add_other(
                        actor=request.user,
                        meeting=meeting,
                        title=other_form.cleaned_data["title"],
                        minutes_allowed=other_form.cleaned_data["minutes_allowed"],
                    )
                    messages.success(request, "Item added to the agenda.")
                    return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
        except ValidationError as exc:
            target = reference_form if what == "reference" else other_form if what == "other" else None
            if target is not None:
                apply_errors(target, exc)
            else:
                error = " ".join(exc.messages)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/agenda_add.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "groups": agenda_candidates(request.user, meeting),
            "not_offered": listed_not_offered(request.user, meeting),
            "reference_form": reference_form,
            "other_form": other_form,
            "error": error,
        },
        status=status,
    )


def _people(meeting: Meeting) -> Any:
    return panel_users(meeting.panel)


@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    meeting = item.meeting
    policy.require(request.user, "plan_meeting", meeting)
    people = _people(meeting)
    guests = list(item.guests.filter(scope=InvitationScope.ITEMS).values_list("user_id", flat=True))
    kwargs = {"people": people, "has_subject": item.subject_id is not None}
    initial = {
        "title": item.title,
        "presenter": item.presenter_id,
        "minutes_allowed": item.minutes_allowed,
        "guests": guests,
        "version": item.version,
    }
    form = ItemForm(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agenda_services.item_update(
                actor=request.user,
                item=item,
                expected_version=data["version"],
                minutes_allowed=data["minutes_allowed"],
                presenter=data["presenter"],
                title=data.get("title", ""),
            )
            wanted = {u.pk for u in data["guests"]}
            scheduling.invite_for_item(actor=request.user, item=item, user_ids=sorted(wanted - set(guests)))
            scheduling.uninvite_from_item(actor=request.user, item=item, user_ids=sorted(set(guests) - wanted))
        except ConcurrentEditError:
            item.refresh_from_db()
            form = rebind_after_conflict(ItemForm, request.POST, current_version=item.version, **kwargs)
            return render(
                request, "meetings/item_edit.html", {"item": item, "meeting": meeting, "form": form}, status=409
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{item.label} saved.")
            return HttpResponseRedirect(reverse("meetings:agenda", args=[meeting.pk]))
    return render(
        request,
        "meetings/item_edit.html",
        {"item": item, "meeting": meeting, "panel": meeting.panel, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    policy.require(request.user, "plan_meeting", item.meeting)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponse("Choose up or down.", status=400)
    agenda_services.item_move(actor=request.user, item=item, direction=direction)
    return HttpResponseRedirect(f"{reverse('meetings:agenda', args=[item.meeting_id])}#item-{item.pk}")


@require_POST
def item_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    policy.require(request.user, "plan_meeting", item.meeting)
    try:
        agenda_services.item_remove(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{item.label} taken off the agenda.")
    return HttpResponseRedirect(reverse("meetings:agenda", args=[item.meeting_id]))


@require_POST
def agenda_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Dragging items (the agenda page's script) sends the new order of one strand."""
    meeting = meeting_for(request, pk, "plan_meeting")
    try:
        order = [int(x) for x in json.loads(request.POST.get("order", "[]"))]
        agenda_services.agenda_reorder(actor=request.user, meeting=meeting, order=order)
    except (ValueError, TypeError, json.JSONDecodeError):
        return JsonResponse({"status": "invalid", "errors": ["Send the items' order."]}, status=400)
    except ValidationError as exc:
        return JsonResponse({"status": "invalid", "errors": exc.messages}, status=400)
    return JsonResponse({"status": "saved"})


_ = AgendaItem
