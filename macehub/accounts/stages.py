"""Sign-in stages: MACE Hub's own second factor is skipped only where the organisation's
identity provider has said, in the ID token, that it did two-factor authentication, and a
system admin has chosen to accept that (see sso.py)."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.http import HttpRequest

from .sso import sociallogin_did_mfa


class AuthenticateStage(AllauthAuthenticateStage):  # type: ignore[misc]  # allauth is untyped
    def _should_handle(self, request: HttpRequest) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin_did_mfa(sociallogin):
            return False
        return bool(super()._should_handle(request))
