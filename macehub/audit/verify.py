"""Checking the audit chain end to end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from . import chain
from .models import AuditEvent, ChainHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    head_hash: str = ""


@contextmanager
def snapshot() -> Iterator[None]:
    """One consistent read of the whole chain.

    On PostgreSQL a read-only REPEATABLE READ transaction: every query inside sees the database
    as it was at the first one, so events audited while the check runs (and the chain head
    they move) are simply not seen, and cannot be mistaken for missing ones. On SQLite the
    transaction holds the database's lock for the duration, which has the same effect. Inside
    an outer transaction (a test, a caller's own block) the caller's transaction is used as is."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Check the chain in one consistent snapshot (see :func:`snapshot`)."""
    with snapshot():
        return _verify_chain(batch_size)


def _verify_chain(batch_size: int) -> VerifyResult:
    """Recompute every event's hash in order; report the first break.

    Detects: a changed field (hash mismatch), a removed or re-ordered event (a gap in the
    sequence or a broken link to the previous hash), and events removed from the end
    (the chain head records the last sequence number and hash)."""
    expected_seq = 1
    prev = chain.GENESIS
    checked = 0
    fields = [*chain.HASHED_FIELDS, "prev_hash", "hash"]
    queryset = AuditEvent.objects.order_by("seq").values(*fields)
    for row in queryset.iterator(chunk_size=batch_size):
        seq = row["seq"]
        if seq != expected_seq:
            return VerifyResult(False, checked, f"event #{expected_seq} is missing", expected_seq)
        if row["prev_hash"] != prev:
            return VerifyResult(False, checked, f"event #{seq} does not follow event #{seq - 1}", seq)
        if chain.event_hash(prev, row) != row["hash"]:
            return VerifyResult(False, checked, f"event #{seq} has been altered", seq)
        prev = row["hash"]
        expected_seq += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    last_seq = head.last_seq if head else 0
    last_hash = (head.last_hash if head else "") or chain.GENESIS
    if last_seq != checked or (checked and last_hash != prev):
        return VerifyResult(
            False,
            checked,
            f"the chain head expects {last_seq} events but {checked} are stored",
            checked + 1,
        )
    return VerifyResult(True, checked, head_hash=head.last_hash if head else "")
