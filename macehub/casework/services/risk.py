"""Risk assessments (and, for those who decide, the child's current risk level)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import snapshot
from macehub.subjects.models import RiskChange, Subject
from macehub.subjects.services import records as record_services

from ..models import (
    RiskAssessment,
)
from ..policies import policy
from ..selectors import settings_for
from .common import long_date, not_future, raise_errors

# --- Risk assessments ------------------------------------------------------------------------

ASSESSMENT_FIELDS = ["tool", "assessor_name", "assessor_agency", "assessed_on", "level", "factors", "next_review_on"]


def assessment_create(
    *,
    actor: Any,
    child: Subject,
    values: dict[str, Any],
    set_current_level: bool = False,
    expected_child_version: int | None = None,
) -> RiskAssessment:
    """Record a risk assessment. With ``set_current_level`` (coordinators and chairs) the child's
    current risk level is set from it, through the register, so the level and its history stay
    in one place — only if the child's record is still at ``expected_child_version``, the
    version the person saw (with its risk level) when they opened the form: otherwise
    :class:`ConcurrentEditError`, and nothing is saved (C28)."""
    policy.require(actor, "record_child_casework", child)
    if set_current_level:
        policy.require(actor, "set_risk_level", child)
        if expected_child_version is None:
            raise ValueError("Setting the current level needs the version of the child's record the person saw.")
    settings = settings_for(child.panel)
    errors: dict[str, str] = {}
    assessed_on: date | None = values.get("assessed_on")
    if assessed_on is None:
        raise ValidationError({"assessed_on": "Enter the date of the assessment"})
    not_future(errors, "assessed_on", assessed_on, "The date of the assessment")
    if values.get("level") not in child.panel.risk_levels:
        errors["level"] = "Choose a level from the panel's risk scale"
    next_review: date = values.get("next_review_on") or assessed_on + timedelta(weeks=settings.assessment_review_weeks)
    if next_review <= assessed_on:
        errors["next_review_on"] = "The next review must be after the date of the assessment"
    if set_current_level:
        later = RiskChange.objects.filter(subject=child, decided_on__gt=assessed_on).order_by("-decided_on").first()
        if later is not None:
            errors["set_current_level"] = (
                f"A later decision on the risk level ({later.level}, {long_date(later.decided_on)}) is on record: "
                "an older assessment cannot set the current level"
            )
    raise_errors(errors)
    assessment = RiskAssessment(
        child=child,
        **{k: values[k] for k in ASSESSMENT_FIELDS if k != "next_review_on"},
        next_review_on=next_review,
        set_current_level=set_current_level,
        created_by=actor,
        updated_by=actor,
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        if set_current_level:
            record_services.subject_set_risk(
                actor=actor,
                subject=child,
                expected_version=expected_child_version or 0,
                level=assessment.level,
                reason=f"Risk assessment ({assessment.tool}) by {assessment.assessor_name}, "
                f"{assessment.assessor_agency}, on {long_date(assessment.assessed_on)}.",
                decided_on=assessment.assessed_on,
            )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=assessment,
            changes=snapshot(assessment, [*ASSESSMENT_FIELDS, "set_current_level"]),
        )
    return assessment
