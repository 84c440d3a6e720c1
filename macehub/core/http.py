"""Small questions about an HTTP request that several layers ask."""

from __future__ import annotations

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """A script's request (autosave, the timeout warning) rather than a page load: it gets a
    JSON answer it can tell apart from a refusal, never a redirect to the sign-in page."""
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept
