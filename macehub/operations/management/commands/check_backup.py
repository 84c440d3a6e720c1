"""manage.py check_backup — decrypt a backup and check every checksum, without restoring it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from macehub.operations.backups import BackupError, check_dump, unpack


class Command(BaseCommand):
    help = "Decrypt a backup, check the database dump and every uploaded file against the manifest's checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.age file made by manage.py backup.")
        parser.add_argument("--identity", required=True, help="The age private key file (from age-keygen).")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            with unpack(archive, Path(options["identity"]), work_near=archive.resolve().parent) as unpacked:
                check_dump(unpacked)
                manifest = unpacked.manifest
                problems = list(unpacked.problems)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if problems:
            raise CommandError(f"{archive.name} failed its checks: " + "; ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"{archive.name} is good: made {manifest['created_at']} from {manifest['database']['engine']}; "
                f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
                f"{len(manifest['files'])} uploaded files, every checksum matches."
            )
        )
