"""verify_audit on a live system: one consistent snapshot, so it never cries wolf while
requests are being audited, and still catches a real edit (issue #11)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from macehub.audit import triggers
from macehub.audit.models import Action, AuditEvent
from macehub.audit.services import record
from macehub.audit.verify import verify_chain

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The race needs concurrent writers; SQLite serialises them (run with DATABASE_URL=postgres://...)",
)


def _writer(stop: threading.Event, written: list[int]) -> None:
    try:
        while not stop.is_set():
            record(action=Action.VIEW, actor_label="load@test.invalid", detail={"n": len(written)})
            written.append(1)
    finally:
        connections.close_all()


def test_verify_audit_never_reports_a_mismatch_while_events_are_written(transactional_db) -> None:
    for i in range(50):
        record(action=Action.VIEW, actor_label=f"seed{i}@test.invalid")
    stop = threading.Event()
    written: list[int] = []
    writers = [threading.Thread(target=_writer, args=(stop, written)) for _ in range(2)]
    for thread in writers:
        thread.start()
    results: list[Any] = []
    try:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline or len(results) < 15:
            results.append(verify_chain(batch_size=20))
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    problems = [r.problem for r in results if not r.ok]
    assert problems == []
    # The runs overlapped real writes: the event counts they saw differ.
    assert len(written) > 20 and len({r.checked for r in results}) > 3

    # A real edit is still caught.
    event = AuditEvent.objects.order_by("seq")[10]
    triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["x@test.invalid", event.pk])
        result = verify_chain()
    finally:
        triggers.install(connection)
    assert not result.ok and result.seq == event.seq and "altered" in result.problem
