"""The health endpoint and the jobs page for system admins."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .policies import policy

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For the proxy and monitoring: 200 when the database answers and a worker has beaten
    within HEALTH_WORKER_MAX_AGE_SECONDS, else 503. No personal data, no authentication."""
    state: selectors.WorkerState | None = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        state = selectors.worker_state()
    except Exception:
        logger.exception("Health check: the database did not answer")
    healthy = state is not None and state.healthy
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if state is not None else "unavailable",
        "worker": {
            "status": "ok" if healthy else "unavailable",
            "heartbeat_age_seconds": round(state.age_seconds, 1) if state and state.age_seconds is not None else None,
            "alive": state.alive if state is not None else None,
            "max_age_seconds": settings.HEALTH_WORKER_MAX_AGE_SECONDS,
        },
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "view_jobs")
    return render(
        request,
        "operations/jobs.html",
        {
            "state": selectors.worker_state(),
            "workers": selectors.workers()[:50],
            "stuck": selectors.stuck_tasks(),
            "failed": selectors.failed_tasks(),
            "unsent": selectors.unsent_emails(),
            "can_retry": policy.can(request.user, "retry_jobs"),
        },
    )


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise Http404 from exc


@require_POST
def retry_task(request: HttpRequest, task_id: str) -> HttpResponse:
    policy.require(request.user, "retry_jobs")
    try:
        services.retry_task(actor=request.user, task_id=_uuid(task_id))
    except services.NothingToRetryError:
        messages.info(request, "That job has finished or is running again: there is nothing to retry.")
    else:
        messages.success(request, "The job is queued again.")
    return HttpResponseRedirect(reverse("operations:jobs"))


@require_POST
def retry_email(request: HttpRequest, message_id: str) -> HttpResponse:
    policy.require(request.user, "retry_jobs")
    try:
        services.retry_email(actor=request.user, message_id=_uuid(message_id))
    except services.NothingToRetryError:
        messages.info(request, "That e-mail has been sent: there is nothing to retry.")
    else:
        messages.success(request, "The e-mail is queued again.")
    return HttpResponseRedirect(reverse("operations:jobs"))
