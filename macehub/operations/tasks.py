"""Background tasks for operations (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def deliver_outbox(message_id: str) -> str:
    """Deliver one outbox e-mail (written by :func:`macehub.operations.outbox.write`)."""
    from .outbox import deliver

    return deliver(message_id)
