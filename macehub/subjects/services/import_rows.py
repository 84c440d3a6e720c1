"""Spreadsheet registers: turning each row into field values, what is wrong with it, and the
preview (with the register records each row may duplicate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from ..matching import possible_duplicates_many
from ..models import (
    ACTION_IMPORT,
    ATTENDANCE_IMPORT,
    Kind,
    RegisterImport,
    Subject,
    normalise,
)
from .import_columns import COLUMNS, LIST_SEPARATOR, Column, columns_for, mapping_problems
from .records import _check_kind_rules

# --- Turning rows into records -----------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
)


def parse_date(text: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class RowCheck:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    label: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _convert(column: Column, text: str) -> Any:
    if column.kind == "date":
        try:
            return parse_date(text)
        except ValueError:
            raise ValueError(
                f"{column.label} “{text}” is not a date: write it as DD/MM/YYYY, for example 14/05/2010"
            ) from None
    if column.kind == "list":
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if column.kind == "decimal":
        try:
            return Decimal(text).quantize(Decimal("0.00001"))
        except InvalidOperation:
            raise ValueError(f"{column.label} “{text}” is not a number") from None
    if column.kind == "choice":
        wanted = normalise(text)
        for value, label in column.choices:
            if wanted in (normalise(value), normalise(label)):
                return value
        allowed = ", ".join(label for _, label in column.choices[:8])
        more = " …" if len(column.choices) > 8 else ""
        raise ValueError(f"{column.label} “{text}” is not one of the choices ({allowed}{more})")
    return text


def _field_label(kind: str, name: str) -> str:
    column = columns_for(kind).get(name)
    return column.label if column else name.replace("_", " ").capitalize()


def _cells(
    kind: str, cells: list[str], mapping: dict[str, str], lookups: Lookups | None
) -> tuple[dict[str, Any], list[str], set[str]]:
    columns = columns_for(kind)
    values: dict[str, Any] = {}
    problems: list[str] = []
    failed: set[str] = set()
    for position, name in mapping.items():
        if not name:
            continue
        text = cells[int(position)].strip() if int(position) < len(cells) else ""
        if not text:
            continue
        try:
            column = columns[name]
            if column.kind in ("agency", "email", "reference"):
                assert lookups is not None  # noqa: S101 - set for action imports
                values[name] = lookups.find(column, text)
            else:
                values[name] = _convert(column, text)
        except ValueError as exc:
            problems.append(str(exc))
            failed.add(name)
    return values, problems, failed


@dataclass
class Lookups:
    """Names in an action spreadsheet resolved to the panel's agencies, people and records."""

    agencies: dict[str, Any]
    people: dict[str, Any]
    records: dict[str, Subject]
    #: Attendance imports: the panel's meetings by date, and the (meeting, agency) pairs already recorded.
    meetings: dict[date, Any] = field(default_factory=dict)
    recorded: set[tuple[int, int]] = field(default_factory=set)

    @classmethod
    def for_panel(cls, actor: Any, panel: Any) -> Lookups:
        from macehub.meetings.selectors.invitations import panel_people
        from macehub.organisations.models import Agency

        from ..selectors import subjects_visible_to

        agencies = {normalise(a.name): a for a in Agency.objects.filter(partnerships=panel.partnership_id)}
        people = {m.user.email.lower(): m.user for m in panel_people(panel)}
        records = {
            s.reference: s
            for s in subjects_visible_to(actor)
            .filter(panel=panel)
            .exclude(status="merged")
            .only("id", "kind", "number", "panel")
        }
        from macehub.meetings.models import Attendance, Meeting

        meetings = {m.date: m for m in Meeting.objects.filter(panel=panel).exclude(status="cancelled").order_by("-pk")}
        recorded = set(Attendance.objects.filter(meeting__panel=panel).values_list("meeting_id", "agency_id"))
        return cls(agencies=agencies, people=people, records=records, meetings=meetings, recorded=recorded)

    def find(self, column: Column, text: str) -> Any:
        if column.kind == "agency":
            found = self.agencies.get(normalise(text))
            if found is None:
                raise ValueError(f"{column.label} “{text}” is not an agency of this partnership in MACE Hub")
            return found
        if column.kind == "email":
            found = self.people.get(text.lower())
            if found is None:
                raise ValueError(f"{column.label} “{text}” is not someone on this panel")
            return found
        found = self.records.get(text.upper().replace(" ", ""))
        if found is None:
            raise ValueError(f"{column.label} “{text}” is not a record on this panel's register")
        return found


