"""What the jobs page and the health endpoint read (no personal data beyond what a system
admin needs: e-mail subjects and how many recipients, never bodies or addresses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from .models import OutboxMessage, WorkerHeartbeat


@dataclass(frozen=True)
class WorkerState:
    newest_beat: datetime | None
    age_seconds: float | None
    alive: int

    @property
    def healthy(self) -> bool:
        return self.age_seconds is not None and self.age_seconds <= settings.HEALTH_WORKER_MAX_AGE_SECONDS


def worker_state(now: datetime | None = None) -> WorkerState:
    now = now or timezone.now()
    newest = WorkerHeartbeat.objects.aggregate(newest=Max("beat_at"))["newest"]
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(seconds=settings.TASKS_LEASE_SECONDS)).count()
    age = max((now - newest).total_seconds(), 0.0) if newest else None
    return WorkerState(newest, age, alive)


def workers() -> QuerySet[WorkerHeartbeat]:
    return WorkerHeartbeat.objects.order_by("-beat_at")


def alive_worker_ids(now: datetime | None = None) -> set[str]:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASKS_LEASE_SECONDS)
    return set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))


def _row(task: Any, alive: set[str], now: datetime) -> dict[str, Any]:
    owner = task.worker_ids[-1] if task.worker_ids else ""
    return {
        "id": str(task.pk),
        "name": task.task_path.rsplit(".", 1)[-1],
        "status": task.status,
        "enqueued_at": task.enqueued_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "worker": owner,
        "worker_alive": owner in alive,
        "runs": len(task.worker_ids),
        "error": task.exception_class_path.rsplit(".", 1)[-1] if task.exception_class_path else "",
    }


def stuck_tasks(now: datetime | None = None) -> list[dict[str, Any]]:
    """RUNNING tasks whose worker has stopped beating (reclaimed automatically after the lease),
    and READY tasks that have waited more than five minutes (no worker is taking them)."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    alive = alive_worker_ids(now)
    rows = []
    for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")[:200]:
        row = _row(task, alive, now)
        if not row["worker_alive"]:
            rows.append({**row, "problem": "Its worker stopped; it will run again after the lease"})
    waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=now - timedelta(minutes=5)).order_by("enqueued_at")
    for task in waiting[:200]:
        rows.append({**_row(task, alive, now), "problem": "Waiting for a worker for over five minutes"})
    return rows


def failed_tasks(limit: int = 100) -> list[dict[str, Any]]:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    alive = alive_worker_ids(now)
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")[:limit]
    return [_row(task, alive, now) for task in failed]


def unsent_emails(limit: int = 200) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at")[:limit]
