"""``flush`` that refuses in production and otherwise lifts the audit triggers while it runs.

Django's own flush empties every table, which the append-only triggers forbid for the audit
table. The test-suite flushes between browser tests, so outside production this lifts the
triggers for the flush and puts them back straight after, then reloads the reference data the
data migrations loaded (see macehub.core.reference).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from macehub.audit import triggers


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("flush would erase the audit trail; it is disabled in production.")
        connection = connections[options.get("database") or "default"]
        triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            triggers.install(connection)
        from macehub.core import reference

        reference.reload_all()
