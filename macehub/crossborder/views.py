"""Cross-border pages: the coordinator's list, sending a move, one handover (as each side sees
it), acknowledging and deciding, placement summaries, finds in the partnership's area."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.submissions import once
from macehub.subjects import selectors as subject_selectors
from macehub.subjects.common import apply_errors

from . import selectors, services
from .forms import DecideForm, MoveForm, SummaryForm
from .models import SUMMARY_PARTS, Handover, HandoverState, Side
from .policies import finds, handovers, panels_to_receive_on, policy


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_crossborder")
    return render(
        request,
        "crossborder/home.html",
        {
            "incoming": list(selectors.incoming(request.user)[:200]),
            "outgoing": list(selectors.outgoing(request.user)[:200]),
            "finds": list(selectors.finds_for(request.user)[:200]),
            "partnerships": selectors.partnerships_acted_for(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def move_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = subject_selectors.get_subject_for(request.user, pk, "child")
    policy.require(request.user, "send_move", child)
    form = MoveForm(request.POST or None, own_partnership_id=child.panel.partnership_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = services.handover_send(
                actor=request.user,
                child=child,
                to_partnership=data["to_partnership"],
                kind=data["kind"],
                moved_on=data["moved_on"],
                expected_end=data["expected_end"],
                parts=data["parts"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Handover sent to {handover.to_partnership.short_name}. {child.reference} is stepped down as moved.",
            )
            return HttpResponseRedirect(reverse("crossborder:handover", args=[handover.pk]))
    return render(
        request,
        "crossborder/move_form.html",
        {"subject": child, "panel": child.panel, "form": form},
    )


def _side(request: AuthenticatedHttpRequest, handover: Any) -> str:
    if handovers.can(request.user, "view_sent", handover):
        return "sending"
    return "receiving"


@require_GET
def handover_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handovers.get_or_404(
        request.user,
        pk,
        queryset=Handover.objects.select_related(
            "from_panel__partnership", "to_partnership", "received_panel", "acknowledged_by", "decided_by"
        ),
    )
    side = _side(request, handover)
    services.handover_viewed(actor=request.user, handover=handover, side=side)
    placement = selectors.summaries_of(request.user, handover) if handover.is_placement else []
    own_side = services.side_of(request.user, handover) if policy.can(request.user, "share_summary", handover) else ""
    return render(
        request,
        "crossborder/handover.html",
        {
            "handover": handover,
            "side": side,
            "summary": handover.snapshot,
            "date_of_birth": date.fromisoformat(handover.snapshot["date_of_birth"])
            if handover.snapshot.get("date_of_birth")
            else None,
            "parts": [(key, label) for key, label in SUMMARY_PARTS.items() if key in handover.parts],
            "placement": placement,
            "own_side": own_side,
            "Side": Side,
            "can_acknowledge": handovers.can(request.user, "acknowledge", handover),
            "can_decide": handovers.can(request.user, "decide", handover),
            "can_share": bool(own_side),
        },
    )


@require_POST
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handovers.get_or_404(request.user, pk)
    handovers.require(request.user, "acknowledge", handover)
    services.handover_acknowledge(actor=request.user, handover=handover)
    messages.success(request, "Handover acknowledged. The sending coordinator has been told.")
    return HttpResponseRedirect(reverse("crossborder:handover", args=[handover.pk]))


@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handovers.get_or_404(request.user, pk, queryset=Handover.objects.select_related("to_partnership"))
    handovers.require(request.user, "decide", handover)
    form = DecideForm(request.POST or None, panel_ids=panels_to_receive_on(request.user, handover.to_partnership_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                handover = services.handover_accept(actor=request.user, handover=handover, panel=data["panel"])
                new_child, panel = handover.new_child, data["panel"]
                reference = new_child.reference if new_child is not None else "The child"
                messages.success(request, f"{reference} added to the {panel.name} register.")
            else:
                services.handover_decline(actor=request.user, handover=handover, reason=data["reason"])
                messages.success(request, "Recorded. The sending coordinator has been told.")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("crossborder:handover", args=[handover.pk]))
    return render(request, "crossborder/decide.html", {"handover": handover, "form": form})


@require_http_methods(["GET", "POST"])
def placement_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    handover = handovers.get_or_404(request.user, pk)
    handovers.require(request.user, "share_summary", handover)
    side = services.side_of(request.user, handover)
    current = next((s for s in selectors.summaries_of(request.user, handover) if s.side == side), None)
    form = SummaryForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_summary_save(actor=request.user, handover=handover, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Summary shared. The other authority sees it now.")
            return HttpResponseRedirect(reverse("crossborder:handover", args=[handover.pk]))
    return render(
        request,
        "crossborder/summary_form.html",
        {"handover": handover, "form": form, "side_label": Side(side).label},
    )


@require_POST
def found_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = finds.get_or_404(request.user, pk)
    finds.require(request.user, "acknowledge", notice)
    services.found_acknowledge(actor=request.user, notice=notice)
    messages.success(request, "Acknowledged.")
    return HttpResponseRedirect(reverse("crossborder:home"))


@require_GET
def found_places(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Only the partnership's own coordinators and chairs: for anyone else it does not exist.
    partnership = selectors.partnership_or_none(pk)
    if partnership is None or not policy.can(request.user, "view_found_places", partnership):
        raise Http404
    return render(
        request,
        "crossborder/found_places.html",
        {
            "partnership": partnership,
            "places": selectors.repeated_places(request.user, partnership),
            "finds": list(selectors.finds_for(request.user).filter(to_partnership=partnership)[:200]),
        },
    )


__all__ = ["HandoverState"]
