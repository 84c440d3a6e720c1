"""Retrying a job or an e-mail from the jobs page (each retry is audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record

from .models import OutboxMessage
from .queueing import enqueue_with_change
from .selectors import alive_worker_ids
from .tasks import deliver_outbox


class NothingToRetryError(Exception):
    """The job finished, or the e-mail was sent, since the page was loaded."""


def retry_task(*, actor: Any, task_id: str) -> None:
    """Put a failed task, or a running one whose worker stopped, back in the queue."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        if task is None:
            raise NothingToRetryError
        owner = task.worker_ids[-1] if task.worker_ids else ""
        stuck = task.status == TaskResultStatus.RUNNING and owner not in alive_worker_ids()
        if task.status != TaskResultStatus.FAILED and not stuck:
            raise NothingToRetryError
        previous = task.status
        task.status = TaskResultStatus.READY
        task.started_at = None
        task.finished_at = None
        task.exception_class_path = ""
        task.traceback = ""
        task.save(update_fields=["status", "started_at", "finished_at", "exception_class_path", "traceback"])
        record(
            action=Action.UPDATE,
            actor=actor,
            detail={"event": "job_retried", "task": str(task.pk), "name": task.task_path, "was": previous},
        )


def retry_email(*, actor: Any, message_id: str) -> None:
    """Queue an unsent e-mail again, with a fresh count of attempts."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id, sent_at__isnull=True).first()
        if message is None:
            raise NothingToRetryError
        message.attempts = 0
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error"])
        enqueue_with_change(deliver_outbox, message_id=str(message.pk))
        record(action=Action.UPDATE, actor=actor, obj=message, detail={"event": "email_retried"})
