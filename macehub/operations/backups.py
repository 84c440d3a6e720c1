"""Encrypted backups that restore: the database, the uploaded files and a manifest of checksums.

An archive is a tar stream encrypted with ``age`` (Debian package ``age``) to one or more
public keys; the tar itself never touches the disk. It holds:

* ``database.pgdump`` (``pg_dump --format=custom``, PostgreSQL) or ``database.sqlite3``
  (SQLite's online backup: a consistent copy);
* ``uploads/<name>`` for every file under ``MEDIA_ROOT``;
* ``manifest.json``: when, from which database engine, the row count of every table (read in
  the same snapshot as the dump on PostgreSQL), and the SHA-256 of the dump and every file.

The dump is staged in a private directory (mode 0700) next to the archive, never in /tmp,
and removed when the command ends, however it ends. See docs/restore.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def private_dir(near: Path) -> Iterator[Path]:
    """A 0700 working directory beside ``near`` (not /tmp), deleted on exit, even on SIGTERM."""
    near.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=".macehub-backup-work-", dir=near))
    os.chmod(path, 0o700)

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main_thread else None
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        raise BackupError(
            f"{tool} is not installed (Debian package: {'age' if 'age' in tool else 'postgresql-client'})."
        )
    return found


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for a Django database: the password goes in the environment, never argv."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def macehub_tables() -> list[str]:
    """Every table of every installed model, plus the task queue (all Django-managed tables)."""
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    existing = set(connection.introspection.table_names())
    return sorted(names & existing)


def count_rows(tables: list[str]) -> dict[str, int]:
    quote_name = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")  # noqa: S608 (introspected names)
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _dump_postgresql(work: Path) -> tuple[Path, dict[str, int]]:
    pg_dump = _require("pg_dump")
    target = work / "database.pgdump"
    # Count the rows and dump in one snapshot, so the manifest describes exactly this dump.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        counts = count_rows(macehub_tables())
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
            ],
            env=pg_env(connection.settings_dict),
            check=True,
            capture_output=True,
        )
    return target, counts


def _dump_sqlite(work: Path) -> tuple[Path, dict[str, int]]:
    target = work / "database.sqlite3"
    source = sqlite3.connect(str(connection.settings_dict["NAME"]))
    try:
        copy = sqlite3.connect(str(target))
        with copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    tables = macehub_tables()
    copy = sqlite3.connect(str(target))
    try:
        counts = {t: int(copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}  # noqa: S608
    finally:
        copy.close()
    return target, counts


def upload_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".macehub-backup-work-"))


def age_recipients(explicit: list[str] | None = None) -> list[str]:
    recipients = [r.strip() for r in (explicit or settings.BACKUP_AGE_RECIPIENTS) if r.strip()]
    if not recipients:
        raise BackupError(
            "No age recipient: set BACKUP_AGE_RECIPIENTS (public keys made with age-keygen) or pass --recipient."
        )
    return recipients


@dataclass
class BackupResult:
    path: Path
    tables: int
    rows: int
    files: int
    bytes: int


def make_backup(output_dir: Path, *, recipients: list[str] | None = None) -> BackupResult:
    """Write ``macehub-<UTC time>.tar.age`` to ``output_dir``; returns what it holds."""
    age = _require("age")
    keys = age_recipients(recipients)
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    final = output_dir / f"macehub-{stamp}.tar.age"
    partial = output_dir / f".macehub-{stamp}.tar.age.partial"
    media = Path(settings.MEDIA_ROOT)
    with private_dir(output_dir) as work:
        dump, counts = _dump_postgresql(work) if connection.vendor == "postgresql" else _dump_sqlite(work)
        files = upload_files(media)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": connection.vendor, "file": dump.name, "sha256": sha256_of(dump)},
            "tables": counts,
            "files": {str(p.relative_to(media)): {"sha256": sha256_of(p), "size": p.stat().st_size} for p in files},
        }
        argv = [age, "--encrypt", "--output", str(partial)]
        for key in keys:
            argv += ["--recipient", key]
        old_umask = os.umask(0o077)
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 - no shell
        finally:
            os.umask(old_umask)
        assert proc.stdin is not None  # noqa: S101 - stdin=PIPE
        try:
            with tarfile.open(fileobj=proc.stdin, mode="w|") as tar:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=dump.name, recursive=False)
                for path in files:
                    tar.add(path, arcname=f"uploads/{path.relative_to(media)}", recursive=False)
        finally:
            proc.stdin.close()
            err = proc.stderr.read() if proc.stderr else b""
            proc.wait()
        if proc.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError(f"age could not encrypt the backup: {err.decode(errors='replace').strip()}")
    os.chmod(partial, 0o600)
    partial.rename(final)
    return BackupResult(final, len(counts), sum(counts.values()), len(files), final.stat().st_size)


@dataclass
class Unpacked:
    root: Path
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def dump(self) -> Path:
        return self.root / str(self.manifest["database"]["file"])


@contextmanager
def unpack(archive: Path, identity: Path, *, work_near: Path) -> Iterator[Unpacked]:
    """Decrypt and unpack into a private directory, and check every checksum in the manifest."""
    age = _require("age")
    if not archive.is_file():
        raise BackupError(f"No backup at {archive}.")
    if not identity.is_file():
        raise BackupError(f"No age identity (private key) file at {identity}.")
    with private_dir(work_near) as work:
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [age, "--decrypt", "--identity", str(identity), str(archive)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None  # noqa: S101 - stdout=PIPE
        try:
            with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
                tar.extractall(work, filter="data")
        except tarfile.TarError as exc:
            proc.kill()
            _, err = proc.communicate()
            raise BackupError(
                f"Could not decrypt or read {archive.name}: {err.decode(errors='replace').strip() or exc}"
            ) from exc
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise BackupError(f"Could not decrypt {archive.name}: {err.decode(errors='replace').strip()}")
        manifest_path = work / MANIFEST
        if not manifest_path.is_file():
            raise BackupError(f"{archive.name} has no manifest: it is not a MACE Hub backup.")
        manifest = json.loads(manifest_path.read_text())
        unpacked = Unpacked(work, manifest)
        database = manifest["database"]
        if not unpacked.dump.is_file():
            unpacked.problems.append(f"the database dump {database['file']} is missing")
        elif sha256_of(unpacked.dump) != database["sha256"]:
            unpacked.problems.append(f"the database dump {database['file']} does not match its checksum")
        uploads = work / "uploads"
        for name, meta in manifest["files"].items():
            path = uploads / name
            if not path.is_file():
                unpacked.problems.append(f"uploaded file {name} is missing")
            elif sha256_of(path) != meta["sha256"]:
                unpacked.problems.append(f"uploaded file {name} does not match its checksum")
        extra = {str(p.relative_to(uploads)) for p in upload_files(uploads)} - set(manifest["files"])
        unpacked.problems += [f"uploaded file {name} is not in the manifest" for name in sorted(extra)]
        yield unpacked


def check_dump(unpacked: Unpacked) -> None:
    """The dump itself is readable: ``pg_restore --list`` or SQLite's integrity check."""
    if unpacked.manifest["database"]["engine"] == "postgresql":
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [_require("pg_restore"), "--list", str(unpacked.dump)], capture_output=True
        )
        if result.returncode != 0:
            unpacked.problems.append("pg_restore cannot read the database dump")
    else:
        db = sqlite3.connect(f"file:{quote(str(unpacked.dump))}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                unpacked.problems.append("the SQLite copy fails its integrity check")
        finally:
            db.close()


def restore(unpacked: Unpacked, *, database_alias: str, media_root: Path, replace: bool) -> dict[str, int]:
    """Load the dump into the database ``database_alias`` and the files into ``media_root``;
    returns the restored row counts (checked against the manifest by the caller)."""
    if unpacked.problems:
        raise BackupError("The backup failed its checks: " + "; ".join(unpacked.problems))
    target = connections[database_alias]
    bad = [t for t in unpacked.manifest["tables"] if not re.fullmatch(r"[a-z0-9_]+", t)]
    if bad:
        raise BackupError(f"The manifest names tables MACE Hub never has: {bad[:3]}")
    engine = unpacked.manifest["database"]["engine"]
    if engine != target.vendor:
        raise BackupError(f"This is a {engine} backup; the target database is {target.vendor}.")
    existing = [t for t in target.introspection.table_names() if t in unpacked.manifest["tables"]]
    if existing and not replace:
        raise BackupError(
            f"The target database already has MACE Hub tables ({len(existing)}). Restore into an empty database, "
            "or pass --replace to overwrite it."
        )
    if media_root.exists() and any(media_root.iterdir()) and not replace:
        raise BackupError(f"{media_root} is not empty. Restore into an empty directory, or pass --replace.")
    if engine == "postgresql":
        argv = [_require("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            argv += ["--clean", "--if-exists"]
        target.close()
        result = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [*argv, "--dbname", str(target.settings_dict["NAME"]), str(unpacked.dump)],
            env=pg_env(target.settings_dict),
            capture_output=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()[-2000:]}")
    else:
        target.close()
        destination = Path(str(target.settings_dict["NAME"]))
        destination.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{destination}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(unpacked.dump, destination)
    media_root.mkdir(parents=True, exist_ok=True)
    if replace:
        for stale in upload_files(media_root):
            if str(stale.relative_to(media_root)) not in unpacked.manifest["files"]:
                stale.unlink()
    for name in unpacked.manifest["files"]:
        destination_file = media_root / name
        destination_file.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(unpacked.root / "uploads" / name, destination_file)
    with target.cursor() as cursor:
        quote_name = target.ops.quote_name
        counts = {}
        for table in unpacked.manifest["tables"]:
            cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")  # noqa: S608 (names from our manifest)
            counts[table] = int(cursor.fetchone()[0])
    return counts
