"""Queueing a background task so that it is never lost.

With the database task backend (production, ``make run``) the task row is written in the
caller's transaction: the change and its task commit together or not at all, so a web
process killed just after commit loses nothing. Other backends (the test suite's immediate
backend) run the task on commit, so a rolled-back change never runs it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task, task_backends


def queues_in_transaction() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


def enqueue_with_change(task: Task[Any, Any], **kwargs: Any) -> None:
    if queues_in_transaction():
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))
