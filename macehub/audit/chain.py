"""How an event's hash is computed; shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings

GENESIS = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "partnership_id",
    "ip_address",
    "user_agent",
    "request_id",
    "purpose",
    "changes",
    "detail",
)


def _key() -> bytes:
    # A keyed hash: someone who can write to the database but does not hold the key
    # cannot recompute a consistent chain after tampering.
    configured = getattr(settings, "AUDIT_CHAIN_KEY", "") or ""
    material = configured or f"macehub-audit-chain:{settings.SECRET_KEY}"
    return hashlib.sha256(material.encode()).digest()


def canonical(values: dict[str, Any]) -> bytes:
    def normalise(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        return value

    payload = {name: normalise(values[name]) for name in HASHED_FIELDS}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(prev_hash: str, values: dict[str, Any]) -> str:
    return hmac.new(_key(), prev_hash.encode() + b"|" + canonical(values), hashlib.sha256).hexdigest()
