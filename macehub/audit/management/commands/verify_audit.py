"""manage.py verify_audit — exit status 1 if any audit event was changed or removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from macehub.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain and report the first event that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(f"Audit chain broken: {result.problem} ({result.checked} events verified before it).")
        head_hash = result.head_hash or "(empty)"
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} events. Head hash {head_hash}."))
        self.stdout.write("Keep a copy of the head hash outside this database to detect a rewritten chain.")
