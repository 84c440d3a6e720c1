"""Retention, legal hold and subject access for register records (R63, R64; check C30).

No retention period has been set for MACE records nationally; partnerships agree their own,
usually following their children's services schedule. The operator sets them in
``MACEHUB_RETENTION_YEARS`` (see docs/configuration.md); the defaults follow the examples
local authorities publish: 35 years after last contact for a child's record (as for child
protection records), 75 years from birth for a looked-after child, six years after last
contact for everything else.

* Only records that are stepped down or closed are ever due. A record on legal hold is kept,
  whatever its age, until the hold is released.
* When a record is due, :func:`erase` anonymises it rather than deleting it: names, dates of
  birth, aliases, references, coordinates, free text and attached files go, on the record and
  on every row that hangs off it (:mod:`.record_graph`); what is left is categorical (age band,
  sex, ethnicity, harm types, risk levels, dates), so the partnership's past figures and
  released London data still add up. The erasure is in the audit trail.
* :func:`access_export` gathers everything held about one record, and the audit trail of who
  saw and changed it, for a subject access request. The information governance lead reviews
  it for exemptions before anything is disclosed.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.audit.services import record
from macehub.core.models import StoredFile
from macehub.core.services import update_versioned
from macehub.core.uploads import upload_root

from ..extensions import records_saved
from ..models import Kind, Status, Subject
from ..policies import records
from ..record_graph import RecordGraph, record_graph
from ..taxonomy import age_band_for

ERASED_TEXT = "Removed under the retention schedule."
#: Short fields that identify a person or place (free text fields are all cleared).
IDENTIFYING_FIELDS = frozenset(
    {
        "given_names",
        "family_name",
        "aliases",
        "date_of_birth",
        "name",
        "agency_references",
        "police_flags",
        "allocated_worker",
        "search_key",
        "school",
        "where_found",
        "police_reference",
        "route_reference",
        "latitude",
        "longitude",
        "text",
        "title",
        # A snapshot sent to another partnership (crossborder.Handover): names and dates of birth.
        "summary",
    }
)
#: Audit object types of register records (each kind has its own proxy model).
SUBJECT_AUDIT_TYPES = (
    "subjects.subject",
    "subjects.child",
    "subjects.personofconcern",
    "subjects.location",
    "subjects.group",
    "subjects.theme",
)
DEFAULT_YEARS = {"child": 35, "looked_after": 75, "person": 6, "location": 6, "group": 6, "theme": 6}
RULE_LABELS = {
    "child": "child: {years} years after last activity",
    "looked_after": "looked-after child: {years} years from date of birth",
    "person": "person of concern: {years} years after last activity",
    "location": "location: {years} years after last activity",
    "group": "group: {years} years after last activity",
    "theme": "theme: {years} years after last activity",
}


def retention_years() -> dict[str, int]:
    return {**DEFAULT_YEARS, **getattr(settings, "MACEHUB_RETENTION_YEARS", {})}


def _add_years(moment: date, years: int) -> date:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


@dataclass(frozen=True)
class Due:
    subject: Subject
    rule: str
    due_on: date
    last_activity: date


def _last_activity(graph: RecordGraph) -> date:
    moments: list[datetime] = []
    for row in graph.owned_rows():
        for name in ("updated_at", "created_at", "status_changed_at", "completed_at", "decided_at"):
            value = getattr(row, name, None)
            if isinstance(value, datetime):
                moments.append(value)
    return timezone.localdate(max(moments)) if moments else timezone.localdate()


def due_on(subject: Subject, graph: RecordGraph | None = None) -> Due:
    """When the record becomes due, and under which rule."""
    graph = graph or record_graph(subject)
    years = retention_years()
    last = _last_activity(graph)
    if subject.kind == Kind.CHILD and subject.looked_after == "yes" and subject.date_of_birth:
        return Due(
            subject,
            RULE_LABELS["looked_after"].format(years=years["looked_after"]),
            _add_years(subject.date_of_birth, years["looked_after"]),
            last,
        )
    rule = subject.kind
    return Due(subject, RULE_LABELS[rule].format(years=years[rule]), _add_years(last, years[rule]), last)


def candidates() -> models.QuerySet[Subject]:
    """Records that could be due: stepped down or closed, not held, not already erased, and
    closed long enough ago for the shortest rule (the rest are checked one by one)."""
    shortest = min(retention_years().values())
    closed_before = timezone.now() - timedelta(days=365 * shortest)
    return Subject.objects.filter(
        status__in=[Status.STEPPED_DOWN, Status.CLOSED],
        legal_hold_since__isnull=True,
        erased_at__isnull=True,
        status_changed_at__lte=closed_before,
    ).order_by("pk")


def records_due(today: date | None = None) -> list[Due]:
    today = today or timezone.localdate()
    due = []
    for subject in candidates():
        when = due_on(subject)
        if when.due_on <= today:
            due.append(when)
    return due


def _blank(field: models.Field[Any, Any]) -> Any:
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        return []
    return ""


def _scrub(row: models.Model) -> list[int]:
    """Clear identifying and free-text fields on one row; return stored files to delete."""
    changed: list[str] = []
    files: list[int] = []
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(field, models.TextField) and not field.choices and value:
            setattr(row, field.attname, ERASED_TEXT)
            changed.append(field.attname)
        elif field.name in IDENTIFYING_FIELDS and not field.choices and value not in ("", None, [], {}):
            setattr(row, field.attname, _blank(field))
            changed.append(field.attname)
        elif field.is_relation and field.related_model is StoredFile and value:
            files.append(value)
    if changed:
        type(row)._default_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in changed})
    return files


def erase(subject: Subject, *, rule: str, actor: Any = None) -> int:
    """Anonymise a record and everything it owns, in one transaction. Returns rows changed.

    The retention job erases with no actor; a person asking for an erasure must answer for the
    record (its panel's chair or coordinators)."""
    if actor is not None:
        records.require(actor, "manage_retention", subject)
    graph = record_graph(subject)
    now = timezone.now()
    with transaction.atomic():
        locked = Subject.objects.select_for_update().get(pk=subject.pk)
        if locked.legal_hold_since or locked.erased_at:
            raise ValidationError("This record is on legal hold or already erased.")
        files: list[int] = []
        # The age band outlives the date of birth: as it was when the panel last worked with them.
        last = _last_activity(graph)
        for person in Subject.objects.filter(pk__in=[s.pk for s in graph.owned[Subject]]):
            age = person.age(last)
            if age is not None:
                Subject.objects.filter(pk=person.pk).update(age_band=age_band_for(age))
        rows = graph.owned_rows()
        for row in rows:
            files += _scrub(row)
        Subject.objects.filter(pk__in=[s.pk for s in graph.owned[Subject]]).update(erased_at=now)
        stored = list(StoredFile.objects.filter(pk__in=files))
        for item in stored:
            item.original_name = "removed"
            item.save(update_fields=["original_name"])
        record(
            action=Action.ERASED,
            actor=actor,
            actor_label="" if actor else "Retention job",
            obj=subject,
            detail={"rule": rule, "rows": len(rows), "files": len(stored)},
        )
        records_saved(Subject.objects.filter(pk__in=[s.pk for s in graph.owned[Subject]]))
        transaction.on_commit(lambda: _delete_blobs(stored))
    return len(rows)


def _delete_blobs(stored: list[StoredFile]) -> None:
    for item in stored:
        (upload_root() / item.storage_name).unlink(missing_ok=True)


def apply_retention(today: date | None = None, *, dry_run: bool = False) -> list[Due]:
    """Erase every record that is due (the nightly job). Returns what was (or would be) erased."""
    due = records_due(today)
    if not dry_run:
        for item in due:
            erase(item.subject, rule=item.rule)
    return due


# --- Legal hold -------------------------------------------------------------------------------


def _hold_change(*, actor: Any, subject: Subject, expected_version: int, reason: str, place: bool) -> Subject:
    """Place or release a legal hold: what the person chose, on the record as they saw it."""
    records.require(actor, "manage_retention", subject)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Enter why the record must be kept" if place else "Enter why the hold can be released"}
        )
    with transaction.atomic():
        current = Subject.objects.select_for_update().get(pk=subject.pk)
        held = current.legal_hold_since is not None
        if place and held:
            raise ValidationError(
                f"{current.reference} is already on legal hold, since {current.legal_hold_since:%-d %B %Y}."
            )
        if not place and not held:
            raise ValidationError(f"{current.reference} is not on legal hold.")
        previous = current.legal_hold_reason
        current.legal_hold_reason = reason if place else ""
        current.legal_hold_since = timezone.now() if place else None
        update_versioned(
            current,
            expected_version=expected_version,
            actor=actor,
            fields=["legal_hold_reason", "legal_hold_since"],
        )
        if place:
            record(action=Action.UPDATE, actor=actor, obj=current, changes={"legal_hold": [None, reason]})
        else:
            record(
                action=Action.UPDATE, actor=actor, obj=current, changes={"legal_hold": [previous, None]}, purpose=reason
            )
    for name in ("legal_hold_reason", "legal_hold_since", "version", "updated_at", "updated_by_id"):
        setattr(subject, name, getattr(current, name))
    return subject


