"""manage.py library_discard_pending — remove library uploads nobody came back to finish."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from macehub.library.services import PENDING_UPLOAD_LIFETIME, discard_stale_pending_uploads


class Command(BaseCommand):
    help = "Delete files chosen on a library form that was never completed (older than a day by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=int(PENDING_UPLOAD_LIFETIME.total_seconds() // 3600),
            help="Remove kept uploads older than this many hours.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = discard_stale_pending_uploads(older_than=timedelta(hours=options["hours"]))
        self.stdout.write(f"Removed {removed} unfinished library upload{'s' if removed != 1 else ''}.")
