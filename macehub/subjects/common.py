"""Small helpers shared by the subjects views: URLs per kind, revealing identities for a
few minutes, and warnings that need a deliberate "continue"."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.organisations.selectors import get_panel_for

from .models import Kind, Subject
from .policies import policy
from .services.records import Warning

#: URL path segment for each kind's records.
KIND_PATHS = {
    Kind.CHILD: "children",
    Kind.PERSON: "persons-of-concern",
    Kind.LOCATION: "locations",
    Kind.GROUP: "groups",
    Kind.THEME: "themes",
}
REVEAL_SESSION_KEY = "macehub_revealed"
#: How long a revealed name stays shown on the record's pages for the person who asked.
REVEAL_SECONDS = 10 * 60


def subject_url(subject: Subject, page: str = "detail") -> str:
    return reverse(f"subjects:{subject.kind}_{page}", args=[subject.pk])


def register_panel(request: AuthenticatedHttpRequest, panel_pk: int, *, kind: str | None = None) -> Any:
    """The panel, if the person may browse its register: 404 if they cannot see the panel at
    all, 403 if they can see it but not its records (analysts, leads, borough admins)."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "view_register", panel)
    if kind == Kind.PERSON:
        policy.require(request.user, "view_persons", panel)
    return panel


def is_revealed(request: AuthenticatedHttpRequest, subject: Subject) -> bool:
    revealed = request.session.get(REVEAL_SESSION_KEY, {})
    until = revealed.get(str(subject.pk))
    return bool(until and until > time.time())


def remember_reveal(request: AuthenticatedHttpRequest, subject: Subject) -> None:
    now = time.time()
    revealed = {k: v for k, v in request.session.get(REVEAL_SESSION_KEY, {}).items() if v > now}
    revealed[str(subject.pk)] = now + REVEAL_SECONDS
    request.session[REVEAL_SESSION_KEY] = revealed


def unconfirmed(request: AuthenticatedHttpRequest, warnings: list[Warning]) -> bool:
    """True if there are warnings the person has not yet ticked "continue" for (all of them)."""
    if not warnings:
        return False
    confirmed = set(request.POST.get("confirmed_warnings", "").split(","))
    return request.POST.get("confirm") != "yes" or not {w.key for w in warnings} <= confirmed


def apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def require(request: AuthenticatedHttpRequest, action: str, obj: Any = None) -> None:
    if not policy.can(request.user, action, obj):
        raise PermissionDenied(action)
