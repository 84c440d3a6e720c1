"""Escalations and their responses."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import snapshot
from macehub.subjects.models import Subject

from ..models import (
    Escalation,
    EscalationStatus,
)
from ..policies import policy
from .common import long_date, not_future, raise_errors

# --- Escalations -----------------------------------------------------------------------------

ESCALATION_FIELDS = ["route", "escalated_on", "escalated_to", "reason"]
RESPONSE_FIELDS = ["status", "response", "responded_on", "outcome"]


def _check_escalation(escalation: Escalation) -> None:
    errors: dict[str, str] = {}
    not_future(errors, "escalated_on", escalation.escalated_on, "The date of the escalation")
    if escalation.status != EscalationStatus.OPEN:
        if not escalation.response.strip():
            errors["response"] = "Enter the response"
        if escalation.responded_on is None:
            errors["responded_on"] = "Enter the date of the response"
    if escalation.responded_on is not None:
        not_future(errors, "responded_on", escalation.responded_on, "The date of the response")
        if escalation.escalated_on is not None and escalation.responded_on < escalation.escalated_on:
            errors["responded_on"] = (
                f"The response cannot be before the escalation, on {long_date(escalation.escalated_on)}"
            )
    raise_errors(errors)


def escalation_create(*, actor: Any, subject: Subject, values: dict[str, Any]) -> Escalation:
    policy.require(actor, "escalate", subject)
    escalation = Escalation(subject=subject, **values, created_by=actor, updated_by=actor)
    _check_escalation(escalation)
    escalation.full_clean()
    with transaction.atomic():
        escalation.save()
        record(action=Action.CREATE, actor=actor, obj=escalation, changes=snapshot(escalation, ESCALATION_FIELDS))
    return escalation


def escalation_update(
    *, actor: Any, escalation: Escalation, expected_version: int, values: dict[str, Any]
) -> Escalation:
    """Record the response and outcome (or correct the escalation)."""
    policy.require(actor, "escalate", escalation)
    fields = ESCALATION_FIELDS + RESPONSE_FIELDS
    before = snapshot(escalation, fields)
    for name in fields:
        if name in values:
            setattr(escalation, name, values[name])
    _check_escalation(escalation)
    save_with_audit(escalation, actor=actor, expected_version=expected_version, fields=fields, before=before)
    return escalation
