"""Pages for panels, partnerships, agencies and the London authorities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from macehub.core import panel_links
from macehub.core.acting import acting_partnership_id
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once

from . import selectors, services
from .forms import (
    AgencyEditForm,
    AgencyForm,
    PanelCreateForm,
    PanelSettingsEditForm,
    PartnershipEditForm,
    PartnershipForm,
)
from .models import DEFAULT_POC_AGENCY_TYPES, DEFAULT_POC_ROLES
from .policies import policy


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_GET
def panel_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "view_panels")
    panels = list(selectors.panels_visible_to(request.user))
    acting_id = acting_partnership_id(request)
    panels.sort(key=lambda p: (p.partnership_id != acting_id, p.partnership.short_name, p.name))
    return render(
        request,
        "organisations/panel_list.html",
        {"panels": panels, "can_create": policy.can(request.user, "create_panel")},
    )


@require_GET
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.get_panel_for(request.user, pk)
    members = panel.memberships.filter(ended_at__isnull=True, user__is_active=True).select_related("user", "agency")
    return render(
        request,
        "organisations/panel_detail.html",
        {
            "panel": panel,
            "members": members.order_by("role", "user__full_name"),
            "can_edit": policy.can(request.user, "edit_panel_settings", panel),
            "panel_links": panel_links.links_for(request.user, panel),
        },
    )


@require_http_methods(["GET", "POST"])
def panel_settings(request: HttpRequest, pk: int) -> HttpResponse:
    panel = selectors.get_panel_for(request.user, pk)
    policy.require(request.user, "edit_panel_settings", panel)
    form = PanelSettingsEditForm(request.POST or None, panel=panel)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_update_settings(
                actor=request.user,
                panel=panel,
                expected_version=form.cleaned_data["version"],
                **form.settings_values(),
            )
        except ConcurrentEditError:
            current = selectors.get_panel_for(request.user, pk)
            form = rebind_after_conflict(
                PanelSettingsEditForm, request.POST, current_version=current.version, panel=current
            )
            return render(
                request,
                "organisations/panel_settings.html",
                {"panel": current, "form": form, "conflict": True},
                status=409,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Settings for {panel.name} saved.")
            return HttpResponseRedirect(reverse("organisations:panel_detail", args=[panel.pk]))
    return render(request, "organisations/panel_settings.html", {"panel": panel, "form": form})


@require_http_methods(["GET", "POST"])
@once
def panel_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "create_panel")
    partnerships = selectors.partnerships_administered_by(request.user)
    form = PanelCreateForm(
        request.POST or None,
        partnerships=partnerships,
        initial={
            "upper_age": 18,
            "cadence": "monthly",
            "quorum_agency_types": ["police", "childrens_social_care", "health"],
            "risk_scale": "low_medium_high",
            "poc_visible_roles": DEFAULT_POC_ROLES,
            "poc_visible_agency_types": DEFAULT_POC_AGENCY_TYPES,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            panel = services.panel_create(
                actor=request.user,
                partnership=form.cleaned_data["partnership"],
                **form.settings_values(),
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"{panel.name} created.")
            return HttpResponseRedirect(reverse("organisations:panel_detail", args=[panel.pk]))
    return render(request, "organisations/panel_create.html", {"form": form})


@require_GET
def partnership_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "view_partnerships")
    return render(
        request,
        "organisations/partnership_list.html",
        {
            "partnerships": selectors.partnerships_visible_to(request.user),
            "can_manage": policy.can(request.user, "manage_partnerships"),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def partnership_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_partnerships")
    form = PartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partnership = services.partnership_save(
            actor=request.user,
            partnership=None,
            authorities=list(data["authorities"]),
            name=data["name"],
            short_name=data["short_name"],
            is_active=data["is_active"],
        )
        messages.success(request, f"{partnership.short_name} partnership created.")
        return HttpResponseRedirect(reverse("organisations:partnership_list"))
    return render(request, "organisations/partnership_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = selectors.get_partnership_for(request.user, pk)
    policy.require(request.user, "manage_partnerships")
    form = PartnershipEditForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.partnership_save(
                actor=request.user,
                partnership=partnership,
                authorities=list(data["authorities"]),
                expected_version=data["version"],
                name=data["name"],
                short_name=data["short_name"],
                is_active=data["is_active"],
            )
        except ConcurrentEditError:
            current = selectors.get_partnership_for(request.user, pk)
            form = rebind_after_conflict(
                PartnershipEditForm, request.POST, current_version=current.version, instance=current
            )
            return render(
                request,
                "organisations/partnership_form.html",
                {"form": form, "partnership": current},
                status=409,
            )
        else:
            messages.success(request, f"{partnership.short_name} partnership saved.")
            return HttpResponseRedirect(reverse("organisations:partnership_list"))
    return render(request, "organisations/partnership_form.html", {"form": form, "partnership": partnership})


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_agencies")
    agencies = selectors.agencies_manageable_by(request.user).order_by("name")
    return render(request, "organisations/agency_list.html", {"agencies": agencies})


@require_http_methods(["GET", "POST"])
@once
def agency_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_agencies")
    partnerships = selectors.partnerships_administered_by(request.user)
    form = AgencyForm(request.POST or None, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = services.agency_save(
            actor=request.user,
            agency=None,
            partnerships=list(data["partnerships"]),
            name=data["name"],
            agency_type=data["agency_type"],
            is_active=data["is_active"],
        )
        messages.success(request, f"{agency.name} added.")
        return HttpResponseRedirect(reverse("organisations:agency_list"))
    return render(request, "organisations/agency_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.get_agency_for(request.user, pk)
    policy.require(request.user, "edit_agency", agency)
    partnerships = selectors.partnerships_administered_by(request.user)
    form = AgencyEditForm(request.POST or None, instance=agency, partnerships=partnerships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.agency_save(
                actor=request.user,
                agency=agency,
                partnerships=list(data["partnerships"]),
                expected_version=data["version"],
                name=data["name"],
                agency_type=data["agency_type"],
                is_active=data["is_active"],
            )
        except ConcurrentEditError:
            current = selectors.get_agency_for(request.user, pk)
            form = rebind_after_conflict(
                AgencyEditForm,
                request.POST,
                current_version=current.version,
                instance=current,
                partnerships=partnerships,
            )
            return render(
                request,
                "organisations/agency_form.html",
                {"form": form, "agency": current},
                status=409,
            )
        else:
            messages.success(request, f"{agency.name} saved.")
            return HttpResponseRedirect(reverse("organisations:agency_list"))
    return render(request, "organisations/agency_form.html", {"form": form, "agency": agency})


@require_GET
def authority_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "view_authorities")
    return render(request, "organisations/authority_list.html", {"authorities": selectors.authorities()})
