"""Background tasks for meetings (run by ``manage.py db_worker``)."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def send_action_reminders() -> dict[str, int]:
    """Reminders before and after actions' due dates (queued daily by ``send_action_reminders``)."""
    from .services.actions import send_reminders

    sent = send_reminders()
    logger.info("Action reminders: %d due soon, %d overdue", sent["before"], sent["overdue"])
    return sent
