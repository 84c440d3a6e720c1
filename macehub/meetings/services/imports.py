"""Spreadsheet rows that become meetings records: a panel's action log and past meetings' attendance.

The register import (``macehub.subjects.services.imports``) reads, previews, confirms and undoes the
spreadsheet; it asks the importers registered here (in ``MeetingsConfig.ready()``) to check, write and
undo these two kinds of rows, so the subjects app never imports meetings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record_many
from macehub.core.services import snapshot
from macehub.subjects.models import ACTION_IMPORT, ATTENDANCE_IMPORT, RegisterImport
from macehub.subjects.services.import_columns import COLUMNS, Column, columns_for
from macehub.subjects.services.import_kinds import Lookups, RowCheck, RowImporter, Written, changed_since
from macehub.subjects.services.import_rows import field_label

from ..models import Action, Attendance, Meeting
from ..selectors.invitations import panel_people
from .actions import _check_owner
from .actions import _next_number as next_action_number


@dataclass
class MeetingLookups(Lookups):
    """The panel's meetings by date, and the (meeting, agency) pairs whose attendance is recorded."""

    meetings: dict[date, Any] = field(default_factory=dict)
    recorded: set[tuple[int, int]] = field(default_factory=set)


def _people(panel: Any) -> dict[str, Any]:
    return {m.user.email.lower(): m.user for m in panel_people(panel)}


def _meetings_by_date(panel: Any) -> dict[date, Meeting]:
    return {m.date: m for m in Meeting.objects.filter(panel=panel).exclude(status="cancelled").order_by("-pk")}


def _lookups(actor: Any, panel: Any) -> Lookups:
    recorded = set(Attendance.objects.filter(meeting__panel=panel).values_list("meeting_id", "agency_id"))
    return MeetingLookups.for_panel(
        actor, panel, people=_people(panel), meetings=_meetings_by_date(panel), recorded=recorded
    )


# --- The action log -------------------------------------------------------------------------------


