"""Pages for a record's legal hold and subject access export (see :mod:`.retention`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from macehub.core.forms import GovukForm

from . import retention, selectors
from .common import apply_errors, subject_url
from .policies import policy


class HoldForm(GovukForm):
    reason = forms.CharField(
        label="Why must the record be kept?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a public inquiry, a legal claim or a safeguarding practice review, with its reference.",
        error_messages={"required": "Enter why the record must be kept"},
    )


class ReleaseForm(GovukForm):
    reason = forms.CharField(
        label="Why can the hold be released?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the hold can be released"},
    )


class AccessExportForm(GovukForm):
    request_reference = forms.CharField(
        label="Subject access request reference",
        max_length=100,
        help_text="The reference your information governance team gave the request. It is recorded in the audit trail.",
        error_messages={"required": "Enter the subject access request reference"},
    )


@require_http_methods(["GET", "POST"])
def subject_hold(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "manage_retention", subject)
    held = subject.legal_hold_since is not None
    form: Any = (ReleaseForm if held else HoldForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = retention.release_hold if held else retention.place_hold
        try:
            change(actor=request.user, subject=subject, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = "released from legal hold" if held else "on legal hold: it will be kept until the hold is released"
            messages.success(request, f"{subject.reference} is {done}.")
            return HttpResponseRedirect(subject_url(subject) + "#records-management")
    return render(
        request, "subjects/hold.html", {"subject": subject, "panel": subject.panel, "form": form, "held": held}
    )


@require_http_methods(["GET", "POST"])
def subject_access_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "manage_retention", subject)
    form = AccessExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = retention.access_export(
            actor=request.user, subject=subject, request_reference=form.cleaned_data["request_reference"]
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{subject.reference}-subject-access.zip"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "subjects/access_export.html", {"subject": subject, "panel": subject.panel, "form": form})
