"""The London layer: the pan-London dataset assembled from signed-off releases, publishing and withdrawing it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.exports import csv_response, xlsx_response
from macehub.organisations.selectors import active_partnerships

from .. import display, selectors, services
from ..forms import (
    PublishLondonForm,
    WithdrawForm,
)
from ..measures import LONDON_EXTRACT, SPECS
from ..periods import Period, last_complete_quarter, parse_period, quarter_of, recent_quarters
from ..policies import london_datasets, policy
from .common import EXPORT_FORMATS


def _london_period(request: AuthenticatedHttpRequest) -> Period:
    period = parse_period(request.GET.get("period"))
    if period is None or period.kind != "quarter":
        quarters = selectors.released_quarters()
        period = quarters[0] if quarters else last_complete_quarter()
    return period


@require_GET
def london(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The London team's view: which partnerships have released the quarter, borough comparisons,
    London totals and trends — from signed-off, disclosure-controlled releases only."""
    policy.require(request.user, "view_london")
    period = _london_period(request)
    key = request.GET.get("table", "children_summary")
    if key not in LONDON_EXTRACT:
        key = "children_summary"
    releases = selectors.current_releases(period)
    assembled = selectors.london_assembly(period, key)
    quarters = [q for q in reversed(recent_quarters(9)) if q.is_complete()]
    trend = selectors.london_trend("children_summary", "discussed", "children", quarters)
    released_ids = {r.partnership_id for r in releases}
    waiting = active_partnerships().exclude(pk__in=released_ids)
    trend_chart = {
        "type": "line",
        "labels": [t["period"].label for t in trend],
        "series": [
            {
                "label": "Children discussed (published figures)",
                "data": [t["total"] if t["released"] else None for t in trend],
            }
        ],
    }
    return render(
        request,
        "oversight/london.html",
        {
            "period": period,
            "quarters": list(recent_quarters(9)),
            "key": key,
            "extract": [SPECS[k] for k in LONDON_EXTRACT],
            "releases": releases,
            "waiting": list(waiting),
            "table": display.from_assembled(assembled) if assembled is not None else None,
            "trend": trend,
            "trend_chart": trend_chart,
            "can_publish": policy.can(request.user, "publish_london"),
            "published": list(selectors.published_datasets().filter(period_start=period.start)),
            "publish_form": PublishLondonForm(),
            "has_demo": any(r.is_demo for r in releases),
        },
    )


@require_POST
def london_publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "publish_london")
    period = _london_period(request)
    form = PublishLondonForm(request.POST)
    if not form.is_valid():
        return redirect(f"{reverse('oversight:london')}?{urlencode({'period': period.key})}")
    try:
        dataset = services.publish_london_dataset(actor=request.user, period=period, note=form.cleaned_data["note"])
    except services.DisclosureRiskError as risk:
        found = risk.result.findings
        shown = " ".join(f.explanation for f in found[:5])
        more = f" And {len(found) - 5} more." if len(found) > 5 else ""
        messages.error(
            request,
            f"The London dataset was not published: {len(found)} hidden figure{'s' if len(found) != 1 else ''} "
            f"can be worked out from the releases in it. {shown}{more} Withdraw the releases concerned and ask "
            "the partnerships to re-issue them.",
        )
        return redirect(f"{reverse('oversight:london')}?{urlencode({'period': period.key})}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{reverse('oversight:london')}?{urlencode({'period': period.key})}")
    messages.success(request, f"You published the London dataset for {dataset.label}.")
    return redirect("oversight:london_published", dataset.pk)


@require_GET
def london_published(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_published_london")
    dataset = selectors.get_published_for(request.user, pk)
    key = request.GET.get("table", "")
    tables = [display.from_assembled(dataset.tables[k]) for k in LONDON_EXTRACT if k in dataset.tables]
    if key:
        tables = [t for t in tables if t.key == key] or tables
    return render(
        request,
        "oversight/london_published.html",
        {
            "dataset": dataset,
            "tables": tables,
            "extract": [SPECS[k] for k in LONDON_EXTRACT if k in dataset.tables],
            "key": key,
            "has_demo": any(s.get("demo") for s in dataset.sources),
            "can_withdraw": london_datasets.can(request.user, "withdraw", dataset),
            "withdraw_form": WithdrawForm(),
        },
    )


@require_POST
def london_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The London team withdraws a published London dataset; publishing again re-issues it."""
    policy.require(request.user, "withdraw")
    dataset = selectors.get_published_for(request.user, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter why the dataset is being withdrawn.")
        return redirect("oversight:london_published", dataset.pk)
    services.withdraw_london_dataset(actor=request.user, dataset=dataset, reason=form.cleaned_data["reason"])
    messages.success(request, f"You withdrew {dataset}. Publish the quarter again to re-issue it.")
    return redirect(f"{reverse('oversight:london')}?{urlencode({'period': quarter_of(dataset.period_start).key})}")


@require_GET
def london_published_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    policy.require(request.user, "view_published_london")
    dataset = selectors.get_published_for(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    tables = [display.from_assembled(dataset.tables[k]) for k in LONDON_EXTRACT if k in dataset.tables]
    services.record_export(actor=request.user, what="London dataset", obj=dataset, detail={"format": fmt})
    name = f"london-exploitation-dataset-{quarter_of(dataset.period_start).key}-v{dataset.number}"
    if fmt == "csv":
        rows = [
            [t.title, row.label, header, cell.text]
            for t in tables
            for row in t.rows
            for header, cell in zip(t.columns, row.cells, strict=False)
        ]
        return csv_response(f"{name}.csv", ["Table", "Partnership", "Figure", "Value"], rows)
    about = (
        "About",
        ["", ""],
        [
            ["Dataset", str(dataset)],
            ["Quarter", dataset.label],
            ["Published", timezone.localtime(dataset.published_at).strftime("%d %B %Y %H:%M")],
            ["Method", str(dataset.method.get("london_totals", ""))],
        ],
    )
    return xlsx_response(f"{name}.xlsx", [about, *display.sheets(tables)])
