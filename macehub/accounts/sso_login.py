"""The sign-in page: an address whose domain has its own provider is sent there."""

from __future__ import annotations

from typing import Any

# allauth's forms module imports our registration form while it loads, so ours loads first.
from . import forms  # noqa: F401

# isort: split
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import sso


class LoginView(AllauthLoginView):  # type: ignore[misc]  # allauth is untyped
    """allauth's sign-in page. An address whose domain has its own provider goes there
    (the password box is ignored): the organisation's provider is the only way in for it."""

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
            from macehub.audit.models import Action
            from macehub.audit.services import record

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
