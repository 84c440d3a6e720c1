"""Backups of the embedded SQLite set-up (`make run`): a consistent copy, encrypted, restored
into another file and directory with every row and file intact. The PostgreSQL drill is
tests/test_backups.py."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="The SQLite variant of tests/test_backups.py")

ROOT = Path(__file__).resolve().parent.parent


def _rows(path: Path) -> dict[str, tuple[int, str]]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        result = {}
        for table in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{table}"'))  # noqa: S608
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return result
    finally:
        db.close()


def test_an_sqlite_backup_restores_every_row_and_file(transactional_db, tmp_path: Path) -> None:
    from macehub.audit.models import Action
    from macehub.audit.services import record
    from macehub.core import uploads
    from tests.factories.personas import build_world, minimal_pdf

    key = tmp_path / "key.txt"
    subprocess.run([shutil.which("age-keygen") or "age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = next(line.split(": ")[1] for line in key.read_text().splitlines() if "public key" in line).strip()
    media = tmp_path / "uploads"
    with override_settings(MEDIA_ROOT=media):
        world = build_world()
        uploads.store(SimpleUploadedFile("minutes.pdf", minimal_pdf(), "application/pdf"), actor=None)
    for i in range(5):
        record(action=Action.VIEW, actor=world.user("member_a"), detail={"i": i})
    source = Path(connection.settings_dict["NAME"])
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    base.update(MACEHUB_ENV="development", DEBUG="false", SECRET_KEY=settings.SECRET_KEY)

    def manage(*args: str, db: Path, uploads_root: Path) -> subprocess.CompletedProcess[str]:
        env = {**base, "DATABASE_URL": f"sqlite:///{db}", "MACEHUB_UPLOAD_ROOT": str(uploads_root)}
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )

    made = manage(
        "backup", "--output-dir", str(tmp_path / "backups"), "--recipient", public, db=source, uploads_root=media
    )
    assert made.returncode == 0, made.stderr
    [archive] = list((tmp_path / "backups").iterdir())
    assert archive.read_bytes().startswith(b"age-encryption.org/v1") and (archive.stat().st_mode & 0o777) == 0o600

    target, target_media = tmp_path / "restored.sqlite3", tmp_path / "restored-uploads"
    restored = manage(
        "restore_backup", str(archive), "--identity", str(key), "--no-input", db=target, uploads_root=target_media
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Audit chain intact" in restored.stdout
    assert _rows(target) == _rows(source)
    files = {p.name: p.read_bytes() for p in media.iterdir()}
    assert files and {p.name: p.read_bytes() for p in target_media.iterdir()} == files
    assert list(tmp_path.rglob(".macehub-backup-work-*")) == []
