"""Sending e-mail from services: rendered now, written to the outbox in the caller's
transaction, delivered by the task worker (see macehub/operations/outbox.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string


def send_later(
    *, template: str, to: list[str], context: dict[str, Any], attachments: list[list[str]] | None = None
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>_message.txt`` and queue the e-mail.

    Written with the change, so a rolled-back change never e-mails anyone and a committed
    one always does. ``attachments`` are ``[file name, text, MIME type]`` (a calendar invitation)."""
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


#: Writes one e-mail to the outbox; registered by the operations app in ``AppConfig.ready``
#: (``core`` never imports the apps above it).
_outbox_writer: Callable[..., Any] | None = None


def register_outbox(writer: Callable[..., Any]) -> None:
    global _outbox_writer
    _outbox_writer = writer


def enqueue_email(
    *, subject: str, body: str, to: list[str], html_body: str = "", attachments: list[list[str]] | None = None
) -> None:
    if _outbox_writer is None:
        raise ImproperlyConfigured("No e-mail outbox: add macehub.operations to INSTALLED_APPS.")
    _outbox_writer(subject=subject, body=body, to=to, html_body=html_body, attachments=attachments or [])
