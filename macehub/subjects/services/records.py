"""Writes for the VOLT registers' records: adding, editing, decisions (status, risk level, context
cases), views and reveals, searches and exports. Each checks the policy, validates, runs in one
transaction and records its audit event there, last. Names and dates of birth never go into an
audit event: identifying fields are recorded as "changed" without their values."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import field_changes, snapshot, update_versioned

from ..extensions import records_saved
from ..models import (
    HarmType,
    Kind,
    RiskChange,
    Status,
    Subject,
    age_on,
)
from ..policies import policy
from ..taxonomy import AgeBand, PersonAgeGroup

IDENTITY_FIELDS = frozenset({"given_names", "family_name", "date_of_birth", "aliases", "agency_references"})

FIELDS_BY_KIND: dict[str, list[str]] = {
    Kind.CHILD: [
        "given_names",
        "family_name",
        "date_of_birth",
        "aliases",
        "agency_references",
        "age_band",
        "sex",
        "gender",
        "ethnicity",
        "send",
        "looked_after",
        "placing_authority",
        "education_status",
        "allocated_worker",
        "description",
    ],
    Kind.PERSON: [
        "given_names",
        "family_name",
        "date_of_birth",
        "aliases",
        "agency_references",
        "person_age_group",
        "sex",
        "ethnicity",
        "police_flags",
        "safeguarding_record",
        "description",
    ],
    Kind.LOCATION: [
        "name",
        "location_type",
        "ward",
        "authority",
        "latitude",
        "longitude",
        "hotspot_notes",
        "description",
    ],
    Kind.GROUP: ["name", "group_type", "aliases", "description"],
    Kind.THEME: ["name", "period_start", "period_end", "evidence", "description"],
}


class DuplicateSubmission(Exception):  # noqa: N818 - reads as what happened
    """The same form was submitted twice; the first submission's record is ``existing``."""

    def __init__(self, existing: Any) -> None:
        self.existing = existing
        super().__init__("This form was already submitted.")


