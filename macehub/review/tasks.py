"""Background tasks for the review (run by ``manage.py db_worker``)."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def send_return_reminders(cycle_id: int, requested_at: str = "") -> int:
    """E-mail the leads of every partnership that has not yet submitted its return."""
    from datetime import datetime

    from .services.cycles import send_reminders

    sent = send_reminders(
        cycle_id=cycle_id, requested_at=datetime.fromisoformat(requested_at) if requested_at else None
    )
    logger.info("Sent self-assessment reminders for cycle %s to %d partnership(s)", cycle_id, sent)
    return sent