def _check_action(panel: Any, number: int, values: dict[str, Any], problems: list[str], failed: set[str]) -> RowCheck:
    from macehub.meetings.models import Action
    from macehub.meetings.services.actions import _check_owner

    action = Action(panel=panel, number=1, **values)
    if action.owner_agency_id is not None:
        try:
            _check_owner(action)
        except ValidationError as exc:
            problems.extend(
                f"{_field_label(ACTION_IMPORT, n)}: {e}" for n, errs in exc.message_dict.items() for e in errs
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
                    f"{_field_label(ACTION_IMPORT, name)}: {'Enter it' if 'blank' in e or 'null' in e else e}"
                    for e in errors
                )
    return RowCheck(
        number=number, values=values, problems=sorted(set(problems), key=problems.index), label=action.description[:80]
    )


def _check_attendance(number: int, values: dict[str, Any], problems: list[str], lookups: Lookups) -> RowCheck:
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


def check_row(
    panel: Any, kind: str, number: int, cells: list[str], mapping: dict[str, str], lookups: Lookups | None = None
) -> RowCheck:
    values, problems, failed = _cells(kind, cells, mapping, lookups)
    if kind == ATTENDANCE_IMPORT:
        assert lookups is not None  # noqa: S101 - preview always passes them
        return _check_attendance(number, values, problems, lookups)
    if kind == ACTION_IMPORT:
        return _check_action(panel, number, values, problems, failed)
    subject = Subject(panel=panel, kind=kind, number=1, **values)
    try:
        _check_kind_rules(subject)
        subject.full_clean(
            exclude=["number", "panel", "created_by", "updated_by", "search_key"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for error in errors:
                problems.append(f"{_field_label(kind, name)}: {error}" if name != "__all__" else error)
    label = subject.full_name or subject.name or (subject.aliases[0] if subject.aliases else "")
    return RowCheck(number=number, values=values, problems=problems, label=label)


@dataclass
class Preview:
    imported: RegisterImport
    rows: list[RowCheck]
    mapping_problems: list[str]

    @property
    def problem_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.problems]

    @property
    def duplicate_rows(self) -> list[RowCheck]:
        return [r for r in self.rows if r.duplicates]

    @property
    def ready(self) -> bool:
        return not self.mapping_problems and not self.problem_rows


def _within_file_key(kind: str, values: dict[str, Any]) -> str:
    if kind == ATTENDANCE_IMPORT:
        agency = values.get("agency")
        return f"{values.get('meeting_date') or ''}|{agency.pk if agency else ''}"
    if kind == ACTION_IMPORT:
        return f"{normalise(str(values.get('description', '')))}|{values.get('due_date') or ''}"
    if kind in (Kind.CHILD, Kind.PERSON):
        name = normalise(" ".join(str(values.get(k, "")) for k in ("given_names", "family_name")))
        return f"{name}|{values.get('date_of_birth') or ''}" if name else ""
    return normalise(str(values.get("name", "")))


def preview(actor: Any, imported: RegisterImport, *, duplicates: bool = True) -> Preview:
    """Every row checked: its problems in words, and the records it may duplicate."""
    kind, panel = imported.kind, imported.panel
    problems = mapping_problems(kind, imported.mapping)
    lookups = Lookups.for_panel(actor, panel) if kind in (ACTION_IMPORT, ATTENDANCE_IMPORT) else None
    checks = [
        check_row(panel, kind, index + 2, cells, imported.mapping, lookups) for index, cells in enumerate(imported.rows)
    ]
    seen: dict[str, int] = {}
    for check in checks:
        key = _within_file_key(kind, check.values)
        if key and key in seen and kind == ATTENDANCE_IMPORT:
            check.problems.append(f"The same agency and meeting date as row {seen[key]}: keep one of them")
        elif key and key in seen:
            check.duplicates.append(f"Same as row {seen[key]} of this file")
        elif key:
            seen[key] = check.number
    if duplicates and not problems and kind in Kind.values:
        looked_up = [c for c in checks if c.values]
        found = possible_duplicates_many(actor, panel=panel, kind=kind, queries=[c.values for c in looked_up])
        for check, matches in zip(looked_up, found, strict=True):
            for match in matches:
                check.duplicates.append(
                    f"May already be on the register as {match.subject.reference}: " + ", ".join(match.reasons)
                )
    return Preview(imported=imported, rows=checks, mapping_problems=problems)
