"""The "Known elsewhere?" section of the home page: what waits for the person (their
notification that another partnership asked, or answered)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import selectors
from .policies import policy


def section(request: HttpRequest) -> dict[str, Any] | None:
    if not policy.can(request.user, "ask"):
        return None
    since = timezone.now() - timedelta(days=30)
    return {
        "asked_of_us": selectors.asked_of_us(request.user).filter(found_at__gte=since).count(),
        "waiting": selectors.waiting_for_decision(request.user).count(),
        "links_waiting": selectors.links_for(request.user).filter(status="proposed").count(),
    }
