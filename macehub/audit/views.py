"""The audit trail: a filtered list and a CSV export (itself audited)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from macehub.core.exports import csv_response

from .forms import AuditFilterForm
from .models import Action
from .policies import policy
from .selectors import events_visible_to
from .services import record


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "view_events")
    form = AuditFilterForm(request.GET or None)
    events = form.apply(events_visible_to(request.user)).order_by("-seq")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"form": form, "page": page})


@require_GET
def event_export(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    policy.require(request.user, "export_events")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        page = Paginator(events_visible_to(request.user).none(), 50).get_page(1)
        return render(request, "audit/event_list.html", {"form": form, "page": page}, status=400)
    events = form.apply(events_visible_to(request.user)).order_by("seq")
    record(
        action=Action.EXPORT,
        actor=request.user,
        detail={"export": "audit events", "filters": {k: v for k, v in request.GET.items() if v}},
    )
    header = [
        "seq",
        "occurred_at_utc",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "ip_address",
        "purpose",
        "changes",
        "detail",
    ]
    rows = (
        [
            e.seq,
            e.occurred_at.isoformat(),
            e.actor_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_label,
            e.ip_address,
            e.purpose,
            e.changes,
            e.detail,
        ]
        for e in events.iterator(chunk_size=2000)
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return csv_response(f"macehub-audit-{stamp}.csv", header, rows)
