"""allauth adapters: how sign-in, e-mail and MFA fit MACE Hub's rules."""

from __future__ import annotations

import base64
import hashlib
import time
from types import SimpleNamespace
from typing import Any, NoReturn
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import render

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.email import enqueue_email

from .models import SignInProvider, User
from .sso import domain_of, email_of, provider_for_id, social_app


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to sign in to this account. Wait 5 minutes and try again, or reset your password."
        ),
        "email_password_mismatch": "Enter a correct e-mail address and password.",
    }

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now, deliver from the task worker after the transaction commits."""
        site = SimpleNamespace(name=settings.MACEHUB_SERVICE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        ctx = {"email": email, "current_site": site, "site_url": settings.SITE_URL, **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        enqueue_email(
            subject=str(message.subject),
            body=str(message.body),
            to=list(message.to),
            html_body=html,
        )

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # The account (or address) has hit the failure limit: record the blocked attempt.
            record(action=Action.LOCKOUT, actor_label=str(credentials.get("email", ""))[:254])
            raise

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Ask for the password again only if the person has not signed in or confirmed it in
        the last few minutes: someone who has just signed in (for example, to set up their
        first authenticator) has already proved it."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = allauth_context.request
        if request is None or not request.user.is_authenticated:
            return True
        records = get_authentication_records(request, request.user)
        if not records:
            return True
        return bool(time.time() - records[-1]["at"] >= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with a second-factor stage that accepts a trusted provider's MFA."""
        stages: list[str] = super().get_login_stages()
        return [
            "macehub.accounts.stages.AuthenticateStage" if stage == "allauth.mfa.stages.AuthenticateStage" else stage
            for stage in stages
        ]


def _fernet() -> Fernet:
    material = settings.MFA_SECRET_ENCRYPTION_KEY or f"macehub-mfa-secrets:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        """Authenticator secrets are stored encrypted, not in the clear."""
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("An authenticator secret could not be decrypted; was the key changed?") from exc

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Two-factor authentication is mandatory: the last app or key cannot be removed."""
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        ).exclude(pk=authenticator.pk)
        return bool(others.exists())

    def get_totp_label(self, user: Any) -> str:
        return str(user.email)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (see sso.py): providers come from MACE Hub's own configuration, and a
    provider only ever proves who someone is — never what they may see."""

    def list_apps(self, request: HttpRequest | None, provider: Any = None, client_id: Any = None) -> list[Any]:
        apps = [social_app(config) for config in SignInProvider.objects.filter(is_enabled=True)]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        """Signing in through a provider never creates an account: people register here."""
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        config = provider_for_id(sociallogin.account.provider)
        email = email_of(sociallogin)
        if config is None or not config.is_enabled:
            self._refuse(request, email, None, "provider_off")
        if not email or domain_of(email) not in config.domain_list:
            self._refuse(request, email, config, "domain")
        if sociallogin.is_existing:
            if sociallogin.user.email != email:
                self._refuse(request, email, config, "address_changed")
            return
        user = User.objects.filter(email=email).first()
        if user is None:
            self._refuse(request, email, config, "no_account")
        # The provider is the authority for its domains: link its identity to the account
        # with that address. Access still needs MACE Hub's approval (memberships).
        sociallogin.connect(request, user)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        config = provider_for_id(getattr(getattr(provider, "app", None), "provider_id", "") or "")
        detail = {
            "method": "single sign-on",
            "provider": config.name if config else "",
            "reason": "provider_error",
            "error": str(request.GET.get("error") or error or "")[:100],
        }
        record(action=Action.LOGIN_FAILED, detail=detail)
        # A provider answers "access_denied" both when someone stops and when their account
        # is disabled there: one plain page for both, never a sign-in.
        raise ImmediateHttpResponse(render(request, "socialaccount/authentication_error.html", status=401))

    @staticmethod
    def _refuse(request: HttpRequest, email: str, config: Any, reason: str) -> NoReturn:
        record(
            action=Action.LOGIN_FAILED,
            actor_label=email[:254],
            detail={"method": "single sign-on", "provider": config.name if config else "", "reason": reason},
        )
        response = render(
            request,
            "socialaccount/sso_refused.html",
            {"reason": reason, "email": email, "provider_name": config.name if config else ""},
            status=403,
        )
        raise ImmediateHttpResponse(response)
