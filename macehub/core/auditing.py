"""The audit events that core itself raises: a refused record and a download.

``core`` sits below ``audit`` and never imports it. The audit app registers its writer here in
``AppConfig.ready()`` (the same registry pattern as navigation and the access loader), and checks
that the action names below are among its own ``Action`` choices.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models

#: Someone asked for a record that exists but is not theirs, or a page that refused them.
PERMISSION_DENIED = "permission_denied"
#: A stored file was served.
DOWNLOAD = "download"

ACTIONS = frozenset({PERMISSION_DENIED, DOWNLOAD})


class Writer(Protocol):
    def __call__(
        self, *, action: str, actor: Any = None, obj: models.Model | None = None, detail: dict[str, Any] | None = None
    ) -> object: ...


_writer: Writer | None = None


def register(writer: Writer) -> None:
    global _writer  # one writer per process, set once at start-up
    _writer = writer


def record(
    action: str, *, actor: Any = None, obj: models.Model | None = None, detail: dict[str, Any] | None = None
) -> None:
    """Append the event to the audit chain, inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"core raises no {action!r} audit event")
    if _writer is None:
        raise ImproperlyConfigured("No audit writer registered: is macehub.audit in INSTALLED_APPS?")
    _writer(action=action, actor=actor, obj=obj, detail=detail)
