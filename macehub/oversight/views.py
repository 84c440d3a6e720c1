"""Oversight pages: dashboards, exports, the board report, releases, the London layer, tokens."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.core.exports import csv_response, xlsx_response
from macehub.core.pdf import pdf_response
from macehub.core.services import ConcurrentEditError
from macehub.organisations.models import Partnership

from . import display, selectors, services
from .forms import (
    IssueTokenForm,
    PrepareReleaseForm,
    PreviewReleaseForm,
    PublishLondonForm,
    SignOffForm,
    WithdrawForm,
    resolve_period,
)
from .measures import LONDON_EXTRACT, SECTION_BY_KEY, SECTIONS, SPECS, specs_in
from .models import ReleaseStatus, TokenScope
from .periods import Period, last_complete_quarter, parse_period, quarter_of, recent_quarters
from .policies import london_datasets, policy
from .policies import partnerships as partnership_policy
from .policies import releases as release_policy
from .population import SOURCE
from .protection import preview

EXPORT_FORMATS = ("csv", "xlsx")


def _mode(request: HttpRequest) -> str:
    return display.PUBLISHED if request.GET.get("view") == display.PUBLISHED else display.ALL


def _dashboard_context(request: HttpRequest, partnership: Partnership, period: Period, form: Any) -> dict[str, Any]:
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
    request: HttpRequest, partnership: Partnership, period: Period, keys: list[str]
) -> list[display.DisplayTable]:
    """The tables with the previous period and the London median beside them (a fixed number of queries)."""
    mode = _mode(request)
    scope = selectors.scope_for(partnership)
    from .measures import compute_tables

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
def index(request: HttpRequest) -> HttpResponse:
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
def dashboard(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    form, period = resolve_period(request.GET)
    context = _dashboard_context(request, partnership, period, form)
    context["tables"] = _display_tables(request, partnership, period, ["children_summary", "children_trend"])
    context["current_section"] = None
    return render(request, "oversight/dashboard.html", context)


@require_GET
def section(request: HttpRequest, partnership_pk: int, section: str) -> HttpResponse:
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
def table_export(request: HttpRequest, partnership_pk: int, key: str, fmt: str) -> HttpResponseBase:
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
def drill(request: HttpRequest, partnership_pk: int, key: str) -> HttpResponse:
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
    from . import measures

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
def report_pdf(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """The quarterly report for the partnership board: every table, with disclosure control."""
    policy.require(request.user, "view_dashboards")
    partnership = selectors.get_dashboard_partnership(request.user, partnership_pk)
    period = parse_period(request.GET.get("period")) or last_complete_quarter()
    keys = [k for k in SPECS if k != "children_trend"]
    scope = selectors.scope_for(partnership)
    from .measures import compute_tables

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
def measures_page(request: HttpRequest) -> HttpResponse:
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


# --- Releases ------------------------------------------------------------------------------------


@require_GET
def releases(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    policy.require(request.user, "view_releases")
    partnership = selectors.get_release_partnership(request.user, partnership_pk)
    rows = (
        selectors.releases_visible_to(request.user).filter(partnership=partnership).order_by("-period_start", "-number")
    )
    return render(
        request,
        "oversight/releases.html",
        {
            "partnership": partnership,
            "releases": rows,
            "can_prepare": policy.can(request.user, "prepare_release", partnership),
        },
    )


@require_http_methods(["GET", "POST"])
def release_prepare(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    """Kwame previews the quarter's standard London extract — which small counts will be hidden —
    and prepares the release for the strategic lead."""
    partnership = selectors.get_release_partnership(request.user, partnership_pk)
    policy.require(request.user, "prepare_release", partnership)
    preview_form = PreviewReleaseForm(request.GET or None)
    initial_period, preview_threshold = preview_form.chosen()
    form = PrepareReleaseForm(
        request.POST or None, initial={"period": initial_period.key, "threshold": preview_threshold}
    )
    if request.method == "POST" and form.is_valid():
        try:
            release = services.prepare_release(
                actor=request.user,
                partnership=partnership,
                period=form.chosen(),
                threshold=form.cleaned_data["threshold"],
                correction_reason=form.cleaned_data["correction_reason"],
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"The {release.label} release is ready for the strategic lead to sign off.")
            return redirect("oversight:release_detail", release.pk)
    period = form.chosen() if form.is_bound and form.is_valid() else initial_period
    threshold = form.cleaned_data["threshold"] if form.is_bound and form.is_valid() else preview_threshold
    tables = selectors.tables_for(partnership, period, LONDON_EXTRACT)
    published = services.publish_extract(partnership, period, threshold=threshold)
    previews = [preview(tables[k], published) for k in LONDON_EXTRACT]
    existing = selectors.releases_visible_to(request.user).filter(partnership=partnership, period_start=period.start)
    return render(
        request,
        "oversight/release_prepare.html",
        {
            "partnership": partnership,
            "form": form,
            "period": period,
            "threshold": threshold,
            "previews": previews,
            "preview_form": preview_form,
            "hidden": sum(p.hidden for p in previews),
            "existing": list(existing.order_by("-number")),
        },
    )


@require_GET
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.get_release_for(request.user, pk)
    tables = [display.from_released(k, release.tables[k]) for k in LONDON_EXTRACT if k in release.tables]
    later = (
        selectors.releases_visible_to(request.user)
        .filter(partnership=release.partnership, period_start=release.period_start, number__gt=release.number)
        .order_by("number")
        .first()
    )
    return render(
        request,
        "oversight/release_detail.html",
        {
            "release": release,
            "tables": tables,
            "can_sign_off": release.status == ReleaseStatus.DRAFT
            and policy.can(request.user, "sign_off_release", release),
            "prepared_it": release.status == ReleaseStatus.DRAFT
            and release.prepared_by_id == request.user.pk
            and partnership_policy.can(request.user, "sign_off_releases", release.partnership),
            "can_prepare": policy.can(request.user, "prepare_release", release.partnership),
            "can_withdraw": release_policy.can(request.user, "withdraw", release),
            "withdraw_form": WithdrawForm(),
            "check": _audit_or_none(release),
            "later": later,
        },
    )


def _audit_or_none(release: Any) -> Any:
    """The intruder audit of a release's strings, for the page (None if they contradict themselves)."""
    from macehub.core.disclosure import InconsistentPublication

    try:
        return services.audit_stored_release(release)
    except InconsistentPublication:
        return None


