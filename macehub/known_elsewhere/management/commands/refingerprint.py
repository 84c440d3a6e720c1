"""Compute every "known elsewhere?" fingerprint again: run after changing MACEHUB_LONDON_KEY."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from macehub.known_elsewhere.services import refingerprint_all


class Command(BaseCommand):
    help = "Recompute every keyed fingerprint (after the London key changes)."

    def handle(self, *args: Any, **options: Any) -> None:
        made = refingerprint_all()
        self.stdout.write(f"{made} fingerprints computed.")
