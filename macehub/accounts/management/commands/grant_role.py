"""manage.py grant_role — how an operator creates the first system admin (or any role).

Every later role is requested in the app and approved there; this command is for setting up
a new installation or recovering from a lost admin account. It is audited like any grant.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from macehub.accounts.models import Membership, User
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.access import LONDON_ROLES, Role


class Command(BaseCommand):
    help = "Give an existing account a London-wide role (for example the first system admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--role", default=Role.SYSTEM_ADMIN, choices=sorted(LONDON_ROLES))

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError("No account has that e-mail address. The person must register first.")
        with transaction.atomic():
            membership, created = Membership.objects.get_or_create(
                user=user, role=options["role"], partnership=None, panel=None, ended_at__isnull=True
            )
            if created:
                record(
                    action=Action.APPROVED,
                    obj=membership,
                    actor_label="manage.py grant_role",
                    detail={"role": options["role"]},
                )
        verb = "now has" if created else "already had"
        self.stdout.write(self.style.SUCCESS(f"{user.email} {verb} the role {Role(options['role']).label}."))
