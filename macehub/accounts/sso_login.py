"""The sign-in page: an address whose domain has its own provider is sent there."""

from __future__ import annotations

from typing import Any

# allauth's forms module imports our registration form while it loads, so ours loads first.
from . import forms  # noqa: F401

# isort: split
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator

from macehub.audit.models import Action
from macehub.audit.services import record

from . import sso


class LoginView(AllauthLoginView):  # type: ignore[misc]  # allauth is untyped
    """allauth's sign-in page. An address whose domain has its own provider goes there
    (the password box is ignored): the organisation's provider is the only way in for it."""

    @method_decorator(login_not_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        origins = sso.provider_origins()
        if origins:
            # The sign-in form's answer may be a redirect to a provider: browsers check that
            # against this page's form-action, so the providers' own origins are added to it.
            policy: dict[str, Any] = dict(settings.SECURE_CSP)
            policy["form-action"] = [*list(policy.get("form-action", [])), *origins]
            response._csp_config = policy  # type: ignore[attr-defined]
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("login", "")).strip().lower()
        config = sso.provider_for_email(email)
        if config is None:
            return super().post(request, *args, **kwargs)  # type: ignore[no-any-return]
        provider = OpenIDConnectProvider(request, app=sso.social_app(config))
        try:
            return provider.redirect(  # type: ignore[no-any-return]
                request,
                "login",
                next_url=get_next_redirect_url(request),
                auth_params={"login_hint": email},
            )
        except Exception:  # the provider is down or misconfigured: say so, plainly
            record(
                action=Action.LOGIN_FAILED,
                actor_label=email[:254],
                detail={"method": "single sign-on", "provider": config.name, "reason": "provider_unreachable"},
            )
            return render(
                request,
                "socialaccount/sso_refused.html",
                {"reason": "provider_unreachable", "email": email, "provider_name": config.name},
                status=503,
            )
