"""Oversight dashboards: a partnership's agreed dataset, its sections, exports, the records behind a figure and the board report."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.exports import csv_response, xlsx_response
from macehub.core.pdf import pdf_response
from macehub.organisations.types import Partnership

from .. import display, selectors, services
from ..forms import resolve_period
from ..measures import LONDON_EXTRACT, SECTION_BY_KEY, SECTIONS, SPECS, specs_in
from ..periods import Period, last_complete_quarter, parse_period
from ..policies import partnerships as partnership_policy
from ..policies import policy
from ..population import SOURCE
from .common import EXPORT_FORMATS


def _mode(request: AuthenticatedHttpRequest) -> str:
    return display.PUBLISHED if request.GET.get("view") == display.PUBLISHED else display.ALL


def _dashboard_context(
    request: AuthenticatedHttpRequest, partnership: Partnership, period: Period, form: Any
) -> dict[str, Any]:
    mode = _mode(request)
    query = {"period": period.key}
    return {
        "partnership": partnership,
        "period": period,
        "period_form": form,
        "mode": mode,
        "sections": SECTIONS,
        "query": urlencode(query),
        "published_query": urlencode({**query, "view": display.PUBLISHED}),
        "export_query": urlencode({**query, "view": display.PUBLISHED})
        if mode == display.PUBLISHED
        else urlencode(query),
        "can_drill": selectors.may_drill(request.user, partnership),
        "can_prepare": policy.can(request.user, "prepare_release", partnership),
        "can_see_releases": partnership_policy.can(request.user, "view_releases", partnership),
    }


def _display_tables(
    request: AuthenticatedHttpRequest, partnership: Partnership, period: Period, keys: list[str]
) -> list[display.DisplayTable]:
    """The tables with the previous period and the London median beside them (a fixed number of queries)."""
    mode = _mode(request)
    scope = selectors.scope_for(partnership)
    from ..measures import compute_tables

    tables = compute_tables(scope, period, keys)
    comparable = [k for k in keys if len(tables[k].columns) == 1 or k == "risk_trajectory"]
    comparable = [k for k in comparable if k != "children_trend"]
    previous = compute_tables(scope, period.previous(), comparable)
    london = selectors.london_medians(period, [k for k in comparable if k in LONDON_EXTRACT])
    may_drill = selectors.may_drill(request.user, partnership)
    published, before = _published(partnership, period, mode, keys)
    result = []
    for key in keys:
        base = display.drill_url(partnership.pk, key, period) if may_drill and SPECS[key].drill else ""
        if base and mode == display.PUBLISHED:
            base += f"&view={display.PUBLISHED}"
        result.append(
            display.build(
                tables[key], mode=mode, published=published.get(key), previous=previous.get(key),
                previous_published=before.get(key), london=london, drill_base=base,
            )
        )  # fmt: skip
    return result


def _published(
    partnership: Partnership, period: Period, mode: str, keys: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """This period's and the previous period's tables as published (only in the published view)."""
    if mode != display.PUBLISHED:
        return {}, {}
    now = services.published_tables(partnership, period, keys)
    return now, services.published_tables(partnership, period.previous(), keys)


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_oversight")
    partnerships = list(selectors.dashboard_partnerships(request.user))
    if len(partnerships) == 1 and not policy.can(request.user, "view_london"):
        return redirect("oversight:dashboard", partnerships[0].pk)
    return render(
        request,
        "oversight/index.html",
        {
            "partnerships": partnerships,
            "release_partnerships": list(selectors.release_partnerships(request.user)),
            "sees_london": policy.can(request.user, "view_london"),
            "sees_published": policy.can(request.user, "view_published_london"),
            "manages_tokens": policy.can(request.user, "manage_tokens"),
            "published": list(selectors.published_visible_to(request.user)[:8]),
        },
    )


@require_GET
def dashboard(request: AuthenticatedHttpRequest, partnership_pk: int) -> HttpResponse:
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    form, period = resolve_period(request.GET)
    context = _dashboard_context(request, partnership, period, form)
    context["tables"] = _display_tables(request, partnership, period, ["children_summary", "children_trend"])
    context["current_section"] = None
    return render(request, "oversight/dashboard.html", context)


@require_GET
def section(request: AuthenticatedHttpRequest, partnership_pk: int, section: str) -> HttpResponse:
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    if section not in SECTION_BY_KEY:
        raise Http404
    form, period = resolve_period(request.GET)
    context = _dashboard_context(request, partnership, period, form)
    keys = [s.key for s in specs_in(section) if s.key != "children_trend"]
    context["tables"] = _display_tables(request, partnership, period, keys)
    context["current_section"] = SECTION_BY_KEY[section]
    return render(request, "oversight/dashboard.html", context)


def _table_or_404(key: str) -> Any:
    if key not in SPECS:
        raise Http404
    return SPECS[key]


@require_GET
def table_export(request: AuthenticatedHttpRequest, partnership_pk: int, key: str, fmt: str) -> HttpResponseBase:
    """One table (or, with key ``all``, every table) as CSV or XLSX: formula-safe and audited."""
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    if fmt not in EXPORT_FORMATS or (key != "all" and key not in SPECS) or (key == "all" and fmt != "xlsx"):
        raise Http404
    _, period = resolve_period(request.GET)
    keys = list(SPECS) if key == "all" else [key]
    tables = _display_tables(request, partnership, period, keys)
    mode = _mode(request)
    services.record_export(
        actor=request.user,
        what="dashboard table" if key != "all" else "dashboard tables",
        partnership_id=partnership.pk,
        detail={"tables": keys, "period": period.label, "format": fmt, "disclosure_control": mode == display.PUBLISHED},
    )
    name = f"{partnership.short_name.lower().replace(' ', '-')}-{key}-{period.key}"
    if fmt == "csv":
        _title, header, rows = tables[0].as_sheet()
        return csv_response(f"{name}.csv", header, rows)
    sheets: list[tuple[str, list[str], Any]] = [_about_sheet(partnership, period, mode, keys)]
    sheets += display.sheets(tables)
    return xlsx_response(f"{name}.xlsx", sheets)


def _about_sheet(
    partnership: Partnership, period: Period, mode: str, keys: list[str]
) -> tuple[str, list[str], list[list[str]]]:
    rows = [
        ["Partnership", partnership.name],
        ["Period", period.long_label],
        ["From", period.start.isoformat()],
        ["To", period.end.isoformat()],
        [
            "Disclosure control",
            "applied: counts from 1 to 4 shown as c, with audited secondary suppression (docs/disclosure-control.md)"
            if mode == display.PUBLISHED
            else "not applied: for use inside the partnership only",
        ],
        ["Produced", timezone.localtime().strftime("%d %B %Y %H:%M")],
    ]
    rows += [[SPECS[k].title, SPECS[k].definition] for k in keys]
    return "About", ["", ""], rows


@require_GET
def drill(request: AuthenticatedHttpRequest, partnership_pk: int, key: str) -> HttpResponse:
    """The records behind one figure — only for people who may open those records anyway."""
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    spec = _table_or_404(key)
    if not selectors.may_drill(request.user, partnership):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("drill")
    period = parse_period(request.GET.get("period")) or last_complete_quarter()
    row, col = request.GET.get("row", ""), request.GET.get("col", "")
    result = selectors.drill(request.user, partnership, period, key, row, col)
    if result is None:
        raise Http404
    row_label = next((label for k, label in _row_labels(key) if k == row), row)
    return render(
        request,
        "oversight/drill.html",
        {
            "partnership": partnership,
            "spec": spec,
            "period": period,
            "row_label": row_label,
            "result": result,
            "rows": [_record_row(spec.drill_kind, r) for r in result.records],
            "back": f"{reverse('oversight:section', args=[partnership.pk, spec.section])}?{urlencode({'period': period.key})}#{key}",
        },
    )


def _record_row(kind: str, r: Any) -> dict[str, str]:
    """How a record behind a figure is listed: by its reference, never a person's name."""
    if kind == "subject":
        return {
            "href": reverse(f"subjects:{r.kind}_detail", args=[r.pk]),
            "label": r.safe_label,
            "detail": f"{r.kind_label}, {r.get_status_display().lower()}",
            "panel": r.panel.name,
        }
    if kind == "referral":
        return {
            "href": reverse("referrals:detail", args=[r.pk]),
            "label": r.reference,
            "detail": f"{r.short_type}, {r.get_status_display().lower()}",
            "panel": r.panel.name,
        }
    if kind == "episode":
        return {
            "href": reverse("casework:missing_detail", args=[r.pk]),
            "label": f"Missing episode of {r.child.reference}",
            "detail": f"from {timezone.localtime(r.started_at):%-d %b %Y}",
            "panel": r.child.panel.name,
        }
    if kind == "nrm":
        return {
            "href": reverse("casework:nrm_detail", args=[r.pk]),
            "label": f"NRM referral of {r.child.reference}",
            "detail": f"referred {r.referred_on:%-d %b %Y}",
            "panel": r.child.panel.name,
        }
    if kind == "disruption":
        return {
            "href": reverse("casework:disruption_detail", args=[r.pk]),
            "label": r.tactic_label,
            "detail": f"against {r.target.safe_label}, {r.done_on:%-d %b %Y}",
            "panel": r.target.panel.name,
        }
    return {
        "href": reverse("meetings:action_detail", args=[r.pk]),
        "label": r.reference,
        "detail": f"{r.owner_agency.name}, due {r.due_date:%-d %b %Y}, {r.get_status_display().lower()}",
        "panel": r.panel.name,
    }


