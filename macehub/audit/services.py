"""Writing audit events. Every app records through :func:`record`."""

from __future__ import annotations

import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from macehub.core import context
from macehub.core.services import field_changes, snapshot, update_versioned

from . import chain
from .models import Action, AuditEvent, ChainHead


def _json_safe(value: dict[str, Any] | None) -> dict[str, Any]:
    # Stored exactly as hashed: dates and other objects become strings first.
    return json.loads(json.dumps(value or {}, default=str, sort_keys=True))  # type: ignore[no-any-return]


def object_ref(obj: models.Model | None) -> tuple[str, str, str]:
    """(type, id, label) for an event; the label must never identify a child or suspect,
    so models holding such data define ``audit_label`` (e.g. a pseudonymous reference)."""
    if obj is None:
        return "", "", ""
    label = getattr(obj, "audit_label", None)
    if label is None:
        label = str(obj)
    return obj._meta.label_lower, str(obj.pk), str(label)[:200]


def record(
    *,
    action: Action | str,
    actor: Any = None,
    obj: models.Model | None = None,
    partnership_id: int | None = None,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    purpose: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Call it in the same ``transaction.atomic()`` block as the write it describes, so the
    change and its audit event are committed together or not at all. Record events after
    the service's other writes: appending locks the chain head until commit.
    """
    ctx = context.current()
    object_type, object_id, object_label = object_ref(obj)
    if partnership_id is None and obj is not None:
        partnership_id = getattr(obj, "audit_partnership_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if not actor_label and actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = getattr(actor, "email", "") or str(actor)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        values: dict[str, Any] = {
            "seq": head.last_seq + 1,
            "occurred_at": timezone.now(),
            "actor_id": actor_id,
            "actor_label": actor_label[:254],
            "action": str(action),
            "object_type": object_type,
            "object_id": object_id,
            "object_label": object_label,
            "partnership_id": partnership_id,
            "ip_address": ctx.ip_address or "",
            "user_agent": ctx.user_agent,
            "request_id": ctx.request_id,
            "purpose": purpose,
            "changes": _json_safe(changes),
            "detail": _json_safe(detail),
        }
        prev = head.last_hash or chain.GENESIS
        digest = chain.event_hash(prev, values)
        event = AuditEvent.objects.create(**values, prev_hash=prev, hash=digest)
        ChainHead.objects.filter(pk=head.pk).update(last_seq=values["seq"], last_hash=digest)
    return event


def record_many(events: list[dict[str, Any]], *, actor: Any = None) -> int:
    """Append many events at once (an import of thousands of records), inside the caller's
    transaction: the chain head is locked once and the events written in batches, each hashed
    onto the one before exactly as :func:`record` would. Each item holds ``action``, ``obj`` and
    optionally ``changes``, ``detail`` and ``partnership_id``. Returns how many were written."""
    if not events:
        return 0
    ctx = context.current()
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        actor_label = getattr(actor, "email", "") or str(actor)
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev = head.last_seq, head.last_hash or chain.GENESIS
        rows = []
        for item in events:
            obj = item.get("obj")
            object_type, object_id, object_label = object_ref(obj)
            partnership_id = item.get("partnership_id")
            if partnership_id is None and obj is not None:
                partnership_id = getattr(obj, "audit_partnership_id", None)
            seq += 1
            values: dict[str, Any] = {
                "seq": seq,
                "occurred_at": timezone.now(),
                "actor_id": actor_id,
                "actor_label": actor_label[:254],
                "action": str(item["action"]),
                "object_type": object_type,
                "object_id": object_id,
                "object_label": object_label,
                "partnership_id": partnership_id,
                "ip_address": ctx.ip_address or "",
                "user_agent": ctx.user_agent,
                "request_id": ctx.request_id,
                "purpose": item.get("purpose", ""),
                "changes": _json_safe(item.get("changes")),
                "detail": _json_safe(item.get("detail")),
            }
            digest = chain.event_hash(prev, values)
            rows.append(AuditEvent(**values, prev_hash=prev, hash=digest))
            prev = digest
        AuditEvent.objects.bulk_create(rows, batch_size=500)
        ChainHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev)
    return len(rows)


def save_with_audit(
    instance: models.Model,
    *,
    actor: Any,
    expected_version: int,
    fields: list[str],
    before: dict[str, Any],
    redact: frozenset[str] = frozenset(),
    action: Action | str = Action.UPDATE,
    detail: dict[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """Save an edit and its audit event together: the shared shape of every "change" service.

    ``before`` is ``snapshot(instance, fields)`` taken before the form's values were applied.
    The save is the optimistic-locked ``update_versioned`` (someone else's save in between
    raises ``ConcurrentEditError``); the event names only the fields whose values changed (with
    ``redact``'s values left out) and is not written when nothing changed. Returns the changes.
    """
    with transaction.atomic():
        update_versioned(instance, expected_version=expected_version, actor=actor, fields=fields)
        changes = field_changes(before, snapshot(instance, fields), redact=redact)
        if changes or detail:
            record(action=action, actor=actor, obj=instance, changes=changes, detail=detail)
    return changes
