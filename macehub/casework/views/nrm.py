"""National Referral Mechanism referrals."""

from __future__ import annotations

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
from macehub.core.submissions import once
from macehub.subjects.common import apply_errors
from macehub.subjects.policies import agency_on_panel

from .. import selectors
from ..forms.nrm import NRMForm
from ..policies import policy
from ..services import common as casework_common
from ..services import nrm as nrm_services
from .common import child_for, form_page

# --- NRM -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def nrm_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    policy.require(request.user, "record_child_casework", child)
    form = NRMForm(
        request.POST or None,
        panel=child.panel,
        initial={
            "referred_on": timezone.localdate(),
            "first_responder_agency": agency_on_panel(request.user, child.panel_id),
            "rg_decision": "pending",
            "cg_decision": "pending",
            "duty_to_notify": "by_referral",
            "adult_consent": "not_yet",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            nrm = nrm_services.nrm_create(actor=request.user, child=child, values=form.values())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"NRM referral recorded. A reasonable-grounds decision is expected by {nrm.decision_due_on:%-d %B %Y}.",
            )
            return HttpResponseRedirect(reverse("casework:nrm_detail", args=[nrm.pk]))
    settings = selectors.settings_for(child.panel)
    return form_page(
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
def nrm_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nrm = selectors.get_nrm_for(request.user, pk)
    casework_common.viewed(actor=request.user, obj=nrm, page="NRM referral")
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
def nrm_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
            nrm_services.nrm_update(
                actor=request.user, nrm=nrm, expected_version=form.cleaned_data["version"], values=form.values()
            )
        except ConcurrentEditError:
            current = selectors.get_nrm_for(request.user, pk)
            form = rebind_after_conflict(
                NRMForm, request.POST, current_version=current.version, instance=current, panel=current.child.panel
            )
            return form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "NRM referral saved.")
            return HttpResponseRedirect(reverse("casework:nrm_detail", args=[nrm.pk]))
    return form_page(request, {**page, "form": form})
