"""Single sign-on through an organisation's own OpenID Connect provider.

What the provider decides: who the person is (their e-mail address) and, when it says so in
the ID token's ``amr``/``acr`` claims and a system admin has chosen to accept it, that they
used a second factor. What MACE Hub still decides: whether the address belongs to an account
here, whether that account is approved and active, and what it may see (memberships).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp, SocialLogin
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from .models import SignInProvider

PROVIDER_PREFIX = "sso-"


def _fernet() -> Fernet:
    # The same deployment key as the authenticator secrets, with its own derivation label.
    material = f"macehub-sso-client-secrets:{settings.MFA_SECRET_ENCRYPTION_KEY or settings.SECRET_KEY}"
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest()))


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("A sign-in provider's client secret could not be decrypted; was the key changed?") from exc


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def provider_for_email(email: str) -> SignInProvider | None:
    """The turned-on provider that signs in people with this address, if any."""
    domain = domain_of(email)
    if not domain:
        return None
    for config in SignInProvider.objects.filter(is_enabled=True):
        if domain in config.domain_list:
            return config
    return None


def provider_origins() -> list[str]:
    """The origins (scheme://host:port) of the turned-on providers, for the sign-in page's CSP."""
    origins = []
    for url in SignInProvider.objects.filter(is_enabled=True).values_list("server_url", flat=True):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if parts.scheme in ("http", "https") and parts.netloc and origin not in origins:
            origins.append(origin)
    return origins


def provider_for_id(provider_id: str) -> SignInProvider | None:
    """``sso-<pk>`` (allauth's provider id) to the configuration, turned on or not."""
    if not provider_id.startswith(PROVIDER_PREFIX):
        return None
    pk = provider_id.removeprefix(PROVIDER_PREFIX)
    if not pk.isdigit():
        return None
    return SignInProvider.objects.filter(pk=int(pk)).first()


def social_app(config: SignInProvider) -> SocialApp:
    """An unsaved allauth app for this provider: the secret is decrypted only in memory."""
    return SocialApp(
        provider="openid_connect",
        provider_id=config.provider_id,
        name=config.name,
        client_id=config.client_id,
        secret=decrypt_secret(config.client_secret_encrypted),
        settings={"server_url": config.server_url, "fetch_userinfo": True},
    )


def claims_of(sociallogin: SocialLogin) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ID token claims, userinfo claims) as the provider sent them."""
    data = sociallogin.account.extra_data or {}
    return dict(data.get("id_token") or {}), dict(data.get("userinfo") or {})


def email_of(sociallogin: SocialLogin) -> str:
    id_token, userinfo = claims_of(sociallogin)
    return str(userinfo.get("email") or id_token.get("email") or "").strip().lower()


def provider_did_mfa(config: SignInProvider, id_token: dict[str, Any]) -> bool:
    """True only if the admin accepts this provider's MFA and the ID token says it was done."""
    if not config.trust_provider_mfa:
        return False
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    accepted_amr = set(config.mfa_amr_values.split())
    accepted_acr = set(config.mfa_acr_values.split())
    if accepted_amr & {str(value) for value in amr}:
        return True
    return bool(accepted_acr) and str(id_token.get("acr") or "") in accepted_acr


def sociallogin_did_mfa(sociallogin: SocialLogin | None) -> bool:
    if sociallogin is None or not sociallogin.account.provider.startswith(PROVIDER_PREFIX):
        return False
    config = provider_for_id(sociallogin.account.provider)
    if config is None or not config.is_enabled:
        return False
    id_token, _ = claims_of(sociallogin)
    return provider_did_mfa(config, id_token)
