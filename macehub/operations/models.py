"""The e-mail outbox and the background workers' heartbeats."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """One row per ``manage.py db_worker`` process, beaten every few seconds by a thread.

    A RUNNING task whose worker has not beaten within the lease is handed back to the queue
    (see :mod:`macehub.operations.leases`)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(db_index=True)
    #: The task the worker is running now ("" when idle).
    task_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname}"


class OutboxMessage(models.Model):
    """An e-mail, written in the same transaction as the change that causes it.

    The worker delivers it and marks it sent. The Message-ID header is derived from the row's
    id, so a message sent again after a crash (sent, but the worker died before marking it)
    carries the same Message-ID, which mail clients show as one message."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.TextField()
    body = models.TextField()
    html_body = models.TextField(blank=True)
    to = models.JSONField(default=list)
    #: ``[[file name, text, MIME type], ...]``: text attachments only (calendar invitations).
    attachments = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=320)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"e-mail {self.id}"

    @property
    def message_id(self) -> str:
        domain = urlsplit(settings.SITE_URL).hostname or "macehub.invalid"
        return f"<outbox.{self.id}@{domain}>"

    @property
    def gave_up(self) -> bool:
        return self.sent_at is None and self.attempts >= settings.OUTBOX_MAX_ATTEMPTS
