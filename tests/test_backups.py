"""The restore drill (issue #11): back up the documented way (`manage.py backup`, encrypted
with age), check it, restore it into a scratch PostgreSQL database and upload directory,
and compare every table's rows and every file's checksum; verify_audit passes on the copy."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The restore drill uses pg_dump/pg_restore and a scratch PostgreSQL database (set DATABASE_URL)",
)

ROOT = Path(__file__).resolve().parent.parent
SECRET = "UPLOADED-SECRET-CONTENT-must-not-appear-in-the-archive"


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _env(database: str, uploads: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        MACEHUB_ENV="production",
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,  # the audit chain's key is derived from it (no AUDIT_CHAIN_KEY set)
        AUDIT_CHAIN_KEY=settings.AUDIT_CHAIN_KEY,
        # Production refuses to start without the London fingerprint key; the same one as the
        # records were fingerprinted with.
        MACEHUB_LONDON_KEY=settings.KNOWN_ELSEWHERE_KEY,
        ALLOWED_HOSTS="localhost",
        EMAIL_HOST="127.0.0.1",
        DATABASE_URL=_url(database),
        MACEHUB_UPLOAD_ROOT=str(uploads),
        **extra,
    )
    return env


def _fingerprints(conn: Any) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every table in the public schema."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        result = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM \"{table}\" t"  # noqa: S608
            )
            count, digest = cursor.fetchone()
            result[table] = (count, digest)
    return result


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


@pytest.fixture
def age_key(tmp_path: Path) -> tuple[Path, str]:
    key = tmp_path / "backup-key.txt"
    subprocess.run([shutil.which("age-keygen") or "age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = next(line.split(": ")[1] for line in key.read_text().splitlines() if line.startswith("# public key"))
    return key, public.strip()


@pytest.fixture
def scratch_db() -> Any:
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore_drill"
    admin_dsn = _url("postgres")

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield name
    drop()


def test_a_backup_made_the_documented_way_restores_every_row_and_file(
    transactional_db, tmp_path: Path, age_key: tuple[Path, str], scratch_db: str
) -> None:
    import psycopg

    from macehub.audit.models import Action
    from macehub.audit.services import record
    from macehub.core import uploads
    from tests.factories.personas import build_world, minimal_pdf

    key, public = age_key
    source_media = tmp_path / "uploads"
    with override_settings(MEDIA_ROOT=source_media):
        world = build_world()
        stored = [
            uploads.store(SimpleUploadedFile("minutes.pdf", minimal_pdf(), "application/pdf"), actor=None),
            uploads.store(SimpleUploadedFile("notes.txt", SECRET.encode() * 50, "text/plain"), actor=None),
        ]
    for i in range(20):
        record(action=Action.VIEW, actor=world.user("member_a"), detail={"drill": i})
    source_env = _env(connection.settings_dict["NAME"], source_media, BACKUP_AGE_RECIPIENTS=public)

    # 1. Back up, as docs/restore.md says.
    backups = tmp_path / "backups"
    made = _manage("backup", "--output-dir", str(backups), env=source_env)
    assert made.returncode == 0, made.stderr
    [archive] = list(backups.iterdir())  # no working directory or partial file left behind
    assert archive.name.endswith(".tar.age") and (archive.stat().st_mode & 0o777) == 0o600
    data = archive.read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    assert SECRET.encode() not in data and b"member.a@test.invalid" not in data

    # 2. Check it.
    checked = _manage("check_backup", str(archive), "--identity", str(key), env=source_env)
    assert checked.returncode == 0, checked.stderr
    assert "every checksum matches" in checked.stdout and "2 uploaded files" in checked.stdout

    # 3. Restore into a scratch database and directory.
    restored_media = tmp_path / "restored-uploads"
    target_env = _env(scratch_db, restored_media)
    restored = _manage("restore_backup", str(archive), "--identity", str(key), "--no-input", env=target_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "Audit chain intact" in restored.stdout

    # 4. Every table, every row; every file, byte for byte.
    with psycopg.connect(_url(connection.settings_dict["NAME"])) as source, psycopg.connect(_url(scratch_db)) as copy:
        before, after = _fingerprints(source), _fingerprints(copy)
    assert len(before) > 40 and sum(n for n, _ in before.values()) > 100
    assert after == before
    assert _files(restored_media) == _files(source_media)
    assert {s.storage_name: s.sha256 for s in stored} == _files(restored_media)

    # 5. verify_audit on the restored copy, on its own.
    verified = _manage("verify_audit", env=target_env)
    assert verified.returncode == 0 and "Audit chain intact" in verified.stdout

    # 6. A second restore over it is refused without --replace; a damaged archive fails its check.
    again = _manage("restore_backup", str(archive), "--identity", str(key), "--no-input", env=target_env)
    assert again.returncode != 0 and "already has MACE Hub tables" in again.stderr
    damaged = tmp_path / "damaged.tar.age"
    damaged.write_bytes(data[:-200] + bytes(200))
    broken = _manage("check_backup", str(damaged), "--identity", str(key), env=source_env)
    assert broken.returncode != 0
    leftovers = list(tmp_path.rglob(".macehub-backup-work-*"))
    assert leftovers == []