def _audit_changes(kind: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    redact = IDENTITY_FIELDS if kind in (Kind.CHILD, Kind.PERSON) else frozenset()
    return field_changes(before, after, redact=redact)


# --- Age rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Warning:
    """Something the person should check before saving; saving anyway is a deliberate choice."""

    key: str
    text: str


def age_errors(panel: Any, date_of_birth: date | None, age_band: str = "", *, on: date | None = None) -> str | None:
    """Why a child cannot be on this panel's register because of their age, or None."""
    if date_of_birth is not None:
        today = on or timezone.localdate()
        if date_of_birth > today:
            return "Date of birth must be in the past"
        age = age_on(date_of_birth, today)
        if age >= panel.upper_age:
            return (
                f"This child would be {age}. {panel.name} considers children and young people up to their "
                f"{panel.upper_age}th birthday"
            )
        return None
    if age_band == AgeBand.ADULT or (panel.upper_age == 18 and age_band in (AgeBand.AGE_18_20, AgeBand.AGE_21_24)):
        return f"{panel.name} considers children and young people up to their {panel.upper_age}th birthday"
    return None


def age_warnings(
    panel: Any, date_of_birth: date | None, age_band: str = "", *, on: date | None = None
) -> list[Warning]:
    """A panel that considers young adults (up to 25) asks for a check that adult services know."""
    today = on or timezone.localdate()
    young_adult = False
    if date_of_birth is not None and date_of_birth <= today:
        young_adult = 18 <= age_on(date_of_birth, today) < 25
    elif age_band in (AgeBand.AGE_18_20, AgeBand.AGE_21_24):
        young_adult = True
    if young_adult and panel.upper_age == 25:
        return [
            Warning(
                "young_adult",
                "This is a young adult (18 to 24). Check that adult social care and, where relevant, probation "
                "know about them: transition to adult services is a known gap for young people at risk.",
            )
        ]
    return []


# --- Records ------------------------------------------------------------------------------------


def already_submitted(submission_id: uuid.UUID | None) -> Subject | None:
    """The record a form already created, if it is being submitted again."""
    if submission_id is None:
        return None
    return Subject.objects.filter(submission_id=submission_id).select_related("panel").first()


def _next_number(panel: Any, kind: str) -> int:
    last = Subject.objects.filter(panel=panel, kind=kind).aggregate(last=Max("number"))["last"]
    return int(last or 0) + 1


def _save_new(subject: Subject) -> None:
    """Save with the next reference number; two people adding at once both get one."""
    for attempt in range(5):
        subject.number = _next_number(subject.panel, subject.kind)
        try:
            with transaction.atomic():
                subject.save()
            return
        except IntegrityError:
            if subject.submission_id and Subject.objects.filter(submission_id=subject.submission_id).exists():
                raise DuplicateSubmission(Subject.objects.get(submission_id=subject.submission_id)) from None
            if attempt == 4:
                raise


def subject_create(
    *,
    actor: Any,
    panel: Any,
    kind: str,
    values: dict[str, Any],
    harm_types: Iterable[HarmType] = (),
    submission_id: uuid.UUID | None = None,
    for_next_meeting: bool = False,
    audit_detail: dict[str, Any] | None = None,
) -> Subject:
    """Add a record to a panel's register (persons of concern only by people allowed to see them)."""
    policy.require(actor, "add_person" if kind == Kind.PERSON else "add_record", panel)
    if submission_id is not None:
        existing = Subject.objects.filter(submission_id=submission_id).first()
        if existing is not None:
            raise DuplicateSubmission(existing)
    allowed = set(FIELDS_BY_KIND[kind])
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Fields not used for {kind}: {sorted(unknown)}")
    subject = Subject(
        panel=panel,
        kind=kind,
        number=0,
        submission_id=submission_id,
        created_by=actor,
        updated_by=actor,
        for_next_meeting=for_next_meeting,
        **values,
    )
    _check_kind_rules(subject)
    subject.full_clean(exclude=["number"])
    with transaction.atomic():
        _save_new(subject)
        subject.harm_types.set(list(harm_types))
        after = snapshot(subject, [*FIELDS_BY_KIND[kind], "harm_types"])
        record(
            action=Action.CREATE,
            actor=actor,
            obj=subject,
            changes=_audit_changes(kind, {}, after),
            detail=audit_detail,
        )
        records_saved([subject])
    return subject


def person_create(
    *,
    actor: Any,
    panel: Any,
    values: dict[str, Any],
    harm_types: Iterable[HarmType] = (),
    submission_id: uuid.UUID | None = None,
    create_child_record: bool = False,
) -> Subject:
    """Add a person of concern. A child causing harm is a child first: with
    ``create_child_record`` they are also added to the children's register, and linked."""
    with transaction.atomic():
        if create_child_record and not values.get("safeguarding_record"):
            policy.require(actor, "add_person", panel)
            child_values = {
                k: values[k]
                for k in ("given_names", "family_name", "date_of_birth", "aliases", "sex", "ethnicity")
                if values.get(k) not in (None, "")
            }
            if "date_of_birth" not in child_values:
                child_values["age_band"] = AgeBand.NOT_KNOWN
            child = subject_create(
                actor=actor,
                panel=panel,
                kind=Kind.CHILD,
                values=child_values,
                audit_detail={"added_with_person_of_concern": True},
            )
            values = {**values, "safeguarding_record": child}
        return subject_create(
            actor=actor,
            panel=panel,
            kind=Kind.PERSON,
            values=values,
            harm_types=harm_types,
            submission_id=submission_id,
        )


def _check_kind_rules(subject: Subject) -> None:
    """Rules that depend on the panel: a child's age, the panel's own records."""
    if subject.kind == Kind.CHILD:
        problem = age_errors(subject.panel, subject.date_of_birth, subject.age_band)
        if problem:
            field = "date_of_birth" if subject.date_of_birth else "age_band"
            raise ValidationError({field: problem})
    if subject.kind == Kind.PERSON and subject.safeguarding_record_id is not None:
        child = subject.safeguarding_record
        if child is None or child.kind != Kind.CHILD or child.panel_id != subject.panel_id:
            raise ValidationError({"safeguarding_record": "Choose a child on this panel's register"})
        if subject.person_age_group == PersonAgeGroup.ADULT:
            raise ValidationError({"safeguarding_record": "Only a child causing harm has a child record"})


def subject_update(
    *,
    actor: Any,
    subject: Subject,
    expected_version: int,
    values: dict[str, Any],
    harm_types: Iterable[HarmType] | None = None,
) -> Subject:
    """Change a record's details; refused if someone else saved it since the form was opened."""
    policy.require(actor, "edit_record", subject)
    fields = [f for f in FIELDS_BY_KIND[subject.kind] if f in values]
    before = snapshot(subject, [*fields, "harm_types"])
    for name in fields:
        setattr(subject, name, values[name])
    _check_kind_rules(subject)
    with transaction.atomic():
        update_versioned(subject, expected_version=expected_version, actor=actor, fields=[*fields, "search_key"])
        if harm_types is not None:
            subject.harm_types.set(list(harm_types))
        changes = _audit_changes(subject.kind, before, snapshot(subject, [*fields, "harm_types"]))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=subject, changes=changes)
            records_saved([subject])
    return subject


