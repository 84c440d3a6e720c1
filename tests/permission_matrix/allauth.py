"""allauth's pages: sign-in, registration, password reset, two-factor, sessions.

Entrance pages are open to anyone; every management page needs a signed-in person who
has passed two-factor authentication, except the handful that set MFA up (see
accounts.middleware.MFA_SETUP_VIEWS)."""

from .outcomes import HIDDEN, LOGIN, MFA, OK, REDIRECT, Case, everyone, signed_in

# Signed-in people are sent away from the sign-in and registration pages.
ENTRANCE = {**signed_in(REDIRECT), "anonymous": OK, "password_only": MFA}

CASES = {
    "account_login": Case(lambda w: "/account/login/", ENTRANCE),
    "account_signup": Case(lambda w: "/account/signup/", ENTRANCE),
    "account_logout": Case(lambda w: "/account/logout/", {**signed_in(OK), "password_only": OK}),
    "account_inactive": Case(lambda w: "/account/inactive/", {**everyone(OK), "password_only": MFA}),
    "account_reauthenticate": Case(lambda w: "/account/reauthenticate/", {**signed_in(OK), "password_only": OK}),
    "account_email": Case(lambda w: "/account/email/", signed_in(OK)),
    "account_email_verification_sent": Case(
        lambda w: "/account/confirm-email/", {**everyone(OK), "password_only": MFA}
    ),
    "account_change_password": Case(lambda w: "/account/password/change/", signed_in(OK)),
    "account_set_password": Case(lambda w: "/account/password/set/", signed_in(REDIRECT)),
    "account_reset_password": Case(lambda w: "/account/password/reset/", {**everyone(OK), "password_only": MFA}),
    "account_reset_password_done": Case(
        lambda w: "/account/password/reset/done/", {**everyone(OK), "password_only": MFA}
    ),
    "account_reset_password_from_key": Case(
        lambda w: "/account/password/reset/key/1-not-a-real-key/", {**everyone(OK), "password_only": MFA}
    ),
    "account_reset_password_from_key_done": Case(
        lambda w: "/account/password/reset/key/done/", {**everyone(OK), "password_only": MFA}
    ),
    "account_confirm_email": Case(
        lambda w: "/account/confirm-email/not-a-real-key/", {**everyone(OK), "password_only": MFA}
    ),
    "account_confirm_login_code": Case(
        # Sign-in by e-mailed code is not enabled: there is never a code to confirm.
        lambda w: "/account/login/code/confirm/",
        {**everyone(REDIRECT), "anonymous": LOGIN, "password_only": MFA},
    ),
    "mfa_index": Case(lambda w: "/account/2fa/", signed_in(OK)),
    # Only meaningful half-way through signing in; anyone else is sent on.
    "mfa_authenticate": Case(lambda w: "/account/2fa/authenticate/", signed_in(REDIRECT)),
    # Without an authenticator there is nothing to confirm with: password confirmation instead.
    "mfa_reauthenticate": Case(lambda w: "/account/2fa/reauthenticate/", {**signed_in(OK), "password_only": REDIRECT}),
    "mfa_activate_totp": Case(lambda w: "/account/2fa/totp/activate/", {**signed_in(REDIRECT), "password_only": OK}),
    "mfa_deactivate_totp": Case(lambda w: "/account/2fa/totp/deactivate/", signed_in(OK)),
    "mfa_view_recovery_codes": Case(
        lambda w: "/account/2fa/recovery-codes/", {**signed_in(OK), "password_only": HIDDEN}
    ),
    "mfa_generate_recovery_codes": Case(
        lambda w: "/account/2fa/recovery-codes/generate/", {**signed_in(OK), "password_only": OK}
    ),
    "mfa_download_recovery_codes": Case(
        lambda w: "/account/2fa/recovery-codes/download/", {**signed_in(OK), "password_only": HIDDEN}
    ),
    "mfa_list_webauthn": Case(lambda w: "/account/2fa/webauthn/", signed_in(OK)),
    "mfa_add_webauthn": Case(lambda w: "/account/2fa/webauthn/add/", {**signed_in(OK), "password_only": OK}),
    # The personas have no security key, so there is nothing to confirm with it.
    "mfa_reauthenticate_webauthn": Case(lambda w: "/account/2fa/webauthn/reauthenticate/", signed_in(REDIRECT)),
    "mfa_remove_webauthn": Case(lambda w: "/account/2fa/webauthn/keys/999999/remove/", signed_in(HIDDEN)),
    "mfa_edit_webauthn": Case(lambda w: "/account/2fa/webauthn/keys/999999/edit/", signed_in(HIDDEN)),
    # Passkey sign-in accepts only a POST from the sign-in page.
    "mfa_login_webauthn": Case(lambda w: "/account/2fa/webauthn/login/", signed_in(REDIRECT)),
    "usersessions_list": Case(lambda w: "/account/sessions/", signed_in(OK)),
    # Single sign-on (allauth's OpenID Connect provider). Starting a sign-in needs a POST; the
    # callback needs the provider's answer. A provider id that is not set up does not exist.
    "openid_connect_login": Case(
        lambda w: "/account/oidc/sso-999999/login/", {**everyone(HIDDEN), "password_only": MFA}
    ),
    "openid_connect_callback": Case(
        lambda w: "/account/oidc/sso-999999/login/callback/", {**everyone(HIDDEN), "password_only": MFA}
    ),
    "socialaccount_login_cancelled": Case(
        lambda w: "/account/3rdparty/login/cancelled/", {**everyone(OK), "password_only": MFA}
    ),
    # allauth's own error page (401). MACE Hub's provider errors render their own page instead
    # (adapters.SocialAccountAdapter.on_authentication_error), so nothing links here.
    "socialaccount_login_error": Case(lambda w: "/account/3rdparty/login/error/", signed_in("401")),
}
