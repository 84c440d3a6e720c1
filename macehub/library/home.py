"""The library's section of the signed-in home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .policies import policy


def library_section(request: HttpRequest) -> dict[str, Any] | None:
    """Any member: how much is shared, what changed lately, and newer versions of items
    their partnership uses."""
    if not policy.can(request.user, "view_library"):
        return None
    return {
        "count": selectors.items_visible_to(request.user).count(),
        "recent": selectors.recent_items_for(request.user),
        "outdated": selectors.outdated_adoptions_for(request.user),
    }