def _check_action(
    panel: Any, number: int, values: dict[str, Any], problems: list[str], failed: set[str], lookups: Lookups
) -> RowCheck:
    action = Action(panel=panel, number=1, **values)
    if action.owner_agency_id is not None:
        try:
            _check_owner(action)
        except ValidationError as exc:
            problems.extend(
                f"{field_label(ACTION_IMPORT, n)}: {e}" for n, errs in exc.message_dict.items() for e in errs
            )
    try:
        action.full_clean(
            exclude=["number", "panel", "created_by", "updated_by", "meeting", "item"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            if name in failed:
                continue
            if name in values or columns_for(ACTION_IMPORT).get(name, Column("", "")).required:
                problems.extend(
                    f"{field_label(ACTION_IMPORT, name)}: {'Enter it' if 'blank' in e or 'null' in e else e}"
                    for e in errors
                )
    return RowCheck(
        number=number, values=values, problems=sorted(set(problems), key=problems.index), label=action.description[:80]
    )


def _write_actions(actor: Any, imported: RegisterImport, rows: list[RowCheck]) -> Written:
    panel = imported.panel
    Action.objects.select_for_update().filter(panel=panel).exists()  # serialise numbering
    number = next_action_number(panel.pk)
    created = Action.objects.bulk_create(
        [
            Action(panel=panel, number=number + offset, created_by=actor, updated_by=actor, **row.values)
            for offset, row in enumerate(rows)
        ],
        batch_size=500,
    )
    events = [
        {
            "action": AuditAction.CREATE,
            "obj": action,
            "changes": snapshot(action, ["owner_agency", "owner", "due_date"]),
            "detail": {"import": imported.pk, "subject": getattr(action.subject, "reference", "")},
            "partnership_id": panel.partnership_id,
        }
        for action in created
    ]
    return Written(records=list(created), events=events)


def _action_undo_blockers(imported: RegisterImport, records: QuerySet[Any]) -> list[str]:
    blockers = []
    changed = list(changed_since(records, imported).order_by("number")[:10])
    if changed:
        refs = ", ".join(a.reference for a in changed)
        blockers.append(f"Records have been changed since they were imported ({refs}). Undoing would lose that work.")
    if records.exclude(status="open").exists() or records.filter(reviews__isnull=False).exists():
        blockers.append("Imported actions have been completed or reviewed at a meeting since.")
    if len(imported.record_ids) != records.count():
        blockers.append("Some imported actions are no longer on the log.")
    return blockers


def _remove_actions(actor: Any, imported: RegisterImport) -> None:
    Action.objects.filter(pk__in=imported.record_ids).delete()


# --- Past meetings' attendance ---------------------------------------------------------------------


def _check_attendance(
    panel: Any, number: int, values: dict[str, Any], problems: list[str], failed: set[str], lookups: Lookups
) -> RowCheck:
    assert isinstance(lookups, MeetingLookups)  # noqa: S101 - built by _lookups
    for column in COLUMNS[ATTENDANCE_IMPORT]:
        if column.required and column.name not in values and not any(p.startswith(column.label) for p in problems):
            problems.append(f"{column.label}: Enter it")
    day, agency = values.get("meeting_date"), values.get("agency")
    if day is not None and day > timezone.localdate():
        problems.append(f"Meeting date {day:%d/%m/%Y} is in the future: import attendance of past meetings only")
    if len(values.get("representative", "")) > 150:
        problems.append("Representative: Enter at most 150 characters")
    meeting = lookups.meetings.get(day) if day is not None else None
    if meeting is not None and agency is not None and (meeting.pk, agency.pk) in lookups.recorded:
        problems.append(f"{agency.name}'s attendance at the meeting on {day:%d/%m/%Y} is already recorded")
    label = f"{day:%d/%m/%Y} {agency.name}" if day is not None and agency is not None else ""
    return RowCheck(number=number, values=values, problems=problems, label=label)


def _write_attendance(actor: Any, imported: RegisterImport, rows: list[RowCheck]) -> Written:
    """Attendance rows for the panel's meetings on those dates; a date with no meeting becomes a
    past meeting (held, venue "Not recorded") so the history counts in attendance measures."""
    panel = imported.panel
    meetings = _meetings_by_date(panel)
    new_meetings = []
    now = timezone.now()
    for day in sorted({r.values["meeting_date"] for r in rows}):
        if day not in meetings:
            meeting = Meeting.objects.create(
                panel=panel,
                date=day,
                start_time=clock(10, 0),
                venue="Not recorded (imported from a spreadsheet)",
                status="held",
                closed_at=now,
                created_by=actor,
                updated_by=actor,
            )
            meetings[day] = meeting
            new_meetings.append(meeting)
    created = Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meetings[r.values["meeting_date"]],
                agency=r.values["agency"],
                status=r.values["status"],
                representative=r.values.get("representative", ""),
                created_by=actor,
                updated_by=actor,
            )
            for r in rows
        ]
    )
    events = [
        {"action": AuditAction.CREATE, "obj": m, "detail": {"import": imported.pk, "past_meeting": True}}
        for m in new_meetings
    ] + [
        {
            "action": AuditAction.CREATE,
            "obj": a,
            "changes": snapshot(a, ["agency", "status"]),
            "detail": {"import": imported.pk, "meeting": a.meeting_id},
            "partnership_id": panel.partnership_id,
        }
        for a in created
    ]
    return Written(records=list(created), events=events, created_meeting_ids=[m.pk for m in new_meetings])


def _attendance_undo_blockers(imported: RegisterImport, records: QuerySet[Any]) -> list[str]:
    ids = imported.record_ids
    blockers = []
    if changed_since(records, imported).exists():
        blockers.append("Imported attendance has been changed since.")
    created = Meeting.objects.filter(pk__in=imported.created_meeting_ids)
    others = Attendance.objects.filter(meeting__in=created).exclude(pk__in=ids).exists()
    if others or created.filter(items__isnull=False).exists() or created.filter(invitations__isnull=False).exists():
        blockers.append("Meetings this import added have had more recorded on them since.")
    if len(ids) != records.count():
        blockers.append("Some imported attendance is no longer recorded.")
    return blockers


def _remove_attendance(actor: Any, imported: RegisterImport) -> None:
    Attendance.objects.filter(pk__in=imported.record_ids).delete()
    if imported.created_meeting_ids:
        meetings = list(Meeting.objects.filter(pk__in=imported.created_meeting_ids))
        record_many(
            [
                {"action": AuditAction.DELETE, "obj": m, "detail": {"import": imported.pk, "undo": True}}
                for m in meetings
            ],
            actor=actor,
        )
        Meeting.objects.filter(pk__in=imported.created_meeting_ids).delete()


ACTIONS = RowImporter(
    kind=ACTION_IMPORT,
    model=lambda: Action,
    related="panel",
    lookups=_lookups,
    check=_check_action,
    write=_write_actions,
    undo_blockers=_action_undo_blockers,
    remove=_remove_actions,
)
ATTENDANCE = RowImporter(
    kind=ATTENDANCE_IMPORT,
    model=lambda: Attendance,
    related="agency",
    lookups=_lookups,
    check=_check_attendance,
    write=_write_attendance,
    undo_blockers=_attendance_undo_blockers,
    remove=_remove_attendance,
)
