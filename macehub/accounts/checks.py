"""System checks for account security settings (run by ``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def no_mfa_bypass(app_configs: Any, **kwargs: Any) -> list[Error]:
    """allauth has a testing switch that accepts a fixed code as any second factor. It must
    never be set: MACE Hub's demo uses real authenticators instead."""
    if getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
        return [
            Error(
                "MFA_TOTP_INSECURE_BYPASS_CODE is set: it would let anyone past two-factor authentication.",
                hint="Remove the setting.",
                id="macehub.E001",
            )
        ]
    return []