def place_hold(*, actor: Any, subject: Subject, expected_version: int, reason: str) -> Subject:
    """Keep a record whatever its age (an inquiry, a claim, a practice review). Only by those
    who decide for the panel, on the version of the record they saw; placing it twice is an
    error, never a release."""
    return _hold_change(actor=actor, subject=subject, expected_version=expected_version, reason=reason, place=True)


def release_hold(*, actor: Any, subject: Subject, expected_version: int, reason: str) -> Subject:
    """Let the retention schedule apply again, with the reason recorded."""
    return _hold_change(actor=actor, subject=subject, expected_version=expected_version, reason=reason, place=False)


# --- Subject access ---------------------------------------------------------------------------


def _row(row: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"table": row._meta.label, "id": row.pk}
    for f in row._meta.concrete_fields:
        data[f.name] = getattr(row, f.attname)
    for f in row._meta.many_to_many:
        data[f.name] = list(getattr(row, f.name).values_list("pk", flat=True))
    return data


def access_export(*, actor: Any, subject: Subject, request_reference: str) -> bytes:
    """A ZIP for a subject access request: every row held about the record, the rows that
    mention it among others, and the audit trail of who saw, changed and exported it. Only for
    those who answer for the record (its panel's chair and coordinators)."""
    records.require(actor, "manage_retention", subject)
    graph = record_graph(subject)
    about = Q(object_type__in=SUBJECT_AUDIT_TYPES, object_id__in=[str(s.pk) for s in graph.owned[Subject]])
    for model, rows in graph.owned.items():
        if model is not Subject:
            about |= Q(object_type=model._meta.label_lower, object_id__in=[str(r.pk) for r in rows])
    events = AuditEvent.objects.filter(about).order_by("seq")
    files = [
        stored
        for row in graph.owned_rows()
        for f in row._meta.concrete_fields
        if f.is_relation and f.related_model is StoredFile and (stored := getattr(row, f.name)) is not None
    ]
    document = {
        "request_reference": request_reference,
        "record": subject.reference,
        "produced_at": timezone.now(),
        "produced_by": str(actor),
        "note": "For review by the information governance lead before disclosure: some content may be "
        "exempt (for example where disclosure would put someone at risk of harm).",
        "held": [_row(r) for r in graph.owned_rows()],
        "mentioned_in": [_row(r) for r in graph.mention_rows()],
        "files": [
            {"id": f.pk, "name": f.original_name, "in_this_export_as": f"files/{f.pk}-{f.original_name}"} for f in files
        ],
        "audit_trail": [
            {
                "when": e.occurred_at,
                "who": e.actor_label,
                "action": e.get_action_display(),
                "record": e.object_label,
                "purpose": e.purpose,
            }
            for e in events
        ],
    }
    with transaction.atomic():
        record(action=Action.EXPORT, actor=actor, obj=subject, purpose=f"Subject access request {request_reference}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{subject.reference}.json", json.dumps(document, cls=DjangoJSONEncoder, indent=1))
        for f in files:
            path = upload_root() / f.storage_name
            if path.exists():
                archive.write(path, f"files/{f.pk}-{f.original_name}")
    return buffer.getvalue()
