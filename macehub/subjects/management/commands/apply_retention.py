"""manage.py apply_retention — run nightly by a scheduler (cron, a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Anonymise every stepped-down or closed register record that is past its retention period and "
        "not on legal hold (MACEHUB_RETENTION_YEARS), and delete forms kept after a sign-out once past "
        "MACEHUB_KEPT_DRAFT_HOURS. --dry-run lists them without changing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what is due; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        from macehub.subjects.services.retention import apply_retention

        dry_run = options["dry_run"]
        due = apply_retention(dry_run=dry_run)
        for item in due:
            panel = item.subject.panel
            self.stdout.write(
                f"{panel.name} {item.subject.reference}: due {item.due_on:%d %b %Y} ({item.rule}); "
                f"last activity {item.last_activity:%d %b %Y}"
            )
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{len(due)} record(s) {verb}.")
        if not dry_run:
            # Forms kept after a sign-out (macehub/accounts/drafts.py) live 24 hours at most.
            from macehub.accounts.drafts import delete_expired

            self.stdout.write(f"{delete_expired()} expired kept form(s) deleted.")