@require_http_methods(["GET", "POST"])
def release_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.get_release_for(request.user, pk)
    policy.require(request.user, "sign_off_release", release)
    if release.status != ReleaseStatus.DRAFT:
        messages.info(request, "This release has already been signed off.")
        return redirect("oversight:release_detail", release.pk)
    form = SignOffForm(request.POST or None, initial={"version": release.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_off_release(
                actor=request.user, release=release, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError:
            form.add_error(
                None, "The analyst prepared the release again while you were reading it. Check the figures below."
            )
            release.refresh_from_db()
            form = SignOffForm(initial={"version": release.version})
            status = 409
        except services.DisclosureRiskError as risk:
            form.add_error(
                None,
                f"This release cannot be signed off: {len(risk.result.findings)} hidden figure"
                f"{'s' if len(risk.result.findings) != 1 else ''} can be worked out from the others. "
                "Ask the analyst to prepare it again.",
            )
            for finding in risk.result.findings[:10]:
                form.add_error(None, finding.explanation)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, f"You signed off the {release.label} release. It is now available to the London team."
            )
            return redirect("oversight:release_detail", release.pk)
    tables = [display.from_released(k, release.tables[k]) for k in LONDON_EXTRACT if k in release.tables]
    return render(
        request, "oversight/release_sign_off.html", {"release": release, "form": form, "tables": tables}, status=status
    )


@require_POST
def release_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The London team withdraws a signed-off release that gives figures away."""
    policy.require(request.user, "withdraw")
    release = selectors.get_release_for(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.withdraw_release(actor=request.user, release=release, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"You withdrew {release}. The partnership can re-issue it as a correction.")
    else:
        messages.error(request, "Enter why the release is being withdrawn.")
    return redirect("oversight:release_detail", release.pk)


@require_GET
def release_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    release = selectors.get_release_for(request.user, pk)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    tables = [display.from_released(k, release.tables[k]) for k in LONDON_EXTRACT if k in release.tables]
    services.record_export(
        actor=request.user, what="release", obj=release, detail={"format": fmt, "status": release.status}
    )
    name = f"release-{release.partnership.short_name.lower().replace(' ', '-')}-{quarter_of(release.period_start).key}-v{release.number}"
    if fmt == "csv":
        rows = [
            [t.title, row.label, header, cell.text]
            for t in tables
            for row in t.rows
            for header, cell in zip(t.columns, row.cells, strict=False)
        ]
        return csv_response(f"{name}.csv", ["Table", "Row", "Column", "Value"], rows)
    about = (
        "About",
        ["", ""],
        [
            ["Partnership", release.partnership.name],
            ["Quarter", release.label],
            ["Status", release.get_status_display()],
            ["Method", str(release.method.get("method", ""))],
            ["Threshold", str(release.threshold)],
        ],
    )
    return xlsx_response(f"{name}.xlsx", [about, *display.sheets(tables)])


# --- The London layer ------------------------------------------------------------------------------


def _london_period(request: HttpRequest) -> Period:
    period = parse_period(request.GET.get("period"))
    if period is None or period.kind != "quarter":
        quarters = selectors.released_quarters()
        period = quarters[0] if quarters else last_complete_quarter()
    return period


@require_GET
def london(request: HttpRequest) -> HttpResponse:
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
    waiting = Partnership.objects.filter(is_active=True).exclude(pk__in=released_ids).order_by("short_name")
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
def london_publish(request: HttpRequest) -> HttpResponse:
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
def london_published(request: HttpRequest, pk: int) -> HttpResponse:
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
def london_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
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
def london_published_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
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


# --- API tokens ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_tokens")
    partnerships = list(selectors.token_partnerships(request.user))
    london_ok = policy.can(request.user, "issue_london_token")
    form = IssueTokenForm(request.POST or None, partnerships=partnerships, london=london_ok)
    secret = None
    issued = None
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        partnership = None
        if scope.startswith("partnership:"):
            partnership = next(p for p in partnerships if str(p.pk) == scope.split(":", 1)[1])
            scope = TokenScope.PARTNERSHIP
        expires = timezone.make_aware(datetime.combine(form.cleaned_data["expires_on"], time(23, 59)))
        try:
            issued, secret = services.issue_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=scope,
                partnership=partnership,
                expires_at=expires,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form = IssueTokenForm(partnerships=partnerships, london=london_ok)
    return render(
        request,
        "oversight/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_visible_to(request.user),
            "secret": secret,
            "issued": issued,
            "now": timezone.now(),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_tokens")
    token = selectors.get_token_for(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, f"The token ‘{token.name}’ was revoked. It no longer works.")
    return redirect("oversight:tokens")
