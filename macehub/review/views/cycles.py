"""Self-assessment cycles: open one, track returns, remind, results (heat map), publish, export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.exports import xlsx_response
from macehub.core.selectors import get_visible_or_404
from macehub.core.submissions import once
from macehub.organisations.models import LocalAuthority, Partnership

from .. import analysis, selectors
from ..forms.cycles import CycleEditForm, CycleForm, PublishResultsForm
from ..models import Cycle
from ..policies import policy
from ..services import cycles as services
from .common import handle, rebind


def _cycle(request: AuthenticatedHttpRequest, pk: int) -> Cycle:
    policy.require(request.user, "manage_review")
    return get_visible_or_404(selectors.cycles_with_counts(), pk, user=request.user)


def _detail_url(cycle: Cycle) -> str:
    return reverse("review:cycle_detail", args=[cycle.pk])


@require_GET
def cycle_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    return render(request, "review/cycle_list.html", {"cycles": selectors.cycles_with_counts()})


@require_http_methods(["GET", "POST"])
@once
def cycle_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    partnerships = Partnership.objects.filter(is_active=True).order_by("short_name")
    latest = Cycle.objects.order_by("-opens_on").first()
    form = CycleForm(
        request.POST or None,
        versions=selectors.published_versions(),
        cycles=Cycle.objects.all(),
        partnerships=partnerships,
        initial={
            "partnerships": list(partnerships),
            "opens_on": timezone.localdate(),
            "previous": latest.pk if latest else None,
            "framework_version": selectors.published_versions()
            .order_by("-published_at")
            .values_list("pk", flat=True)
            .first(),
        },
    )
    return handle(
        request,
        form,
        lambda data: services.cycle_open(
            actor=request.user,
            name=data["name"],
            framework_version=data["framework_version"],
            opens_on=data["opens_on"],
            deadline=data["deadline"],
            partnerships=list(data["partnerships"]),
            previous=data["previous"],
        ),
        success=_detail_url,
        message=lambda c: (
            f"{c.name} is open. The leads of {c.assessments.count()} partnerships have been told by e-mail."
        ),
        title="Open a self-assessment cycle",
        caption="MACE review",
        back=(reverse("review:cycle_list"), "All cycles"),
        submit="Open the cycle",
        intro="Each participating partnership gets a return to complete. Its strategic leads and borough admins are told by e-mail.",
    )


@require_GET
def cycle_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return tracking: who has returned, who is late, and reminders."""
    cycle = _cycle(request, pk)
    rows = list(selectors.tracking_rows(cycle))
    total_questions = selectors.question_count(cycle.framework_version)
    today = timezone.localdate()
    late = today > cycle.deadline
    returned = [r for r in rows if r.is_submitted]
    outstanding = [r for r in rows if not r.is_submitted]
    authorities_returned = sum(getattr(r, "authority_count", 0) for r in returned)
    return render(
        request,
        "review/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "total_questions": total_questions,
            "returned": len(returned),
            "participating": len(rows),
            "outstanding": outstanding,
            "late": late,
            "authorities_returned": authorities_returned,
            "authority_total": LocalAuthority.objects.count(),
            "days_left": (cycle.deadline - today).days,
        },
    )


@require_http_methods(["GET", "POST"])
def cycle_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = CycleEditForm(request.POST or None, instance=cycle)
    return handle(
        request,
        form,
        lambda data: services.cycle_update(
            actor=request.user,
            cycle=cycle,
            expected_version=data["version"],
            name=data["name"],
            deadline=data["deadline"],
            status=data["status"],
        ),
        success=_detail_url,
        message=lambda c: f"{c.name} saved.",
        conflict=lambda: rebind(CycleEditForm, request, _cycle(request, pk), instance=_cycle(request, pk)),
        title="Change the cycle",
        caption=cycle.name,
        back=(_detail_url(cycle), f"Back to {cycle.name}"),
    )


@require_POST
def cycle_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    try:
        count = services.cycle_request_reminders(actor=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Reminders are being sent to the leads of {count} partnerships.")
    return HttpResponseRedirect(_detail_url(cycle))


@require_GET
def cycle_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The London heat map (partnerships × sections), distributions and per-question figures."""
    cycle = get_visible_or_404(selectors.cycles_with_counts(), pk, user=request.user)
    policy.require(request.user, "see_named_results", cycle)
    heat = analysis.cycle_heat_map(cycle)
    return render(
        request,
        "review/cycle_results.html",
        {
            "cycle": cycle,
            "heat": heat,
            "chart": heat.chart_data(),
            "can_manage": policy.can(request.user, "manage_review"),
            "can_see_evidence_map": policy.can(request.user, "see_evidence_map", cycle),
            "bands": range(1, len(heat.scale) + 1),
        },
    )


@require_http_methods(["GET", "POST"])
def cycle_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    form = PublishResultsForm(
        request.POST or None,
        initial={"version": cycle.version, "publish": "yes" if cycle.results_published else "no"},
    )
    return handle(
        request,
        form,
        lambda data: services.cycle_publish_results(
            actor=request.user, cycle=cycle, expected_version=data["version"], publish=data["publish"]
        ),
        success=lambda c: reverse("review:cycle_results", args=[c.pk]),
        message=lambda c: "Named results published." if c.results_published else "Named results are not published.",
        conflict=lambda: rebind(PublishResultsForm, request, _cycle(request, pk)),
        title="Publish named results?",
        caption=cycle.name,
        back=(reverse("review:cycle_results", args=[cycle.pk]), "Back to the results"),
        intro="Until you publish, each partnership sees only its own scores beside the London median. "
        "Once published, everyone taking part in the review sees the heat map with partnerships named.",
    )


@require_GET
def cycle_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    heat = analysis.cycle_heat_map(cycle)
    header = ["Partnership", *[f"{s.code}. {s.title}" for s in heat.sections], "Overall"]
    scores: list[list[Any]] = [
        [str(row.assessment.partnership), *[c[0] for c in row.cells], row.overall] for row in heat.rows
    ]
    scores.append(["London median", *heat.medians, None])
    questions = [
        [q["question"].code, q["question"].text, q["answered"], q["median"], *q["counts"]] for q in heat.question_rows
    ]
    tracking = [
        [str(r.partnership), r.get_status_display(), r.submitted_at.date() if r.submitted_at else None]
        for r in selectors.tracking_rows(cycle)
    ]
    record(action=Action.EXPORT, actor=request.user, obj=cycle, detail={"format": "xlsx"})
    levels = [f"{level['value']} {level['label']}" for level in heat.scale]
    return xlsx_response(
        f"self-assessment-{cycle.pk}.xlsx",
        [
            ("Section scores", header, scores),
            ("Questions", ["Question", "Text", "Answers", "Median", *levels], questions),
            ("Returns", ["Partnership", "Status", "Submitted"], tracking),
        ],
    )
