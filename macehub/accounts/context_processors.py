"""Values the layout needs from the accounts app (listed in settings after core's ``layout``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .drafts import take_draft


def kept_draft(request: HttpRequest) -> dict[str, Any]:
    """A form this person posted after their session ended, given back on the page it came from."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"kept_draft": take_draft(request)}
