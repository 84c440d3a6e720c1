"""Sending e-mail from services: rendered now, delivered by the task worker after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def send_later(
    *, template: str, to: list[str], context: dict[str, Any], attachments: list[list[str]] | None = None
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_message.txt`` and queue the e-mail.

    Queued on commit, so a rolled-back change never e-mails anyone. ``attachments`` are
    ``[file name, text, MIME type]`` (a calendar invitation)."""
    full_context = {
        "site_url": settings.SITE_URL,
        "service_name": settings.MACEHUB_SERVICE_NAME,
        **context,
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
    body = render_to_string(f"{template}_message.txt", full_context)
    enqueue_email(
        subject=f"{settings.MACEHUB_SERVICE_NAME}: {subject}", body=body, to=to, attachments=attachments or []
    )


def enqueue_email(
    *, subject: str, body: str, to: list[str], html_body: str = "", attachments: list[list[str]] | None = None
) -> None:
    if attachments:
        transaction.on_commit(
            lambda: send_email.enqueue(subject=subject, body=body, to=to, html_body=html_body, attachments=attachments)
        )
    else:
        transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=to, html_body=html_body))
