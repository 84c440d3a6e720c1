"""The worker-kill drill (issue #11): real `manage.py db_worker` processes on PostgreSQL,
SIGKILLed mid-job ten times, delivering 60 action reminders to a local SMTP server.

Every e-mail must arrive; none may be lost; no task may be left RUNNING once the lease has
passed. A worker killed after the server accepted a message but before it was marked sent
sends it again with the same Message-ID: mail clients show one message per Message-ID, so
the drill counts messages by Message-ID ("no duplicate a person would see") and reports how
many raw re-sends there were."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The drill needs several worker processes sharing one database with row locks: PostgreSQL only",
)

ROOT = Path(__file__).resolve().parent.parent
EMAILS = 60
KILLS = 10
WORKERS = 4
LEASE = 2.0
SMTP_DELAY = 0.3  # seconds the server takes to accept a message, so kills land mid-job


class Recorder:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        await asyncio.sleep(SMTP_DELAY)
        message = message_from_bytes(envelope.original_content or envelope.content)
        self.message_ids.append(str(message["Message-ID"]).strip())
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Any:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield recorder, controller.port
    controller.stop()


def _worker_env(smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        MACEHUB_ENV="production",
        DEBUG="false",
        SECRET_KEY="drill-only-" + "k" * 50,
        MACEHUB_LONDON_KEY="drill-only-" + "l" * 50,
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=url,
        SITE_URL=settings.SITE_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="false",
        TASKS_LEASE_SECONDS=str(LEASE),
        TASKS_HEARTBEAT_SECONDS="0.4",
    )
    return env


def _start_worker(worker_id: str, env: dict[str, str], log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--worker-id", worker_id],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _make_actions(world: Any, n: int) -> None:
    from macehub.meetings.models import Action

    due = timezone.localdate() + timedelta(days=2)
    for i in range(n):
        Action.objects.create(
            panel=world.panel_a,
            number=i + 1,
            description=f"Drill action {i + 1}.",
            owner_agency=world.agencies["police_a"],
            owner=world.user("member_a"),
            due_date=due,
        )


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_killed_workers_lose_no_email_and_leave_no_task_running(transactional_db, smtp_server, tmp_path) -> None:
    from django_tasks_db.models import DBTaskResult

    from macehub.meetings.models import Action
    from macehub.meetings.services.actions import send_reminders
    from macehub.operations.models import OutboxMessage, WorkerHeartbeat
    from tests.factories.personas import build_world

    recorder, port = smtp_server
    world = build_world()
    _make_actions(world, EMAILS)
    env = _worker_env(port)
    log = (tmp_path / "workers.log").open("wb")
    workers: dict[str, subprocess.Popen[bytes]] = {}
    serial = 0

    def start() -> None:
        nonlocal serial
        serial += 1
        workers[f"drill-{serial}"] = _start_worker(f"drill-{serial}", env, log)

    started = time.monotonic()
    try:
        for _ in range(WORKERS):
            start()
        while WorkerHeartbeat.objects.count() < WORKERS:
            # Generous: a loaded CI machine can take a while to start four Django processes.
            assert time.monotonic() - started < 120, (tmp_path / "workers.log").read_text()[-3000:]
            time.sleep(0.2)

        # The real service: each reminder's e-mail is written with its "reminded" flag.
        assert send_reminders() == {"before": EMAILS, "overdue": 0}
        assert Action.objects.filter(reminded_before_on__isnull=False).count() == EMAILS
        expected = {m.message_id for m in OutboxMessage.objects.all()}
        assert len(expected) == EMAILS

        kills_mid_job = 0
        queued = time.monotonic()
        deadline = queued + 150
        while time.monotonic() < deadline:
            if kills_mid_job < KILLS:
                busy = DBTaskResult.objects.running().values_list("worker_ids", flat=True)
                victim = next((ids[-1] for ids in busy if ids and ids[-1] in workers), None)
                if victim is not None and workers[victim].poll() is None:
                    workers[victim].send_signal(signal.SIGKILL)
                    workers.pop(victim).wait()
                    kills_mid_job += 1
                    start()
            unsent = OutboxMessage.objects.filter(sent_at__isnull=True).count()
            unfinished = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
            if kills_mid_job >= KILLS and unsent == 0 and unfinished == 0:
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - queued
    finally:
        for proc in workers.values():
            proc.send_signal(signal.SIGTERM)
        for proc in workers.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()

    received = Counter(recorder.message_ids)
    lost = expected - set(received)
    strangers = set(received) - expected
    resent = sum(received.values()) - len(received)
    print(
        f"\nDrill: {EMAILS} e-mails, {kills_mid_job} workers killed mid-job, {len(received)} distinct delivered, "
        f"{resent} re-sent with the same Message-ID, {len(lost)} lost, {elapsed:.1f}s from queueing to the last delivery"
    )
    assert kills_mid_job == KILLS
    assert lost == set() and strangers == set()
    assert len(received) == EMAILS  # one message per Message-ID: what a person sees
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert DBTaskResult.objects.running().count() == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 0
    assert DBTaskResult.objects.filter(status="FAILED").count() == 0
