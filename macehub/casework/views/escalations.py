"""Escalations, raised and answered by the panel's coordinators and chairs."""

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

from .. import selectors
from ..forms.escalations import EscalationForm, EscalationResponseForm
from ..policies import policy
from ..services import common as casework_common
from ..services import escalations as escalation_services
from .common import form_page, subject_for

# --- Escalations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def escalation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = subject_for(request, pk)
    policy.require(request.user, "escalate", subject)
    form = EscalationForm(request.POST or None, initial={"escalated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            escalation = escalation_services.escalation_create(
                actor=request.user, subject=subject, values=form.values()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Escalation recorded.")
            return HttpResponseRedirect(reverse("casework:escalation_detail", args=[escalation.pk]))
    return form_page(
        request,
        {
            "subject": subject,
            "form": form,
            "title": f"Escalation about {subject.reference}",
            "heading": "Record an escalation",
            "button": "Save",
        },
    )


@require_GET
def escalation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.get_escalation_for(request.user, pk)
    casework_common.viewed(actor=request.user, obj=escalation, page="escalation")
    return render(
        request,
        "casework/escalation_detail.html",
        {
            "escalation": escalation,
            "subject": escalation.subject,
            "panel": escalation.subject.panel,
            "can_record": policy.can(request.user, "escalate", escalation),
        },
    )


@require_http_methods(["GET", "POST"])
def escalation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = selectors.get_escalation_for(request.user, pk)
    policy.require(request.user, "escalate", escalation)
    form = EscalationResponseForm(request.POST or None, instance=escalation)
    page = {
        "subject": escalation.subject,
        "title": f"Escalation about {escalation.subject.reference}",
        "heading": "Record the response to the escalation",
        "button": "Save",
        "back_url": reverse("casework:escalation_detail", args=[escalation.pk]),
        "back_text": "Back to the escalation",
    }
    if request.method == "POST" and form.is_valid():
        try:
            escalation_services.escalation_update(
                actor=request.user,
                escalation=escalation,
                expected_version=form.cleaned_data["version"],
                values=form.values(),
            )
        except ConcurrentEditError:
            current = selectors.get_escalation_for(request.user, pk)
            form = rebind_after_conflict(
                EscalationResponseForm, request.POST, current_version=current.version, instance=current
            )
            return form_page(request, {**page, "form": form, "conflict": True}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Escalation saved.")
            return HttpResponseRedirect(reverse("casework:escalation_detail", args=[escalation.pk]))
    return form_page(request, {**page, "form": form})
