"""Single sign-on: system admins set up organisations' providers (see sso.py for the rules;
sso_login.py for the sign-in page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once

from . import services
from .forms import SignInProviderForm
from .models import SignInProvider
from .policies import policy
from .types import AuthenticatedHttpRequest


def _get_provider(pk: int) -> SignInProvider:
    provider = SignInProvider.objects.filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


@require_GET
def providers(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_sign_in_providers")
    return render(request, "accounts/sign_in_providers.html", {"providers": SignInProvider.objects.all()})


@require_http_methods(["GET", "POST"])
@once
def provider_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_sign_in_providers")
    form = SignInProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.sign_in_provider_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{created.name} is set up. Give its callback address to your identity team.")
            return HttpResponseRedirect(reverse("accounts:sign_in_provider", args=[created.pk]))
    return render(request, "accounts/sign_in_provider_form.html", {"form": form, "provider": None})


@require_http_methods(["GET", "POST"])
def provider_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_sign_in_providers")
    provider = _get_provider(pk)
    form = SignInProviderForm(request.POST or None, instance=provider)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_provider_update(
                actor=request.user,
                provider=provider,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ConcurrentEditError:
            provider = _get_provider(pk)
            form = SignInProviderForm(instance=provider)
            form.is_bound = False
            messages.error(
                request, "Someone else changed this provider while you were editing. Check it and try again."
            )
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Changes to {provider.name} saved.")
            return HttpResponseRedirect(reverse("accounts:sign_in_provider", args=[provider.pk]))
    callback = request.build_absolute_uri(reverse("openid_connect_callback", args=[provider.provider_id]))
    return render(
        request,
        "accounts/sign_in_provider_form.html",
        {"form": form, "provider": provider, "callback_url": callback},
        status=status,
    )
