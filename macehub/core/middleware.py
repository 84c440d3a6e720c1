"""Request-wide middleware: correlation ids and cache headers."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import context
from .access import access_snapshot

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")
request_log = logging.getLogger("macehub.request")


class RequestContextMiddleware:
    """Gives every request a correlation id (echoed in X-Request-ID and error pages).

    A well-formed X-Request-ID from the proxy is kept, so one id follows a request from the
    proxy's log to ours. Each request is logged once: method, view name, status and time
    taken. The view's name (``account_confirm_email``), not the path: paths can carry
    sign-in and reset tokens, and what someone typed into a mistaken address; the query
    string can carry search terms such as a name.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = context.activate(
            context.RequestContext(
                request_id=request_id,
                ip_address=context.client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        started = time.monotonic()
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            request_log.info(
                "%s %s %s %dms",
                request.method,
                (match.view_name or match.route) if match is not None else "(no match)",
                response.status_code,
                round((time.monotonic() - started) * 1000),
                extra={"request_id": request_id},
            )
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Pages for signed-in people may hold personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, max-age=0"
            response["Pragma"] = "no-cache"
        return response


class AccessSnapshotMiddleware:
    """What people may see is worked out at most once per request and forgotten after it
    (``core.access.remembered``), so an answer never outlives the request that made it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with access_snapshot():
            return self.get_response(request)
