"""The e-mail outbox: written with the change, delivered by the worker, never lost.

* :func:`write` stores the message in the caller's transaction and queues its delivery
  (also in that transaction with the database task backend).
* :func:`deliver` sends it while holding the row's lock, then marks it sent. Two workers can
  never send the same row at once; a worker killed after the SMTP server accepted the
  message but before the mark commits leaves it unsent, and it is sent again with the same
  Message-ID (at least once; mail clients show one message per Message-ID).
* :func:`requeue_stalled` (run by every worker's heartbeat thread) queues delivery again for
  any message unsent for longer than ``OUTBOX_STALL_SECONDS`` whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage
from .queueing import enqueue_with_change, queues_in_transaction

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The mail server refused or could not be reached; the attempt is recorded and retried."""


def write(
    *, subject: str, body: str, to: list[str], html_body: str = "", attachments: list[list[str]] | None = None
) -> OutboxMessage:
    """``attachments`` are ``[file name, text, MIME type]`` (a calendar invitation)."""
    from .tasks import deliver_outbox

    with transaction.atomic():
        message = OutboxMessage.objects.create(
            subject=subject,
            body=body,
            html_body=html_body,
            to=list(to),
            attachments=[list(attachment) for attachment in attachments or []],
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        enqueue_with_change(deliver_outbox, message_id=str(message.pk))
    return message


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
    from .tasks import deliver_outbox

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


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue delivery again for messages unsent for too long with no delivery task waiting.

    A safety net: normally the task committed with the message delivers it."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .tasks import deliver_outbox

    if not queues_in_transaction():
        return 0
    now = now or timezone.now()
    stalled = OutboxMessage.objects.filter(
        sent_at__isnull=True,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
        created_at__lt=now - timedelta(seconds=settings.OUTBOX_STALL_SECONDS),
    ).values_list("pk", flat=True)[:500]
    queued = 0
    for pk in stalled:
        pending = DBTaskResult.objects.filter(
            task_path=deliver_outbox.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            args_kwargs__kwargs__message_id=str(pk),
        ).exists()
        if not pending:
            deliver_outbox.enqueue(message_id=str(pk))
            queued += 1
    if queued:
        logger.warning("Queued delivery again for %d stalled e-mail(s)", queued)
    return queued


def prune_sent(now: datetime | None = None) -> int:
    """Sent messages hold personal data: keep them ``OUTBOX_KEEP_SENT_DAYS`` days, then delete."""
    now = now or timezone.now()
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=now - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)).delete()
    return deleted
