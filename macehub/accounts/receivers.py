"""Sign-in, MFA and password events: session bookkeeping and audit events.

These are receivers for allauth's and Django's authentication signals — infrastructure,
not domain rules, so a signal is the right hook.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record

from .drafts import HAS_DRAFTS, has_drafts
from .middleware import AUTH_AT, MFA_AT, SECURITY_KEY_AT, SEEN_AT, TIMED_OUT_USER
from .models import AccessRequest
from .services import end_sessions_after_reset, notify_approvers
from .sso import provider_for_id, sociallogin_did_mfa


@receiver(auth_signals.user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[AUTH_AT] = now
        request.session[SEEN_AT] = now

        request.session.pop(TIMED_OUT_USER, None)
        if has_drafts(user):
            request.session[HAS_DRAFTS] = True
    record(action=Action.LOGIN, actor=user, obj=user, detail=_single_sign_on_detail(request, user))


def _single_sign_on_detail(request: HttpRequest | None, user: Any) -> dict[str, Any]:
    """Says so in the sign-in event when someone came through their organisation's provider."""
    if request is None or not hasattr(request, "session"):
        return {}
    from allauth.account.internal.flows.login import get_authentication_records

    for entry in reversed(get_authentication_records(request, user) or []):
        if entry.get("method") == "socialaccount":
            config = provider_for_id(str(entry.get("provider", "")))
            return {"method": "single sign-on", "provider": config.name if config else ""}
    return {}


@receiver(account_signals.user_logged_in)
def on_allauth_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """A provider's two-factor authentication counts only when the ID token says it was done
    and a system admin accepts that provider's word (sso.provider_did_mfa)."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None and sociallogin_did_mfa(sociallogin):
        _mark_mfa(request)
        config = provider_for_id(sociallogin.account.provider)
        record(
            action=Action.MFA_USED,
            actor=user,
            obj=user,
            detail={"type": "identity provider", "provider": config.name if config else ""},
        )


@receiver(auth_signals.user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(action=Action.LOGOUT, actor=user, obj=user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password; keep only the address that was tried.
    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    record(action=Action.LOGIN_FAILED, actor_label=attempted)


def _mark_mfa(request: HttpRequest | None, *, security_key: bool = False) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[MFA_AT] = now
        if security_key:
            request.session[SECURITY_KEY_AT] = now


@receiver(mfa_signals.authenticator_used)
def on_mfa_used(sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any) -> None:
    _mark_mfa(request, security_key=authenticator.type == Authenticator.Type.WEBAUTHN)
    record(action=Action.MFA_USED, actor=user, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        # Registering a first key proves the person holds it. A further key added in a session
        # verified only by an app code does not: that session may be a phisher's.
        first_key = (
            authenticator.type == Authenticator.Type.WEBAUTHN
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN)
            .exclude(pk=authenticator.pk)
            .exists()
        )
        _mark_mfa(request, security_key=first_key)
    record(action=Action.MFA_ADDED, actor=user, obj=user, detail={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record(action=Action.MFA_REMOVED, actor=user, obj=user, detail={"type": authenticator.type})


@receiver(account_signals.password_changed)
@receiver(account_signals.password_set)
def on_password_changed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(action=Action.PASSWORD_CHANGED, actor=user, obj=user)


@receiver(account_signals.password_reset)
def on_password_reset(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(action=Action.PASSWORD_RESET, actor=user, obj=user)
    # A reset ends every other session: whoever knew the old password is signed out.

    end_sessions_after_reset(user)


@receiver(account_signals.email_confirmed)
def on_email_confirmed(sender: Any, request: HttpRequest | None, email_address: Any, **kwargs: Any) -> None:
    """Approvers hear about a request only once the person has proved their address."""
    for pending in AccessRequest.objects.filter(user_id=email_address.user_id, status=AccessRequest.Status.PENDING):
        notify_approvers(pending)
