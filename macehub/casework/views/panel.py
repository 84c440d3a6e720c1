"""A panel's casework lists (due and overdue, plans, disruption, escalations) and its casework
settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.organisations.selectors import get_panel_for
from macehub.organisations.types import Panel
from macehub.subjects.common import apply_errors

from .. import selectors
from ..forms.panel import SettingsForm
from ..models import PlanStatus
from ..policies import policy
from ..services import panel as panel_services
from .common import form_page, panel_for

# --- A panel's lists -------------------------------------------------------------------------


@require_GET
def due(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = panel_for(request, panel_pk)
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
    def view(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
        panel = panel_for(request, panel_pk)
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


def _plans(request: AuthenticatedHttpRequest, panel: Panel) -> dict[str, Any]:
    status = PlanStatus.ENDED if request.GET.get("status") == "ended" else PlanStatus.ACTIVE
    return {
        "plans": list(selectors.panel_plans(request.user, panel, status=status)[:300]),
        "status": status,
        "today": timezone.localdate(),
    }


def _disruptions(request: AuthenticatedHttpRequest, panel: Panel) -> dict[str, Any]:
    return {"disruptions": list(selectors.panel_disruptions(request.user, panel)[:300])}


def _escalations(request: AuthenticatedHttpRequest, panel: Panel) -> dict[str, Any]:
    return {"escalations": list(selectors.panel_escalations(request.user, panel)[:300])}


panel_plans = _panel_list("casework/panel_plans.html", "plans", _plans)
panel_disruption = _panel_list("casework/panel_disruption.html", "disruption", _disruptions)
panel_escalations = _panel_list("casework/panel_escalations.html", "escalations", _escalations)


@require_http_methods(["GET", "POST"])
def panel_settings(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
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
        values = {k: form.cleaned_data[k] for k in panel_services.SETTINGS_FIELDS}
        try:
            panel_services.settings_update(
                actor=request.user, panel=panel, expected_version=form.cleaned_data.get("version"), values=values
            )
        except ConcurrentEditError:
            fresh = selectors.settings_for(panel)
            form = rebind_after_conflict(SettingsForm, request.POST, current_version=fresh.version, instance=fresh)
            return form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Casework settings saved.")
            return HttpResponseRedirect(request.path)
    return form_page(request, {**page, "form": form})
