"""manage.py restore_backup — restore a backup into this installation's database and upload directory.

The target is the database in DATABASE_URL and the directory in MACEHUB_UPLOAD_ROOT (or
--media-root): point them at a scratch database and directory for a drill, or at
production's (with the app and workers stopped) for a real restore. See docs/restore.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from macehub.operations.backups import BackupError, check_dump, restore, unpack


class Command(BaseCommand):
    help = "Restore a backup into the database in DATABASE_URL and the upload directory, then check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.age file made by manage.py backup.")
        parser.add_argument("--identity", required=True, help="The age private key file (from age-keygen).")
        parser.add_argument(
            "--media-root", default=None, help="Where to put uploaded files (default: MACEHUB_UPLOAD_ROOT)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database and upload directory that are not empty (a real restore over production).",
        )
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask to confirm.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
        db = connections[DEFAULT_DB_ALIAS].settings_dict
        where = f"database {db['NAME']}" + (f" on {db['HOST']}" if db.get("HOST") else "")
        self.stdout.write(f"Restoring {archive.name} into {where} and {media_root}.")
        if options["interactive"] and options["replace"]:
            answer = input("This overwrites that database and directory. Type 'restore' to go on: ")
            if answer.strip() != "restore":
                raise CommandError("Stopped: nothing was changed.")
        try:
            with unpack(archive, Path(options["identity"]), work_near=archive.resolve().parent) as unpacked:
                check_dump(unpacked)
                counts = restore(
                    unpacked, database_alias=DEFAULT_DB_ALIAS, media_root=media_root, replace=options["replace"]
                )
                expected = unpacked.manifest["tables"]
                files = len(unpacked.manifest["files"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        wrong = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
        if wrong:
            raise CommandError(f"Restored, but row counts differ from the manifest (expected, found): {wrong}")
        self.stdout.write(f"Restored {len(expected)} tables ({sum(counts.values())} rows) and {files} uploaded files.")
        call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write(self.style.SUCCESS("Restore complete. Follow docs/restore.md to bring the service back."))
