"""Releases to London: preparing the quarter's standard extract, signing it off, withdrawing and exporting it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.exports import csv_response, xlsx_response
from macehub.core.services import ConcurrentEditError

from .. import display, selectors, services
from ..forms import (
    PrepareReleaseForm,
    PreviewReleaseForm,
    SignOffForm,
    WithdrawForm,
)
from ..measures import LONDON_EXTRACT
from ..models import ReleaseStatus
from ..periods import quarter_of
from ..policies import partnerships as partnership_policy
from ..policies import policy
from ..policies import releases as release_policy
from ..protection import preview
from .common import EXPORT_FORMATS


@require_GET
def releases(request: AuthenticatedHttpRequest, partnership_pk: int) -> HttpResponse:
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
def release_prepare(request: AuthenticatedHttpRequest, partnership_pk: int) -> HttpResponse:
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
def release_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def release_sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def release_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def release_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
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
