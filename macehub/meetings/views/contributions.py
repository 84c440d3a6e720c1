"""Contributions: the coordinator's grid (item × agency) with a one-click chase, and the page
where an invited representative sends what their agency knows about each item they are asked
about — or that it holds nothing — in a couple of minutes each."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.services import ConcurrentEditError
from macehub.organisations.types import Agency

from ..forms.contributions import ChaseForm, ContributionForm
from ..policies import invitation_for, policy
from ..selectors.agenda import get_item_for, hidden_item_count, in_agenda_order, items_visible_to
from ..selectors.contributions import (
    contribution_agencies_for,
    contributions_by_item,
    contributions_grid,
    contributions_of_agency,
)
from ..selectors.invitations import asked_agencies
from ..services import contributions as contribution_services
from .common import apply_errors, item_page, meeting_for, sight_of


@require_GET
def grid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    grid = contributions_grid(request.user, meeting)
    page = item_page(request, len(grid.rows))  # the totals and chasing still cover every item
    return render(
        request,
        "meetings/contributions.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "grid": grid,
            "rows": grid.rows[page.start : page.end] if page else grid.rows,
            "page": page,
            "hidden_items": hidden_item_count(request.user, meeting),
        },
    )


@require_POST
def chase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    form = ChaseForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose an agency.", status=400)
    agency = form.cleaned_data["agency"]
    try:
        chases = contribution_services.contributions_chase(actor=request.user, meeting=meeting, agency=agency)
    except ValidationError as exc:
        messages.info(request, " ".join(exc.messages))
    else:
        for chase in chases:
            name = chase.agency.name
            if chase.recipients:
                messages.success(
                    request,
                    f"{name} chased: {chase.recipients} {'person' if chase.recipients == 1 else 'people'} e-mailed about "
                    f"{chase.missing} missing contribution{'s' if chase.missing != 1 else ''}.",
                )
            else:
                messages.warning(
                    request,
                    f"Nobody from {name} is invited with an account on this panel: contact them directly "
                    "and record their contribution for them.",
                )
    return HttpResponseRedirect(reverse("meetings:contributions", args=[meeting.pk]))


def _contribution_rows(request: AuthenticatedHttpRequest, meeting: Any, agency: Agency) -> list[dict[str, Any]]:
    items = in_agenda_order(list(items_visible_to(request.user, meeting)))
    asked = asked_agencies(meeting)
    mine = contributions_of_agency(request.user, items, agency)
    rows = []
    for item in items:
        if not asked.asked(item.pk, agency.pk):
            continue
        rows.append({"item": item, "contribution": mine.get(item.pk)})
    return rows


def _agency_for(request: AuthenticatedHttpRequest, meeting: Any) -> tuple[Agency | None, list[Agency]]:
    agencies = contribution_agencies_for(request.user, meeting)
    if not agencies:
        return None, []
    chosen = request.GET.get("agency") or request.POST.get("agency")
    for agency in agencies:
        if chosen and str(agency.pk) == str(chosen):
            return agency, agencies
    invited = invitation_for(request.user, meeting)
    if invited is not None:
        own = [a for a in agencies if a.pk == invited.agency_id]
        if own:
            return own[0], agencies
    return agencies[0], agencies


@require_GET
def contribute(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The items the person's agency is asked about, with what it has sent so far."""
    meeting = meeting_for(request, pk, "contribute")
    sight = sight_of(request, meeting)
    agency, agencies = _agency_for(request, meeting)
    if agency is None:
        raise PermissionDenied("contribute")
    rows = _contribution_rows(request, meeting, agency)
    return render(
        request,
        "meetings/contribute.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "agency": agency,
            "agencies": agencies if sight.may_run else [],
            "rows": rows,
            "done": sum(1 for r in rows if r["contribution"]),
        },
    )


@require_http_methods(["GET", "POST"])
def contribute_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    meeting = item.meeting
    policy.require(request.user, "contribute", meeting)
    sight = sight_of(request, meeting)
    agency, _ = _agency_for(request, meeting)
    if agency is None:
        raise PermissionDenied("contribute")
    existing = contributions_of_agency(request.user, [item], agency).get(item.pk)
    initial = {"status": existing.status, "text": existing.text, "version": existing.version} if existing else {}
    form = ContributionForm(request.POST or None, initial=initial)
    status = 200
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution_services.contribution_save(
                actor=request.user,
                item=item,
                agency=agency,
                status=data["status"],
                text=data["text"],
                expected_version=data.get("version"),
            )
        except ConcurrentEditError:
            theirs = contributions_of_agency(request.user, [item], agency)[item.pk]
            fresh = request.POST.copy()
            fresh["version"] = str(theirs.version)
            form = ContributionForm(fresh)
            form.is_valid()
            form.add_error(
                None,
                "Someone else from your agency saved a contribution for this item while you were writing yours. "
                "Theirs is shown below; yours is still in the box. Save again to replace theirs with yours.",
            )
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Contribution on {item.label} sent for {agency.name}.")
            url = reverse("meetings:contribute", args=[meeting.pk])
            return HttpResponseRedirect(f"{url}?agency={agency.pk}" if sight.may_run else url)
    # A form with errors is shown again with 200, like every other form (no htmx here).
    # The same contributions the pack shows for this item (one rule: ``meetings.contribution``).
    contributions = contributions_by_item(request.user, [item]).get(item.pk, [])
    return render(
        request,
        "meetings/contribute_item.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "item": item,
            "agency": agency,
            "form": form,
            "existing": existing,
            "theirs": theirs,
            "others": [c for c in contributions if c.agency_id != agency.pk],
        },
        status=status,
    )
