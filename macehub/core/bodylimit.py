"""Refuse a request body that is too large before anything reads it (C23).

Django would read a 50 MB body in full (spooling files to disk) before a form could refuse
the file. This middleware, first in the chain, looks only at the ``Content-Length`` header
and answers ``413 Content Too Large`` with a plain page. The proxy in front
(``client_max_body_size`` in nginx, docs/deployment.md) has the same limit, so a body that
large never reaches the application at all; Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE``
still caps the non-file fields.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .uploads import human_size, max_upload_bytes


def max_request_bytes() -> int:
    return int(getattr(settings, "MACEHUB_MAX_REQUEST_BYTES", 25 * 1024 * 1024))


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = max_request_bytes()
        if length > limit:
            megabytes = limit // (1024 * 1024)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": f"The request is larger than {megabytes} MB."}, status=413)

            context = {"service_name": "MACE Hub", "limit": megabytes, "upload_limit": human_size(max_upload_bytes())}
            body = loader.get_template("413.html").render(context)
            response = HttpResponse(body, status=413)
            # The rest of the body is not read: the connection cannot be reused.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
