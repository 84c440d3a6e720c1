"""Pages for a record's legal hold and subject access export (see :mod:`.retention`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import STALE_EDIT_MESSAGE, GovukForm
from macehub.core.services import ConcurrentEditError

from .. import selectors
from ..common import apply_errors, subject_url
from ..policies import records
from ..services import retention


class _HoldChangeForm(GovukForm):
    """What the person chose (place or release), and the version of the record they saw: the
    page never decides from the record's state at the time of saving (two "Place" clicks must
    not release the hold)."""

    action = forms.ChoiceField(choices=[("place", "Place"), ("release", "Release")], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class HoldForm(_HoldChangeForm):
    reason = forms.CharField(
        label="Why must the record be kept?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example a public inquiry, a legal claim or a safeguarding practice review, with its reference.",
        error_messages={"required": "Enter why the record must be kept"},
    )


class ReleaseForm(_HoldChangeForm):
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
def subject_hold(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    records.require(request.user, "manage_retention", subject)
    held = subject.legal_hold_since is not None
    initial = {"action": "release" if held else "place", "version": subject.version}
    form: Any = (ReleaseForm if held else HoldForm)(initial=initial)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("action")
        form = (ReleaseForm if chosen == "release" else HoldForm)(request.POST)
        if form.is_valid():
            place = form.cleaned_data["action"] == "place"
            change = retention.place_hold if place else retention.release_hold
            try:
                change(
                    actor=request.user,
                    subject=subject,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except ConcurrentEditError:
                subject.refresh_from_db()
                form.add_error(None, STALE_EDIT_MESSAGE)
                form.data = form.data.copy()
                form.data["version"] = str(subject.version)
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                done = (
                    "on legal hold: it will be kept until the hold is released" if place else "released from legal hold"
                )
                messages.success(request, f"{subject.reference} is {done}.")
                return HttpResponseRedirect(subject_url(subject) + "#records-management")
        held = form.data.get("action") == "release"
    return render(
        request,
        "subjects/hold.html",
        {"subject": subject, "panel": subject.panel, "form": form, "held": held},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def subject_access_export(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    records.require(request.user, "manage_retention", subject)
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
