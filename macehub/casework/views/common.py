"""What the casework pages share: fetching a record, a child or a panel through the policy,
and rendering a form page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.organisations.selectors import get_panel_for
from macehub.organisations.types import Panel
from macehub.subjects import selectors as subject_selectors
from macehub.subjects.types import MODEL_FOR_KIND, Kind, Subject

from ..policies import policy

PDF_MARKING = "OFFICIAL-SENSITIVE"


# --- Helpers ---------------------------------------------------------------------------------


def subject_for(request: AuthenticatedHttpRequest, pk: int) -> Subject:
    subject = subject_selectors.get_any_subject_for(request.user, pk)
    # The kind's proxy model, so audit events name it ("subjects.child") as the register's own do.
    subject.__class__ = MODEL_FOR_KIND[subject.kind]
    policy.require(request.user, "view_casework", subject)
    return subject


def child_for(request: AuthenticatedHttpRequest, pk: int) -> Subject:
    child = subject_selectors.get_subject_for(request.user, pk, Kind.CHILD)
    policy.require(request.user, "view_journey", child)
    return child


def panel_for(request: AuthenticatedHttpRequest, panel_pk: int) -> Panel:
    """404 if the person cannot see the panel at all; 403 if they see it but not its records."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "view_panel_casework", panel)
    return panel


def casework_url(subject: Subject) -> str:
    return reverse("casework:record", args=[subject.pk])


def form_page(
    request: AuthenticatedHttpRequest,
    context: dict[str, Any],
    *,
    template: str = "casework/form.html",
    status: int = 200,
) -> HttpResponse:
    subject = context.get("subject")
    if subject is not None:
        context.setdefault("panel", subject.panel)
        context.setdefault("back_url", casework_url(subject))
        context.setdefault("back_text", f"Back to the casework of {subject.reference}")
    context.setdefault("cancel_url", context.get("back_url"))
    return render(request, template, context, status=status)
