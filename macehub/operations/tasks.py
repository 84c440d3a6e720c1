"""Background tasks for operations (run by ``manage.py db_worker``).

The e-mail delivery lives here with its task because a failed attempt queues the task again:
:mod:`macehub.operations.outbox` writes messages and queues this task, never the other way round.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .models import OutboxMessage
from .queueing import queues_in_transaction

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The mail server refused or could not be reached; the attempt is recorded and retried."""


@task()
def deliver_outbox(message_id: str) -> str:
    """Deliver one outbox e-mail (written by :func:`macehub.operations.outbox.write`)."""
    return deliver(message_id)


def build(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        headers={"Message-ID": message.message_id},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    return email


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver(message_id: str) -> str:
    """Send one message unless it has been sent; returns what happened (the task's result)."""
    error = ""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None:
            # Deleted, or another worker holds it and is sending it now.
            return "skipped"
        if message.sent_at is not None:
            return "already sent"
        now = timezone.now()
        message.attempts += 1
        message.last_attempt_at = now
        try:
            build(message).send()
        except Exception as exc:  # the mail server's refusal, a timeout, a refused connection
            error = f"{type(exc).__name__}: {exc}"[:500]
            message.last_error = error
            message.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            if message.attempts < settings.OUTBOX_MAX_ATTEMPTS and queues_in_transaction():
                deliver_outbox.using(run_after=now + _retry_delay(message.attempts)).enqueue(message_id=message_id)
        else:
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "last_attempt_at", "last_error", "sent_at"])
    if error:
        logger.warning("E-mail %s not delivered (attempt %d): %s", message_id, message.attempts, error)
        raise DeliveryError(error)
    logger.info("Delivered e-mail %s to %d recipient(s)", message_id, len(message.to))
    return "sent"
