"""Session time limits and mandatory two-factor authentication."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.access import access_for
from macehub.core.context_processors import MFA_SESSION_KEY
from macehub.core.http import wants_json

from .drafts import keep_posted_form
from .models import User
from .selectors import first_second_factor_added_at

AUTH_AT = "macehub_auth_at"
SEEN_AT = "macehub_seen_at"
MFA_AT = MFA_SESSION_KEY
# Set when this session was verified with a passkey or security key (see receivers.py).
SECURITY_KEY_AT = "macehub_security_key_at"


#: Set in the (anonymous) session that follows a sign-out for inactivity: whose it was, so a
#: form posted from a page left open can still be kept for that person (see drafts.py).
TIMED_OUT_USER = "macehub_timed_out_user"


def signed_out_response(reason: str) -> JsonResponse:
    """401 with a body a script recognises: the person must sign in again; nothing was refused."""
    response = JsonResponse({"signed_in": False, "reason": reason, "seconds_left": 0}, status=401)
    response["WWW-Authenticate"] = 'Session realm="MACE Hub"'
    return response


def seconds_left(request: HttpRequest) -> int:
    """Seconds until this session ends for inactivity (or at its 12-hour limit, if sooner)."""
    now = timezone.now().timestamp()
    seen = request.session.get(SEEN_AT, now)
    started = request.session.get(AUTH_AT, now)
    idle_left = settings.SESSION_IDLE_TIMEOUT.total_seconds() - (now - seen)
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - (now - started)
    return max(0, int(min(idle_left, absolute_left)))


class SessionTimeoutMiddleware:
    """Signs people out after 15 minutes without a request, and 12 hours after signing in,
    whatever they do. Enforced on the server: the cookie's own expiry is only a backstop.

    The timeout warning's status check (``accounts:session_status``, GET) neither counts as
    activity nor signs anyone out: it only reports the seconds left. A form posted after the
    limit is kept for its author (drafts.py) before the session ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault(AUTH_AT, now)
            seen = request.session.get(SEEN_AT, now)
            idle = now - seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            status_check = request.method == "GET" and request.path == reverse("accounts:session_status")
            if status_check:
                return self.get_response(request)
            if idle or expired:
                reason = "idle" if idle else "expired"
                record(action=Action.SESSION_TIMEOUT, actor=user, obj=user, detail={"reason": reason})

                # A script (autosave) keeps its own text on the page and saves it later.
                kept = None if wants_json(request) else keep_posted_form(request, user)
                user_id = user.pk
                logout(request)
                request.session[TIMED_OUT_USER] = user_id
                if wants_json(request):
                    return signed_out_response(reason)
                query = {"signed_out": reason}
                if kept is not None:
                    query["next"] = kept.path
                url = f"{reverse('account_login')}?{urlencode(query)}"
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return HttpResponseRedirect(url)
            request.session[SEEN_AT] = now
        return self.get_response(request)


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's: every view needs a signed-in person unless marked otherwise. Two additions:
    a script's request gets a 401 JSON answer instead of the sign-in page, and a form posted
    from a page left open after an idle sign-out is kept for its author (drafts.py)."""

    def handle_no_permission(  # type: ignore[override]  # a script gets 401 JSON, not a redirect
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase]
    ) -> HttpResponse:
        if wants_json(request):
            return signed_out_response("signed_out")
        user_id = request.session.get(TIMED_OUT_USER) if hasattr(request, "session") else None
        if request.method == "POST" and user_id:
            kept = keep_posted_form(request, User.objects.filter(pk=user_id, is_active=True).first())
            if kept is not None:
                query = {"signed_out": "idle", "next": kept.path}
                return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode(query)}")
        return super().handle_no_permission(request, view_func)


# Views a signed-in person may reach before setting up a second factor.
MFA_SETUP_VIEWS = frozenset(
    {
        "accounts:mfa_setup",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "core:accessibility",
        "core:privacy",
        "core:healthz",
        "health",
        "core:favicon",
        "accounts:session_status",
    }
)


# Views open to someone who must still use a passkey or security key: adding one, and leaving.
SECURITY_KEY_VIEWS = MFA_SETUP_VIEWS | {
    "accounts:security_key",
    "mfa_index",
    "mfa_list_webauthn",
    "mfa_reauthenticate_webauthn",
}


class MFARequiredMiddleware:
    """No data page without a second factor, for every account.

    A session counts as verified once a second factor was used to sign in, or was set up
    in it. Anyone else signed in with a password only is sent to set one up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: object,
        view_kwargs: object,
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if request.session.get(MFA_AT):
            return self._require_security_key(request, view_name)
        if view_name in MFA_SETUP_VIEWS:
            return None

        added_at = first_second_factor_added_at(user)
        if added_at is None:
            return HttpResponseRedirect(reverse("accounts:mfa_setup"))
        if added_at.timestamp() >= request.session.get(AUTH_AT, float("inf")):
            # The person set up their first second factor in this very session.
            request.session[MFA_AT] = added_at.timestamp()
            return None
        # Signed in with a password alone although a second factor existed: start again.
        logout(request)
        return HttpResponseRedirect(reverse("account_login"))

    @staticmethod
    def _require_security_key(request: HttpRequest, view_name: str) -> HttpResponse | None:
        """Holders of the roles in ``SECURITY_KEY_ROLES`` must have used a passkey or security
        key in this session: a code from an app can be phished, a key cannot (check C13)."""
        roles = settings.SECURITY_KEY_ROLES
        if not roles or request.session.get(SECURITY_KEY_AT) or view_name in SECURITY_KEY_VIEWS:
            return None

        if not access_for(request.user).has_role(*roles):
            return None
        return HttpResponseRedirect(reverse("accounts:security_key"))
