"""Background tasks shared by every app (run by ``manage.py db_worker``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(
    subject: str, body: str, to: list[str], html_body: str = "", attachments: list[list[str]] | None = None
) -> int:
    """Deliver one e-mail. No longer queued (e-mail goes through the outbox,
    macehub/operations/outbox.py); kept so tasks queued before the upgrade still run."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    sent = message.send()
    logger.info("Sent e-mail %r to %d recipient(s)", subject, len(to))
    return sent
