"""The "Oversight data" section of the signed-in home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .models import ReleaseStatus
from .periods import last_complete_quarter
from .policies import policy


def oversight_section(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    if not policy.can(user, "use_oversight"):
        return None
    drafts = list(selectors.releases_visible_to(user).filter(status=ReleaseStatus.DRAFT).order_by("-period_start")[:5])
    return {
        "partnerships": list(selectors.dashboard_partnerships(user)),
        "drafts": drafts,
        "sees_london": policy.can(user, "view_london"),
        "quarter": last_complete_quarter(),
    }
