"""manage.py backup — an encrypted archive of the database, uploaded files and checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from macehub.operations.backups import BackupError, make_backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a consistent SQLite copy), the uploaded files and a "
        "manifest of checksums, encrypted with age to BACKUP_AGE_RECIPIENTS. See docs/restore.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir", default=None, help="Where to write the archive (default: BACKUP_DIR, var/backups)."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=None,
            help="An age public key to encrypt to (repeatable; default: BACKUP_AGE_RECIPIENTS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output_dir"] or settings.BACKUP_DIR)
        try:
            result = make_backup(output, recipients=options["recipient"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {result.path} ({result.bytes} bytes, encrypted): {result.tables} tables, "
                f"{result.rows} rows, {result.files} uploaded files."
            )
        )
