"""Worker heartbeats and task leases: a task claimed by a worker that died is run again.

Every ``manage.py db_worker`` runs a heartbeat thread that, every ``TASKS_HEARTBEAT_SECONDS``,
records that the worker is alive (and which task it is running). A RUNNING task whose worker
has not beaten for ``TASKS_LEASE_SECONDS`` (and that started at least that long ago) is put
back to READY by whichever worker notices first, and runs again: delivery is at least once.
Tasks must therefore be safe to run twice; e-mail delivery is (see :mod:`.outbox`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from .models import WorkerHeartbeat
from .outbox import prune_sent, requeue_stalled

logger = logging.getLogger(__name__)


def beat(worker_id: str, task_id: str = "") -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": timezone.now(),
            "task_id": task_id,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def stopped(worker_id: str) -> None:
    """A worker that stops cleanly says so, so its age is not mistaken for a dead one."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def reclaim_expired(now: datetime | None = None) -> int:
    """Put RUNNING tasks whose worker's lease has expired back in the queue; returns how many."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASKS_LEASE_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    reclaimed = 0
    with transaction.atomic():
        candidates = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for task in candidates:
            owner = task.worker_ids[-1] if task.worker_ids else ""
            if owner in alive:
                continue
            task.status = TaskResultStatus.READY
            task.started_at = None
            task.save(update_fields=["status", "started_at"])
            reclaimed += 1
            logger.warning("Task %s (%s) reclaimed: worker %s stopped beating", task.pk, task.task_path, owner)
    return reclaimed


def prune_dead_workers(now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return deleted


def housekeeping() -> None:
    """Run by every worker's heartbeat thread about twice a lease."""
    reclaim_expired()
    requeue_stalled()
    prune_sent()
    prune_dead_workers()


class Heartbeat(threading.Thread):
    """The worker's heartbeat thread (its own database connection)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.task_id = ""
        self._stop_event = threading.Event()

    def run(self) -> None:
        interval = settings.TASKS_HEARTBEAT_SECONDS
        sweep_every = max(settings.TASKS_LEASE_SECONDS / 2, interval)
        last_sweep = 0.0
        elapsed = 0.0
        try:
            while not self._stop_event.wait(interval):
                elapsed += interval
                try:
                    close_old_connections()
                    beat(self.worker_id, self.task_id)
                    if elapsed - last_sweep >= sweep_every:
                        last_sweep = elapsed
                        housekeeping()
                except Exception:
                    logger.exception("Worker heartbeat failed; retrying")
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop_event.set()
