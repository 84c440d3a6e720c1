"""Account, access requests, approvals, people and acting-for pages."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.core.acting import acting_context, set_acting
from macehub.core.selectors import get_visible_or_404
from macehub.core.submissions import once

from . import selectors, services
from .forms import (
    AccessRequestForm,
    ActingForm,
    DecideRequestForm,
    DecisionForm,
    DeclineRequestForm,
    PeopleFilterForm,
    ReasonForm,
)
from .middleware import SECURITY_KEY_AT, seconds_left, signed_out_response
from .models import AccessRequest
from .policies import policy
from .services import notify_approvers
from .types import AuthenticatedHttpRequest


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_GET
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone must set up a second factor before they see any data."""
    if request.session.get("macehub_mfa_at"):
        return HttpResponseRedirect(reverse("home"))
    return render(request, "accounts/mfa_setup.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> HttpResponse:
    """For the timeout warning and autosave (scripts only): GET reports the seconds left and
    does not count as activity; POST ("Stay signed in") is activity, so it renews the session.
    Both give a fresh CSRF token (signing in again rotates it). 401 when signed out."""
    from django.middleware.csrf import get_token

    if not request.user.is_authenticated:
        return signed_out_response("signed_out")
    left = seconds_left(request)
    if left <= 0:
        # Past the limit: the next other request signs the session out (keeping a posted form).
        return signed_out_response("idle")
    response = JsonResponse({"signed_in": True, "seconds_left": left, "csrf_token": get_token(request)})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def security_key(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Why someone with an admin role is asked for a passkey or security key, and how to use one."""
    if request.session.get(SECURITY_KEY_AT):
        return HttpResponseRedirect(reverse("home"))
    return render(request, "accounts/security_key.html", {"has_key": selectors.has_security_key(request.user)})


@require_GET
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": selectors.memberships_for(request.user),
            "requests": selectors.own_access_requests(request.user)[:20],
        },
    )


@require_http_methods(["GET", "POST"])
@once
def access_request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.access_request_create(user=request.user, **form.access_fields())
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            notify_approvers(created)
            messages.success(request, "Your request has been sent to the borough admin.")
            return HttpResponseRedirect(reverse("accounts:account"))
    return render(request, "accounts/access_request_form.html", {"form": form})


@require_POST
def access_request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    own = get_visible_or_404(selectors.own_access_requests(request.user), pk, user=request.user)
    policy.require(request.user, "withdraw_request", own)
    services.access_request_withdraw(actor=request.user, request=own)
    messages.success(request, "Your request has been withdrawn.")
    return HttpResponseRedirect(reverse("accounts:account"))


@require_GET
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_approvals")
    visible = selectors.access_requests_visible_to(request.user)
    pending = visible.filter(status=AccessRequest.Status.PENDING).order_by("created_at")
    return render(
        request,
        "accounts/approvals.html",
        {
            "pending": pending,
            # Approving them would fail: the page says so instead of offering a dead end.
            "unconfirmed": set(pending.exclude(user__emailaddress__verified=True).values_list("pk", flat=True)),
            "decided": visible.exclude(status=AccessRequest.Status.PENDING).order_by("-decided_at", "-updated_at")[:25],
        },
    )


@require_http_methods(["GET", "POST"])
def approval_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access_request = selectors.get_access_request_for(request.user, pk)
    policy.require(request.user, "decide_request", access_request)
    approve_form = DecideRequestForm(initial={"version": access_request.version})
    decline_form = DeclineRequestForm(initial={"version": access_request.version})
    choice = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        decision = choice.cleaned_data["decision"] if choice.is_valid() else ""
        try:
            if decision == "approve":
                approve_form = DecideRequestForm(request.POST)
                if approve_form.is_valid():
                    services.access_request_approve(
                        actor=request.user,
                        request=access_request,
                        expected_version=approve_form.cleaned_data["version"],
                    )
                    messages.success(
                        request,
                        f"{access_request.user.full_name} now has access as {access_request.get_role_display().lower()}.",
                    )
                    return HttpResponseRedirect(reverse("accounts:approvals"))
            elif decision == "decline":
                decline_form = DeclineRequestForm(request.POST)
                if decline_form.is_valid():
                    services.access_request_decline(
                        actor=request.user,
                        request=access_request,
                        expected_version=decline_form.cleaned_data["version"],
                        reason=decline_form.cleaned_data["decision_reason"],
                    )
                    messages.success(
                        request,
                        f"Request from {access_request.user.full_name} declined. They have been told why.",
                    )
                    return HttpResponseRedirect(reverse("accounts:approvals"))
        except ValidationError as exc:
            _errors_to_form(decline_form if decision == "decline" else approve_form, exc)
    person = access_request.user
    return render(
        request,
        "accounts/approval_detail.html",
        {
            "access_request": access_request,
            "person": person,
            "email_verified": EmailAddress.objects.filter(user=person, verified=True).exists(),
            "choice_form": choice if choice.is_bound else None,
            "existing": selectors.memberships_visible_to(request.user, person).filter(ended_at__isnull=True),
            "approve_form": approve_form,
            "decline_form": decline_form,
        },
    )


@require_GET
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_people")
    form = PeopleFilterForm(request.GET or None)
    qs = selectors.people_visible_to(request.user)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
        status = form.cleaned_data["status"]
        if status == "active":
            qs = qs.filter(is_active=True)
        elif status == "deactivated":
            qs = qs.filter(is_active=False)
        elif status == "pending":
            qs = qs.filter(access_requests__status=AccessRequest.Status.PENDING).distinct()
    visible_memberships = selectors.memberships_in_scope(request.user).filter(ended_at__isnull=True)
    qs = qs.prefetch_related(Prefetch("memberships", queryset=visible_memberships, to_attr="visible_memberships"))
    page = Paginator(qs.order_by("full_name", "email"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people.html",
        {"form": form, "page": page, "can_manage_sign_in": policy.can(request.user, "manage_sign_in_providers")},
    )


@require_GET
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.user, pk)
    memberships = selectors.memberships_visible_to(request.user, person)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "active_memberships": [m for m in memberships if m.ended_at is None],
            "past_memberships": [m for m in memberships if m.ended_at is not None],
            "can_deactivate": policy.can(request.user, "deactivate_person", person),
            "sees_every_partnership": policy.can(request.user, "view_every_partnership"),
            "deactivate_form": ReasonForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def membership_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for(request.user, pk)
    policy.require(request.user, "end_membership", membership)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(actor=request.user, membership=membership, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request,
                f"{membership.user.full_name} no longer has access as {membership.get_role_display().lower()}.",
            )
            return HttpResponseRedirect(reverse("accounts:person_detail", args=[membership.user_id]))
    return render(request, "accounts/membership_end.html", {"membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
def person_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person_for(request.user, pk)
    policy.require(request.user, "deactivate_person", person)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if person.is_active and form.is_valid():
            services.user_deactivate(actor=request.user, person=person, reason=form.cleaned_data["reason"])
            messages.success(
                request,
                f"{person.full_name}'s account is deactivated and all their sessions have ended.",
            )
            return HttpResponseRedirect(reverse("accounts:person_detail", args=[person.pk]))
        if not person.is_active and request.POST.get("reactivate") == "yes":
            services.user_reactivate(actor=request.user, person=person)
            messages.success(request, f"{person.full_name}'s account is active again.")
            return HttpResponseRedirect(reverse("accounts:person_detail", args=[person.pk]))
    return render(request, "accounts/person_deactivate.html", {"person": person, "form": form})


@require_http_methods(["GET", "POST"])
def acting(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = acting_context(request)
    form = ActingForm(
        request.POST or None,
        choices=current.choices,
        initial={"partnership": current.partnership_id},
    )
    if request.method == "POST" and form.is_valid() and set_acting(request, form.cleaned_data["partnership"]):
        return HttpResponseRedirect(reverse("home"))
    return render(request, "accounts/acting.html", {"form": form})
