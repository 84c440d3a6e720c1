"""manage.py db_worker — django-tasks-db's worker, with a heartbeat and task leases.

Same options as django-tasks-db's command. In addition, a thread records every
``TASKS_HEARTBEAT_SECONDS`` that this worker is alive, and every worker hands back to the
queue any task left RUNNING by a worker that has not beaten for ``TASKS_LEASE_SECONDS``
(one killed mid-task, or on a machine that died). See docs/configuration.md.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands import db_worker as upstream
from django_tasks_db.models import DBTaskResult

from macehub.operations.leases import Heartbeat, beat, housekeeping, stopped


class LeasedWorker(upstream.Worker):
    heartbeat: Heartbeat

    def run(self) -> None:
        self.heartbeat = Heartbeat(self.worker_id)
        beat(self.worker_id)
        housekeeping()
        self.heartbeat.start()
        try:
            super().run()
        finally:
            self.heartbeat.stop()
            try:
                stopped(self.worker_id)
            except Exception:  # the database may be the reason we are stopping
                upstream.logger.exception("Could not record that worker %s stopped", self.worker_id)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        self.heartbeat.task_id = str(db_task_result.pk)
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.task_id = ""


class Command(upstream.Command):
    help = "Run the background worker (django-tasks-db's, with a heartbeat and task leases)"

    def handle(self, *args: Any, **options: Any) -> None:
        original = upstream.Worker
        upstream.Worker = LeasedWorker  # type: ignore[misc]
        try:
            super().handle(*args, **options)
        finally:
            upstream.Worker = original  # type: ignore[misc]