def record_viewed(*, actor: Any, subject: Subject, page: str = "record") -> None:
    """Every look at a record is an audit event (a child's or person's especially)."""
    record(action=Action.VIEW, actor=actor, obj=subject, detail={"page": page})


def record_revealed(*, actor: Any, subject: Subject, purpose: str) -> None:
    """Someone asked to see a person's name and date of birth, and said why."""
    policy.require(actor, "view_record", subject)
    if subject.kind not in (Kind.CHILD, Kind.PERSON):
        raise ValidationError("Only people's identities are hidden.")
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "Enter why you need to see their name and date of birth"})
    with transaction.atomic():
        record(
            action=Action.REVEAL,
            actor=actor,
            obj=subject,
            purpose=purpose,
            detail={"page": "identity", "revealed": ["name", "date_of_birth", "aliases", "agency_references"]},
        )


def subject_set_status(*, actor: Any, subject: Subject, expected_version: int, status: str, reason: str) -> Subject:
    """Open, step down or close a record. Stepping down and closing need a reason."""
    policy.require(actor, "decide_record", subject)
    if status not in (Status.OPEN, Status.STEPPED_DOWN, Status.CLOSED):
        raise ValidationError({"status": "Choose open, stepped down or closed"})
    before = snapshot(subject, ["status", "status_reason"])
    subject.status = status
    subject.status_reason = reason.strip()
    subject.status_changed_at = timezone.now()
    if status != Status.OPEN:
        subject.for_next_meeting = False  # nothing left to discuss at the next meeting
    with transaction.atomic():
        update_versioned(
            subject,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "status_reason", "status_changed_at", "for_next_meeting"],
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=subject,
            changes=field_changes(before, snapshot(subject, ["status", "status_reason"])),
        )
    return subject


def subject_set_risk(
    *, actor: Any, subject: Subject, expected_version: int, level: str, reason: str, decided_on: date
) -> RiskChange:
    """Record the panel's decision on a child's risk level; the history keeps every decision."""
    policy.require(actor, "decide_record", subject)
    if subject.kind != Kind.CHILD:
        raise ValidationError("Risk levels are recorded for children.")
    if level not in subject.panel.risk_levels:
        raise ValidationError({"level": "Choose a level from the panel's risk scale"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for this risk level"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "The date of the decision must be today or in the past"})
    previous = subject.risk_level
    subject.risk_level = level
    with transaction.atomic():
        update_versioned(subject, expected_version=expected_version, actor=actor, fields=["risk_level"])
        change = RiskChange(
            subject=subject,
            level=level,
            previous_level=previous,
            decided_on=decided_on,
            reason=reason.strip(),
            created_by=actor,
            updated_by=actor,
        )
        change.full_clean()
        change.save()
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=subject,
            changes={"risk_level": [previous, level]},
            detail={"decided_on": decided_on.isoformat()},
        )
    return change


def context_case_set(*, actor: Any, subject: Subject, expected_version: int, opened: bool, reason: str) -> Subject:
    """Open a location or group as a case of its own (contextual safeguarding), or close it."""
    policy.require(actor, "decide_record", subject)
    if not subject.is_context:
        raise ValidationError("Only locations and groups are opened as cases.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason"})
    if opened == subject.is_case:
        raise ValidationError("This case is already " + ("open." if opened else "closed."))
    subject.case_opened_at = timezone.now() if opened else None
    subject.case_reason = reason.strip()
    with transaction.atomic():
        update_versioned(
            subject, expected_version=expected_version, actor=actor, fields=["case_opened_at", "case_reason"]
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=subject,
            changes={"case": ["closed", "open"] if opened else ["open", "closed"]},
            detail={"reason": subject.case_reason},
        )
    return subject


def mark_for_next_meeting(*, actor: Any, subjects: Iterable[Subject]) -> None:
    """List records for the next meeting (called inside the caller's transaction)."""
    ids = [s.pk for s in subjects]
    Subject.objects.filter(pk__in=ids).update(for_next_meeting=True)


def record_search(*, actor: Any, panel: Any, results: int) -> None:
    """A search can find a child by name, so it is recorded (without the words searched for)."""
    with transaction.atomic():
        record(action=Action.VIEW, actor=actor, obj=panel, detail={"page": "register search", "results": results})


# --- Export -------------------------------------------------------------------------------------


def register_exported(*, actor: Any, panel: Any, sheets: list[str], rows: int) -> None:
    policy.require(actor, "export_register", panel)
    with transaction.atomic():
        record(
            action=Action.EXPORT,
            actor=actor,
            obj=panel,
            detail={
                "export": "register",
                "sheets": sheets,
                "rows": rows,
                "identifiers": "pseudonymous references only",
            },
        )
