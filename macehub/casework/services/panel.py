"""A panel's casework settings (review intervals, NRM timeliness)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import field_changes, snapshot, update_versioned

from ..models import (
    CaseworkSettings,
)
from ..policies import policy
from ..selectors import settings_for

# --- Settings --------------------------------------------------------------------------------

SETTINGS_FIELDS = ["assessment_review_weeks", "plan_review_weeks", "nrm_decision_days", "consent_prompt_days"]


def settings_update(
    *, actor: Any, panel: Any, expected_version: int | None, values: dict[str, Any]
) -> CaseworkSettings:
    policy.require(actor, "manage_settings", panel)
    with transaction.atomic():
        # One save of a panel's settings at a time: the first save creates the row, and the
        # same form sent twice at once must not create it twice (the second waits here).
        type(panel).objects.select_for_update().filter(pk=panel.pk).values_list("pk", flat=True).first()
        current = settings_for(panel)
        before = snapshot(current, SETTINGS_FIELDS)
        for name in SETTINGS_FIELDS:
            setattr(current, name, values[name])
        if current.pk is None:
            current.created_by = current.updated_by = actor
            current.full_clean()
            current.save()
        else:
            update_versioned(current, expected_version=expected_version or 0, actor=actor, fields=SETTINGS_FIELDS)
        changes = field_changes(before, snapshot(current, SETTINGS_FIELDS))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=current, changes=changes)
    return current
