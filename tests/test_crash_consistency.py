"""Check C27: a multi-row change survives the process being killed part-way.

A real writer process (tests/crash_writer.py) adds persons of concern with their child record
through the service, against a database of its own on the engine the suite runs on (a file
for SQLite; a fresh database on the PostgreSQL server). It is killed with SIGKILL at random
moments, 25 times. After every kill: the database is intact, every commit the writer reported
is there, and nothing is half-written — no person without the child record, no child added
for a person without that person, no record without its audit event, no audit event without
its record, and the audit hash chain still verifies end to end.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

WRITER = Path(__file__).with_name("crash_writer.py")
KILLS = 25


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "MACEHUB_ENV": "test"}


def _run(mode: str, database_url: str) -> str:
    done = subprocess.run(
        [sys.executable, str(WRITER), mode],
        env=_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def drill_database(tmp_path: Path) -> Iterator[str]:
    """A database for the drill alone, on the engine the suite runs on."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'drill.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"macehub_crashdrill_{uuid.uuid4().hex[:10]}"
    server: dict[str, Any] = {
        k: v for k, v in {"host": default["HOST"], "port": default["PORT"], "user": default["USER"]}.items() if v
    }
    if default.get("PASSWORD"):
        server["password"] = default["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    auth = default["USER"] + (f":{default['PASSWORD']}" if default.get("PASSWORD") else "")
    try:
        yield f"postgres://{auth}@{default['HOST'] or 'localhost'}:{default['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class Writer:
    """The writer process, its output read line by line on a thread (so waiting never blocks)."""

    def __init__(self, database_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WRITER), "write"],
            env=_env(database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.last_committed = 0
        self.check: dict[str, object] | None = None
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def _take(self, line: str) -> None:
        if line.startswith("committed "):
            self.last_committed = int(line.split()[1])
        elif line.startswith("check "):
            self.check = json.loads(line.removeprefix("check "))

    def wait_until_writing(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    assert self.process.stderr is not None
                    pytest.fail(f"the writer stopped: {self.process.stderr.read()[-3000:]}")
                continue
            self._take(line)
            if line == "writing":
                return
        pytest.fail("the writer did not start writing")

    def kill(self) -> None:
        if self.process.poll() is not None:  # it must still be writing when the kill comes
            assert self.process.stderr is not None
            pytest.fail(f"the writer stopped by itself: {self.process.stderr.read()[-3000:]}")
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)  # it ends at the end of the output: every line is queued
        while not self.lines.empty():
            self._take(self.lines.get_nowait())
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


def assert_consistent(state: dict[str, object], committed: int) -> None:
    if "integrity_check" in state:
        assert state["integrity_check"] == ["ok"]
        assert state["foreign_key_problems"] == 0
    assert isinstance(state["persons"], int)
    assert state["persons"] >= committed, "a commit the writer reported is missing"
    assert state["children"] == state["persons"]
    assert state["persons_without_child"] == 0
    assert state["children_without_person"] == 0
    assert state["persons_without_harm_types"] == 0
    assert state["records_without_audit"] == 0
    assert state["audit_without_record"] == 0
    assert state["chain_ok"], state["chain_problem"]


def test_killing_the_writer_at_random_leaves_no_partial_change(drill_database: str) -> None:
    _run("setup", drill_database)
    chooser = random.Random(int(os.environ.get("CRASH_DRILL_SEED", "27")))
    committed = 0
    for _ in range(KILLS):
        writer = Writer(drill_database)
        writer.wait_until_writing()
        assert writer.check is not None
        assert_consistent(writer.check, committed)
        time.sleep(chooser.uniform(0.05, 0.8))
        writer.kill()
        committed = max(committed, writer.last_committed)
    final = json.loads(_run("check", drill_database).strip().splitlines()[-1])
    assert_consistent(final, committed)
    # The drill is only a drill if the kills landed among real writes.
    assert committed >= KILLS, f"only {committed} records were written in {KILLS} runs"