def _row_labels(key: str) -> list[tuple[str, str]]:
    from .. import measures

    lines: dict[str, Any] = {
        "children_summary": measures.CHILDREN_ROWS,
        "children_age": measures.AGE_LINES,
        "children_sex": measures.SEX_LINES,
        "children_ethnicity": measures.ETHNIC_GROUP_LINES,
        "disproportionality": measures.ETHNIC_GROUP_LINES,
        "children_send": measures.SEND_LINES,
        "children_looked_after": measures.LOOKED_AFTER_LINES,
        "risk_trajectory": measures.RISK_LINES,
        "contexts_open": measures.CONTEXT_LINES,
        "referrals": measures.ROUTE_LINES,
        "referral_to_panel": measures.TIMELINESS_LINES,
        "missing": measures.MISSING_LINES,
        "nrm": measures.NRM_LINES,
        "disruptions": measures.CATEGORY_LINES,
        "disruption_tactics": measures.TACTIC_LINES,
        "actions": measures.ACTION_LINES,
        "carried_reasons": measures.CARRY_LINES,
    }
    if key == "children_harm":
        return [(line.key, line.label) for line in measures._harm_lines()]
    return [(line.key, line.label) for line in lines.get(key, [])]


@require_GET
def report_pdf(request: AuthenticatedHttpRequest, partnership_pk: int) -> HttpResponse:
    """The quarterly report for the partnership board: every table, with disclosure control."""
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    period = parse_period(request.GET.get("period")) or last_complete_quarter()
    keys = [k for k in SPECS if k != "children_trend"]
    scope = selectors.scope_for(partnership)
    from ..measures import compute_tables

    tables = compute_tables(scope, period, keys)
    previous = compute_tables(scope, period.previous(), [k for k in keys if len(tables[k].columns) == 1])
    london = selectors.london_medians(period, [k for k in keys if k in LONDON_EXTRACT])
    published, before = _published(partnership, period, display.PUBLISHED, keys)
    shown = [
        display.build(
            tables[k], mode=display.PUBLISHED, published=published.get(k), previous=previous.get(k),
            previous_published=before.get(k), london=london,
        )
        for k in keys
    ]  # fmt: skip
    services.record_export(
        actor=request.user,
        what="quarterly report",
        partnership_id=partnership.pk,
        detail={"period": period.label, "format": "pdf"},
    )
    return pdf_response(
        "oversight/pdf/quarterly_report.html",
        {
            "title": f"{partnership.short_name} exploitation dataset, {period.label}",
            "partnership": partnership,
            "period": period,
            "sections": [(s, [t for t in shown if t.section == s.key]) for s in SECTIONS],
            "marking": "OFFICIAL",
            "generated_at": timezone.now(),
            "population": SOURCE,
        },
        filename=f"{partnership.short_name.lower().replace(' ', '-')}-report-{period.key}.pdf",
    )


@require_GET
def measures_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every table and what it counts: so anyone can explain every number."""
    return render(
        request,
        "oversight/measures.html",
        {
            "sections": [(s, specs_in(s.key)) for s in SECTIONS],
            "extract": [SPECS[k] for k in LONDON_EXTRACT],
            "population": SOURCE,
        },
    )
