"""The e-mail outbox: written with the change, delivered by the worker, never lost.

* :func:`write` stores the message in the caller's transaction and queues its delivery
  (also in that transaction with the database task backend).
* :func:`macehub.operations.tasks.deliver` (the worker's task) sends it while holding the row's lock, then marks it sent. Two workers can
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
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage
from .queueing import enqueue_with_change, queues_in_transaction
from .tasks import deliver_outbox

logger = logging.getLogger(__name__)


def write(
    *, subject: str, body: str, to: list[str], html_body: str = "", attachments: list[list[str]] | None = None
) -> OutboxMessage:
    """``attachments`` are ``[file name, text, MIME type]`` (a calendar invitation)."""
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


def requeue_stalled(now: datetime | None = None) -> int:
    """Queue delivery again for messages unsent for too long with no delivery task waiting.

    A safety net: normally the task committed with the message delivers it."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

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
