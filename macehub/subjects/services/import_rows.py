"""Spreadsheet registers: turning each row into field values, what is wrong with it, and the
preview (with the register records each row may duplicate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from ..matching import possible_duplicates_many
from ..models import (
    ACTION_IMPORT,
    ATTENDANCE_IMPORT,
    Kind,
    RegisterImport,
    Subject,
    normalise,
)
from .import_columns import LIST_SEPARATOR, Column, columns_for, mapping_problems
from .import_kinds import Lookups, RowCheck, importer_for
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


def field_label(kind: str, name: str) -> str:
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


def check_row(
    panel: Any, kind: str, number: int, cells: list[str], mapping: dict[str, str], lookups: Lookups | None = None
) -> RowCheck:
    values, problems, failed = _cells(kind, cells, mapping, lookups)
    importer = importer_for(kind)
    if importer is not None:
        assert lookups is not None  # noqa: S101 - preview always passes them
        return importer.check(panel, number, values, problems, failed, lookups)
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
                problems.append(f"{field_label(kind, name)}: {error}" if name != "__all__" else error)
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
    importer = importer_for(kind)
    lookups = importer.lookups(actor, panel) if importer is not None else None
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
