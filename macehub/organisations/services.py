"""Writes for partnerships, agencies and panels. Each validates, runs in one transaction
and records its audit event there."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import field_changes, snapshot, update_versioned

from .models import Agency, Panel, Partnership
from .policies import policy
from .selectors import partnerships_administered_by

PANEL_SETTINGS_FIELDS = [
    "name",
    "full_title",
    "upper_age",
    "cadence",
    "quorum_agency_types",
    "risk_levels",
    "poc_visible_roles",
    "poc_visible_agency_types",
    "front_door_screening_required",
]


def panel_update_settings(*, actor: Any, panel: Panel, expected_version: int, **values: Any) -> Panel:
    """A borough admin changes a panel's settings; a stale form is refused (ConcurrentEditError)."""
    if not policy.can(actor, "edit_panel_settings", panel):
        raise PermissionDenied
    before = snapshot(panel, PANEL_SETTINGS_FIELDS)
    for name in PANEL_SETTINGS_FIELDS:
        if name in values:
            setattr(panel, name, values[name])
    with transaction.atomic():
        update_versioned(panel, expected_version=expected_version, actor=actor, fields=PANEL_SETTINGS_FIELDS)
        changes = field_changes(before, snapshot(panel, PANEL_SETTINGS_FIELDS))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=panel, changes=changes)
    return panel


def panel_create(*, actor: Any, partnership: Partnership, **values: Any) -> Panel:
    if not policy.can(actor, "create_panel_in", partnership):
        raise PermissionDenied
    panel = Panel(partnership=partnership, created_by=actor, updated_by=actor, **values)
    panel.full_clean()
    with transaction.atomic():
        panel.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=panel,
            changes=snapshot(panel, ["partnership", *PANEL_SETTINGS_FIELDS]),
        )
    return panel


def partnership_save(
    *,
    actor: Any,
    partnership: Partnership | None,
    authorities: list[Any],
    expected_version: int | None = None,
    **values: Any,
) -> Partnership:
    """Create or change a safeguarding partnership (system admins only)."""
    if not policy.can(actor, "manage_partnerships"):
        raise PermissionDenied
    fields = ["name", "short_name", "is_active"]
    creating = partnership is None
    target = partnership or Partnership(created_by=actor, updated_by=actor)
    before = (
        {}
        if creating
        else {
            **snapshot(target, fields),
            "authorities": sorted(a.name for a in target.authorities.all()),
        }
    )
    for name, value in values.items():
        setattr(target, name, value)
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
        else:
            update_versioned(target, expected_version=expected_version or 0, actor=actor, fields=fields)
        target.authorities.set(authorities)
        after = {**snapshot(target, fields), "authorities": sorted(a.name for a in authorities)}
        record(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            obj=target,
            changes=field_changes(before, after),
        )
    return target


def agency_save(
    *,
    actor: Any,
    agency: Agency | None,
    partnerships: list[Partnership],
    expected_version: int | None = None,
    **values: Any,
) -> Agency:
    """Create or change an agency. Borough admins may only link it to partnerships they run,
    and may not remove other partnerships' links."""
    if not policy.can(actor, "manage_agencies"):
        raise PermissionDenied
    if agency is not None and not policy.can(actor, "edit_agency", agency):
        raise PermissionDenied

    allowed = set(partnerships_administered_by(actor).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in partnerships):
        raise PermissionDenied
    fields = ["name", "agency_type", "is_active"]
    creating = agency is None
    target = agency or Agency(created_by=actor, updated_by=actor)
    before = (
        {}
        if creating
        else {
            **snapshot(target, fields),
            "partnerships": sorted(str(p) for p in target.partnerships.all()),
        }
    )
    for name, value in values.items():
        setattr(target, name, value)
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
            target.partnerships.set(partnerships)
        else:
            update_versioned(target, expected_version=expected_version or 0, actor=actor, fields=fields)
            # Links to partnerships this admin does not run are kept as they were.
            kept = [p for p in target.partnerships.all() if p.pk not in allowed]
            target.partnerships.set([*kept, *partnerships])
        after = {
            **snapshot(target, fields),
            "partnerships": sorted(str(p) for p in target.partnerships.all()),
        }
        record(
            action=Action.CREATE if creating else Action.UPDATE,
            actor=actor,
            obj=target,
            changes=field_changes(before, after),
        )
    return target
