"""Home, static information pages, health check and error pages."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from . import auditing
from . import home as home_sections
from .http import wants_json

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role: each app adds the sections that apply to this person."""
    return render(request, "core/home.html", {"sections": home_sections.sections_for(request)})


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says."""
    return HttpResponsePermanentRedirect(static("macehub/images/favicon.svg"))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the app can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check failed")
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def _record_denied(request: HttpRequest) -> None:
    user = getattr(request, "user", None)
    auditing.record(
        auditing.PERMISSION_DENIED,
        actor=user if user is not None and user.is_authenticated else None,
        detail={"path": request.path[:300], "method": request.method},
    )


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _record_denied(request)
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors or database access: they may be what failed."""
    template = loader.get_template("500.html")
    body = template.render({"request_id": getattr(request, "request_id", ""), "service_name": "MACE Hub"})
    return HttpResponse(body, status=500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A script (autosave) is told it was the token, not a refusal: it fetches a fresh one
    (signing in again rotates it) and tries again."""
    if wants_json(request):
        return JsonResponse({"error": "csrf_failed", "signed_in": request.user.is_authenticated}, status=403)
    return render(request, "csrf_failure.html", status=403)
