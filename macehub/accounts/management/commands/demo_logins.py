"""manage.py demo_logins — the demo accounts with a current one-time code for each.

Works only for accounts created by seed_demo (``is_demo``), and never in production: it
is a convenience for trying the demo, not a way round two-factor authentication.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from macehub.accounts.models import User
from macehub.core.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo sign-in e-mail addresses, the demo password and a current one-time code for each."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not settings.DEMO_SITE:
            raise CommandError(
                "Demo sign-in codes are never printed in production (unless MACEHUB_DEMO_SITE is set for a demonstration site)."
            )
        users = User.objects.filter(is_demo=True, is_active=True).prefetch_related("memberships").order_by("pk")
        if not users:
            self.stdout.write("There are no demo accounts. Run: python manage.py seed_demo")
            return
        period = 30
        remaining = period - int(time.time()) % period
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo sign-in (every account uses the same password)"))
        self.stdout.write(f"  Password: {DEMO_PASSWORD}")
        self.stdout.write(
            f"  One-time codes below are valid for about {remaining} more seconds; run `make codes` for fresh ones."
        )
        self.stdout.write("")
        for user in users:
            totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            code = "(no authenticator)"
            if totp is not None:
                secret = decrypt(totp.data["secret"])
                code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
            roles = ", ".join(
                f"{m.get_role_display()} ({m.scope_label})" for m in user.memberships.all() if m.ended_at is None
            )
            self.stdout.write(f"  {user.email:<32} code {code}   {roles or 'waiting for approval'}")
        self.stdout.write("")
