"""Actions: my actions, my agency's actions, the panel's action log (filterable, exportable to
XLSX), an action's page (complete it), and changing it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.services import record
from macehub.audit.types import Action as AuditAction
from macehub.core.exports import xlsx_response
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError

from ..forms.actions import ActionCompleteForm, ActionEditForm, ActionFilterForm
from ..models import Action
from ..policies import policy
from ..selectors.actions import (
    ActionFilters,
    actions_owned_by,
    actions_visible_to,
    filter_actions,
    get_action_for,
    own_agency_actions,
    represented_agencies,
)
from ..selectors.invitations import panel_users, partnership_agencies
from ..services import actions as action_services
from .common import apply_errors, panel_for

EXPORT_HEADER = [
    "Action",
    "Panel",
    "Agreed at meeting",
    "Record",
    "What",
    "Owner agency",
    "Owner",
    "Due",
    "Status",
    "Overdue",
    "Times carried forward",
    "Escalated to the chair",
]


def _filters(form: ActionFilterForm) -> ActionFilters:
    if not form.is_valid():
        return ActionFilters()
    data = form.cleaned_data
    agency = data.get("agency")
    return ActionFilters(
        status=data.get("status") or "open",
        agency_id=agency.pk if agency else None,
        subject=(data.get("subject") or "").strip(),
        carried=bool(data.get("carried")),
    )


def _rows(actions: QuerySet[Action]) -> list[list[Any]]:
    return [
        [
            a.reference,
            a.panel.name,
            a.meeting.date if a.meeting else "",
            a.subject.safe_label if a.subject else "",
            a.description,
            a.owner_agency.name,
            a.owner.full_name if a.owner else "",
            a.due_date,
            a.get_status_display(),
            "Yes" if a.is_overdue else "No",
            a.times_carried_forward,
            "Yes" if a.escalated_at else "No",
        ]
        for a in actions
    ]


def _export(
    request: AuthenticatedHttpRequest, actions: QuerySet[Action], *, name: str, scope: str, panel: Any = None
) -> HttpResponse:
    rows = _rows(actions[:5000])
    with transaction.atomic():
        record(
            action=AuditAction.EXPORT,
            actor=request.user,
            obj=panel,
            detail={"export": f"actions ({scope})", "rows": len(rows), "identifiers": "pseudonymous references only"},
        )
    return xlsx_response(f"{name}.xlsx", [("Actions", EXPORT_HEADER, rows)])


def _list(
    request: AuthenticatedHttpRequest,
    qs: QuerySet[Action],
    *,
    title: str,
    scope: str,
    agencies: Any,
    export_url: str,
    panel: Any = None,
) -> HttpResponse:
    form = ActionFilterForm(request.GET or None, agencies=agencies)
    filtered = filter_actions(qs, _filters(form))
    if request.GET.get("format") == "xlsx":
        return _export(request, filtered, name=scope.replace(" ", "-"), scope=scope, panel=panel)
    page = Paginator(filtered, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(
        request,
        "meetings/actions.html",
        {
            "title": title,
            "scope": scope,
            "form": form,
            "page": page,
            "panel": panel,
            "export_url": f"{export_url}?{query.urlencode()}",
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def my_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_actions")
    return _list(
        request,
        actions_owned_by(request.user),
        title="Your actions",
        scope="my actions",
        agencies=None,
        export_url=reverse("meetings:my_actions"),
    )


@require_GET
def agency_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_actions")
    user = request.user
    agencies = list(represented_agencies(user))
    names = ", ".join(a.name for a in agencies)
    return _list(
        request,
        own_agency_actions(user),
        title=f"Your agency's actions ({names})" if names else "Your agency's actions",
        scope="agency actions",
        agencies=agencies if len(agencies) > 1 else None,
        export_url=reverse("meetings:agency_actions"),
    )


@require_GET
def panel_actions(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = panel_for(request, panel_pk, "view_action_log")
    agencies = partnership_agencies(panel)
    return _list(
        request,
        actions_visible_to(request.user).filter(panel=panel),
        title="Action log",
        scope="action log",
        agencies=agencies,
        export_url=reverse("meetings:panel_actions", args=[panel.pk]),
        panel=panel,
    )


@require_http_methods(["GET", "POST"])
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.user, pk)
    form = ActionCompleteForm(request.POST or None, initial={"version": action.version})
    if request.method == "POST":
        policy.require(request.user, "complete_action", action)
        if form.is_valid():
            try:
                action_services.action_complete(
                    actor=request.user,
                    action=action,
                    expected_version=form.cleaned_data["version"],
                    note=form.cleaned_data["note"],
                )
            except ConcurrentEditError:
                action = get_action_for(request.user, pk)
                form = rebind_after_conflict(ActionCompleteForm, request.POST, current_version=action.version)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{action.reference} marked as completed.")
                return HttpResponseRedirect(reverse("meetings:action_detail", args=[action.pk]))
    reviews = list(action.reviews.select_related("meeting").order_by("meeting__date"))
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "panel": action.panel,
            "reviews": reviews,
            "form": form,
            "can_complete": policy.can(request.user, "complete_action", action),
            "can_edit": policy.can(request.user, "edit_action", action),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.user, pk)
    policy.require(request.user, "edit_action", action)
    agencies = partnership_agencies(action.panel)
    people = panel_users(action.panel)
    kwargs = {"agencies": agencies, "people": people}
    initial = {
        "description": action.description,
        "owner_agency": action.owner_agency_id,
        "owner": action.owner_id,
        "due_date": action.due_date,
        "version": action.version,
    }
    form = ActionEditForm(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_services.action_update(
                actor=request.user,
                action=action,
                expected_version=data["version"],
                values={k: data[k] for k in ("description", "owner_agency", "owner", "due_date")},
            )
        except ConcurrentEditError:
            action = get_action_for(request.user, pk)
            form = rebind_after_conflict(ActionEditForm, request.POST, current_version=action.version, **kwargs)
            return render(request, "meetings/action_edit.html", {"action": action, "form": form}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{action.reference} saved.")
            return HttpResponseRedirect(reverse("meetings:action_detail", args=[action.pk]))
    return render(
        request,
        "meetings/action_edit.html",
        {"action": action, "panel": action.panel, "form": form},
        status=400 if form.errors else 200,
    )
