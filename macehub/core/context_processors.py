"""Values every page's layout needs.

No role profile is put in the context: templates ask policies (``{% allowed %}`` or a value
the view worked out with ``policy.can``), never roles or id sets.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import navigation
from .acting import acting_context

#: Session key marking that the person has passed (or just set up) a second factor.
MFA_SESSION_KEY = "macehub_mfa_at"


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"service_name": settings.MACEHUB_SERVICE_NAME}
    if user is None or not user.is_authenticated:
        return context
    # No navigation until two-factor authentication is done: every link would bounce.
    if request.session.get(MFA_SESSION_KEY):
        context["nav_items"] = navigation.items_for(request)
    context["acting"] = acting_context(request)
    context["session_timeout"] = {
        "idle": int(settings.SESSION_IDLE_TIMEOUT.total_seconds()),
        "warn": int(settings.SESSION_TIMEOUT_WARNING.total_seconds()),
    }
    return context
