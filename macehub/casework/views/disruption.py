"""Disruption activity against locations, groups and persons of concern."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.subjects.common import apply_errors
from macehub.subjects.policies import agency_on_panel

from .. import selectors
from ..forms.disruption import DisruptionForm
from ..policies import policy
from ..services import common as casework_common
from ..services import disruption as disruption_services
from ..services.disruption import DISRUPTION_TARGET_KINDS
from .common import form_page, subject_for

# --- Disruption ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def disruption_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = subject_for(request, pk)
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
            "agency": agency_on_panel(request.user, target.panel_id),
            "children": list(children.values_list("pk", flat=True)),
            "category": {"location": "location", "group": "peer_group", "person": "perpetrator"}[target.kind],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            disruption = disruption_services.disruption_create(
                actor=request.user, target=target, values=form.values(), children=form.cleaned_data["children"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Disruption activity recorded.")
            return HttpResponseRedirect(reverse("casework:disruption_detail", args=[disruption.pk]))
    return form_page(
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
def disruption_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    disruption = selectors.get_disruption_for(request.user, pk)
    casework_common.viewed(actor=request.user, obj=disruption, page="disruption")
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
def disruption_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            disruption_services.disruption_update(
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
            return form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Disruption activity saved.")
            return HttpResponseRedirect(reverse("casework:disruption_detail", args=[disruption.pk]))
    return form_page(request, {**page, "form": form})
