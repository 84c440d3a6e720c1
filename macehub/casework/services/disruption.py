"""Disruption activity against locations, groups and persons of concern."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import snapshot
from macehub.subjects.models import Kind, Subject

from ..models import (
    Disruption,
    Tactic,
)
from ..policies import policy
from ..selectors import children_linked_to
from .common import not_future, raise_errors

# --- Disruption ------------------------------------------------------------------------------

DISRUPTION_FIELDS = ["category", "tactic", "other_tactic", "agency", "done_on", "description", "outcome"]
DISRUPTION_TARGET_KINDS = (Kind.LOCATION, Kind.GROUP, Kind.PERSON)


def _check_disruption(disruption: Disruption) -> None:
    errors: dict[str, str] = {}
    not_future(errors, "done_on", disruption.done_on, "The date of the activity")
    if disruption.tactic == Tactic.OTHER and not disruption.other_tactic.strip():
        errors["other_tactic"] = "Enter the tactic or legal tool used"
    if disruption.tactic != Tactic.OTHER:
        disruption.other_tactic = ""
    raise_errors(errors)


def disruption_create(
    *, actor: Any, target: Subject, values: dict[str, Any], children: Iterable[Subject] = ()
) -> Disruption:
    """Record disruption activity against a location, group or person of concern, and the
    children it protects (children linked to the target)."""
    policy.require(actor, "record_casework", target)
    if target.kind not in DISRUPTION_TARGET_KINDS:
        raise ValidationError("Disruption is recorded against a location, group or person of concern.")
    protected = list(children)
    allowed = set(children_linked_to(target).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in protected):
        raise ValidationError({"children": "Choose children linked to this record"})
    disruption = Disruption(target=target, **values, created_by=actor, updated_by=actor)
    _check_disruption(disruption)
    disruption.full_clean()
    with transaction.atomic():
        disruption.save()
        disruption.children.set(protected)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=disruption,
            changes=snapshot(disruption, DISRUPTION_FIELDS),
            detail={"children": [c.reference for c in protected]},
        )
    return disruption


def disruption_update(
    *, actor: Any, disruption: Disruption, expected_version: int, values: dict[str, Any]
) -> Disruption:
    policy.require(actor, "record_casework", disruption)
    before = snapshot(disruption, DISRUPTION_FIELDS)
    for name in DISRUPTION_FIELDS:
        if name in values:
            setattr(disruption, name, values[name])
    _check_disruption(disruption)
    save_with_audit(disruption, actor=actor, expected_version=expected_version, fields=DISRUPTION_FIELDS, before=before)
    return disruption
