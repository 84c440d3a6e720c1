"""Bringing a spreadsheet register into MACE Hub (XLSX or CSV).

1. :func:`read_table` reads the upload (already checked by :class:`macehub.core.uploads.UploadField`)
   with openpyxl or the csv module: a header row and the rows under it, every cell as text.
2. :func:`start_import` keeps the cells on a :class:`RegisterImport` (status ``preview``) with a
   column mapping guessed from the headers: the mapping the panel's last import used for the
   same header, else the template's own column names and common alternatives.
3. :func:`preview` turns each row into field values and says, in plain words, what is wrong with
   it and which records on the register it may duplicate (the register's own fuzzy matching).
4. :func:`confirm_import` writes every row in one transaction, with one audit event for the
   import and one per record, only if no row has a problem. Confirming twice writes once.
5. :func:`undo_import` removes exactly those records within :data:`UNDO_WINDOW`, unless any of
   them has been changed, linked or referred to since.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, record_many
from macehub.core.services import snapshot

from .matching import possible_duplicates_many
from .models import (
    ACTION_IMPORT,
    ATTENDANCE_IMPORT,
    IMPORT_KINDS,
    ImportStatus,
    Kind,
    Link,
    RegisterImport,
    Subject,
    normalise,
)
from .policies import imports as import_policy
from .policies import policy
from .services import FIELDS_BY_KIND, _audit_changes, _check_kind_rules
from .taxonomy import (
    ETHNICITY_CHOICES,
    AgeBand,
    Education,
    Gender,
    GroupType,
    LocationType,
    LookedAfter,
    PersonAgeGroup,
    Send,
    Sex,
)

#: An import may be undone for this long after it was confirmed.
UNDO_WINDOW = timedelta(hours=24)
#: The most rows one spreadsheet may bring in.
MAX_ROWS = 10_000
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One field a spreadsheet column can fill."""

    name: str
    label: str
    kind: str = "text"  # text, date, list, choice, decimal
    choices: tuple[tuple[str, str], ...] = ()
    alternatives: tuple[str, ...] = ()
    hint: str = ""
    required: bool = False


def _choices(options: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(options, list | tuple):
        return tuple((str(v), str(label)) for v, label in options)
    return tuple((str(v), str(label)) for v, label in options.choices)


_GIVEN = Column("given_names", "Given names", alternatives=("first name", "forename", "forenames", "first names"))
_FAMILY = Column("family_name", "Family name", alternatives=("surname", "last name"))
_DOB = Column("date_of_birth", "Date of birth", "date", alternatives=("dob", "birth date"), hint="DD/MM/YYYY")
_ALIASES = Column(
    "aliases", "Other names", "list", alternatives=("aliases", "alias", "aka", "known as", "nickname"), hint="; between"
)
_REFS = Column(
    "agency_references",
    "Agency references",
    "list",
    alternatives=("reference", "references", "mosaic id", "lcs id", "crn", "case number", "agency reference"),
    hint="; between",
)
_SEX = Column("sex", "Sex", "choice", _choices(Sex))
_DESCRIPTION = Column("description", "Description", alternatives=("notes", "summary", "comments"))
_NAME = Column("name", "Name", required=True, alternatives=("location", "group", "theme", "title"))


def _flatten(choices: Iterable[Any]) -> tuple[tuple[str, str], ...]:
    flat: list[tuple[str, str]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend((str(v), str(lbl)) for v, lbl in label)
        else:
            flat.append((str(value), str(label)))
    return tuple(flat)


_ETHNICITY = Column("ethnicity", "Ethnicity", "choice", _flatten(ETHNICITY_CHOICES), ("ethnic group",))

COLUMNS: dict[str, list[Column]] = {
    Kind.CHILD: [
        _GIVEN,
        _FAMILY,
        _DOB,
        _ALIASES,
        _REFS,
        Column("age_band", "Age band", "choice", _choices(AgeBand), hint="if no date of birth"),
        _SEX,
        Column("gender", "Gender", "choice", _choices(Gender)),
        _ETHNICITY,
        Column("send", "SEND", "choice", _choices(Send), ("sen", "special educational needs")),
        Column("looked_after", "Looked after", "choice", _choices(LookedAfter), ("cla", "looked after child")),
        Column("placing_authority", "Placing authority"),
        Column("education_status", "Education", "choice", _choices(Education), ("school status", "education status")),
        Column("allocated_worker", "Allocated worker", alternatives=("social worker", "worker", "lead professional")),
        _DESCRIPTION,
    ],
    Kind.PERSON: [
        _GIVEN,
        _FAMILY,
        _DOB,
        _ALIASES,
        _REFS,
        Column("person_age_group", "Adult or child", "choice", _choices(PersonAgeGroup), ("age group", "adult")),
        _SEX,
        _ETHNICITY,
        _DESCRIPTION,
    ],
    Kind.LOCATION: [
        _NAME,
        Column("location_type", "Type of place", "choice", _choices(LocationType), ("type", "location type")),
        Column("ward", "Ward"),
        Column("latitude", "Latitude", "decimal", alternatives=("lat",)),
        Column("longitude", "Longitude", "decimal", alternatives=("long", "lng", "lon")),
        Column("hotspot_notes", "Hotspot notes", alternatives=("hotspot",)),
        _DESCRIPTION,
    ],
    Kind.GROUP: [
        _NAME,
        Column("group_type", "Type of group", "choice", _choices(GroupType), ("type", "group type")),
        _ALIASES,
        _DESCRIPTION,
    ],
    Kind.THEME: [
        _NAME,
        Column("period_start", "Period start", "date", alternatives=("start", "from"), hint="DD/MM/YYYY"),
        Column("period_end", "Period end", "date", alternatives=("end", "to"), hint="DD/MM/YYYY"),
        Column("evidence", "Evidence"),
        _DESCRIPTION,
    ],
    ATTENDANCE_IMPORT: [
        Column(
            "meeting_date",
            "Meeting date",
            "date",
            required=True,
            alternatives=("date", "meeting", "panel date"),
            hint="DD/MM/YYYY",
        ),
        Column(
            "agency",
            "Agency",
            "agency",
            required=True,
            alternatives=("organisation",),
            hint="the agency's name as in MACE Hub",
        ),
        Column(
            "status",
            "Attendance",
            "choice",
            (("attended", "Attended"), ("deputy", "Sent a deputy"), ("apologies", "Apologies"), ("absent", "Absent")),
            required=True,
            alternatives=("attended", "present", "status"),
        ),
        Column("representative", "Representative", alternatives=("name", "attendee", "who")),
    ],
    ACTION_IMPORT: [
        Column("description", "What needs to be done", required=True, alternatives=("action", "description", "task")),
        Column(
            "owner_agency",
            "Agency",
            "agency",
            required=True,
            alternatives=("owner agency", "owning agency", "agency responsible", "lead agency"),
            hint="the agency's name as in MACE Hub",
        ),
        Column("owner", "Owner's e-mail", "email", alternatives=("owner", "owner email", "email", "person")),
        Column(
            "due_date", "Due date", "date", required=True, alternatives=("due", "deadline", "due by"), hint="DD/MM/YYYY"
        ),
        Column(
            "subject",
            "Record reference",
            "reference",
            alternatives=("reference", "record", "ref", "child reference"),
            hint="C-0042, L-0003 (optional)",
        ),
    ],
}


def columns_for(kind: str) -> dict[str, Column]:
    return {c.name: c for c in COLUMNS[kind]}


class ImportRefused(Exception):  # noqa: N818 - reads as what happened
    """The import cannot go ahead; ``str(exc)`` says why in plain words."""


def _require(actor: Any, action: str, obj: Any) -> None:
    if not policy.can(actor, action, obj):
        raise PermissionDenied(action)


def import_action(kind: str) -> str:
    return "import_persons" if kind == Kind.PERSON else "import_register"


# --- Reading the file ---------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(upload: Any) -> tuple[list[str], list[list[str]]]:
    """The header row and the rows under it, as text. Raises :class:`ImportRefused`."""
    name = (getattr(upload, "name", "") or "").lower()
    upload.seek(0)
    if name.endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportRefused(
                "The file could not be opened as a spreadsheet. Save it again as .xlsx and retry."
            ) from exc
        try:
            sheet = book.worksheets[0]
            raw = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    elif name.endswith(".csv"):
        data = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1252 decodes almost anything; the upload check refuses the rest
            raise ImportRefused("The file's text could not be read. Save it as CSV UTF-8 and retry.")
        try:
            raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ImportRefused("The CSV file could not be read: check that it is a comma-separated file.") from exc
    else:
        raise ImportRefused("Choose an XLSX or CSV file")
    raw = [row for row in raw if any(cell for cell in row)]
    if not raw:
        raise ImportRefused("The file is empty: the first row should name the columns, and each row after it a record")
    headers = raw[0]
    while headers and not headers[-1]:
        headers = headers[:-1]
    if not any(headers):
        raise ImportRefused("The first row should name the columns")
    width = len(headers)
    rows = [(row + [""] * width)[:width] for row in raw[1:]]
    if not rows:
        raise ImportRefused("The file has a header row but no records under it")
    if len(rows) > MAX_ROWS:
        raise ImportRefused(f"The file has {len(rows):,} rows. Import at most {MAX_ROWS:,} at a time: split the file")
    return [h.strip() for h in headers], rows


# --- Mapping columns to fields -----------------------------------------------------------------


def remembered_mapping(panel: Any, kind: str) -> dict[str, str]:
    """Normalised header → field, from the panel's earlier imports of this kind (latest wins)."""
    remembered: dict[str, str] = {}
    earlier = RegisterImport.objects.filter(
        panel__partnership_id=panel.partnership_id, kind=kind, status__in=[ImportStatus.IMPORTED, ImportStatus.UNDONE]
    ).order_by("imported_at")
    for headers, mapping in earlier.values_list("headers", "mapping"):
        for position, field_name in mapping.items():
            index = int(position)
            if index < len(headers):
                remembered[normalise(headers[index])] = field_name
    return remembered


def guess_mapping(panel: Any, kind: str, headers: list[str]) -> dict[str, str]:
    columns = COLUMNS[kind]
    known: dict[str, str] = {}
    for column in columns:
        for text in (column.name.replace("_", " "), column.label, *column.alternatives):
            known.setdefault(normalise(text), column.name)
    known.update(
        {h: f for h, f in remembered_mapping(panel, kind).items() if f in {c.name for c in columns} or f == ""}
    )
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        choice = known.get(normalise(header), "")
        if choice and choice in used:
            choice = ""
        mapping[str(index)] = choice
        if choice:
            used.add(choice)
    return mapping


def mapping_problems(kind: str, mapping: dict[str, str]) -> list[str]:
    chosen = [f for f in mapping.values() if f]
    problems = []
    names = columns_for(kind)
    for name in sorted({f for f in chosen if chosen.count(f) > 1}):
        problems.append(f"More than one column is matched to “{names[name].label}”: choose one")
    if kind in (ACTION_IMPORT, ATTENDANCE_IMPORT):
        for column in COLUMNS[kind]:
            if column.required and column.name not in chosen:
                problems.append(f"Match a column to “{column.label}”: every row needs it")
    elif kind in (Kind.CHILD, Kind.PERSON):
        if not {"given_names", "family_name", "aliases"} & set(chosen):
            problems.append("Match a column to given names, family name or other names: every record needs a name")
    elif "name" not in chosen:
        problems.append("Match a column to “Name”: every record needs a name")
    return problems


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
        from macehub.meetings.selectors import panel_people
        from macehub.organisations.models import Agency

        from .selectors import subjects_visible_to

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


# --- Services -----------------------------------------------------------------------------------


def start_import(*, actor: Any, panel: Any, kind: str, upload: Any) -> RegisterImport:
    """Read a checked upload and keep its cells for the preview. Nothing is added to the register."""
    _require(actor, import_action(kind), panel)
    headers, rows = read_table(upload)
    cutoff = timezone.now() - UNDO_WINDOW
    with transaction.atomic():
        # Previews nobody confirmed are not kept: they hold the spreadsheet's names.
        RegisterImport.objects.filter(panel=panel, status=ImportStatus.PREVIEW, created_at__lt=cutoff).update(
            rows=[], status=ImportStatus.UNDONE
        )
        imported = RegisterImport.objects.create(
            panel=panel,
            kind=kind,
            file_name=str(getattr(upload, "name", "") or "spreadsheet")[:255],
            headers=headers,
            rows=rows,
            row_count=len(rows),
            mapping=guess_mapping(panel, kind, headers),
            created_by=actor,
            updated_by=actor,
        )
    return imported


def set_mapping(*, actor: Any, imported: RegisterImport, mapping: dict[str, str]) -> None:
    import_policy.require(actor, "run", imported)
    if imported.status != ImportStatus.PREVIEW:
        raise ImportRefused("This import has already been confirmed")
    allowed = set(columns_for(imported.kind)) | {""}
    clean = {
        str(i): (mapping.get(str(i), "") if mapping.get(str(i), "") in allowed else "")
        for i in range(len(imported.headers))
    }
    imported.mapping = clean
    imported.updated_by = actor
    imported.save(update_fields=["mapping", "updated_by", "updated_at"])


def _model_for(kind: str) -> Any:
    if kind == ATTENDANCE_IMPORT:
        from macehub.meetings.models import Attendance

        return Attendance
    if kind == ACTION_IMPORT:
        from macehub.meetings.models import Action as MeetingAction

        return MeetingAction
    return Subject


def _next_number(panel: Any, kind: str) -> int:
    last = Subject.objects.filter(panel=panel, kind=kind).aggregate(last=Max("number"))["last"]
    return int(last or 0) + 1


def confirm_import(*, actor: Any, imported_pk: int, leave_out_duplicates: bool = False) -> RegisterImport:
    """Write every row to the register in one transaction. Refused if any row has a problem.
    A second confirmation (a double click, a retry) finds the import done and writes nothing."""
    with transaction.atomic():
        imported = RegisterImport.objects.select_for_update().select_related("panel").get(pk=imported_pk)
        import_policy.require(actor, "run", imported)
        if imported.status != ImportStatus.PREVIEW:
            raise ImportRefused("This import has already been confirmed. Nothing was added twice.")
        checked = preview(actor, imported, duplicates=leave_out_duplicates)
        if checked.mapping_problems or checked.problem_rows:
            raise ImportRefused(
                f"{len(checked.problem_rows)} row{'s' if len(checked.problem_rows) != 1 else ''} still "
                "have problems. Fix them in the spreadsheet and upload it again."
                if checked.problem_rows
                else checked.mapping_problems[0]
            )
        rows = [r for r in checked.rows if not (leave_out_duplicates and r.duplicates)]
        panel, kind = imported.panel, imported.kind
        model = _model_for(kind)
        if kind != ATTENDANCE_IMPORT:
            model.objects.select_for_update().filter(panel=panel).exists()  # serialise numbering
        created: list[Any]
        new_meetings: list[Any] = []
        if kind == ATTENDANCE_IMPORT:
            created, new_meetings = _write_attendance(actor, panel, rows)
        elif kind == ACTION_IMPORT:
            from macehub.meetings.services.actions import _next_number as next_action_number

            number = next_action_number(panel.pk)
            created = model.objects.bulk_create(
                [
                    model(panel=panel, number=number + offset, created_by=actor, updated_by=actor, **row.values)
                    for offset, row in enumerate(rows)
                ],
                batch_size=500,
            )
        else:
            number = _next_number(panel, kind)
            subjects = []
            for offset, row in enumerate(rows):
                subject = Subject(
                    panel=panel, kind=kind, number=number + offset, created_by=actor, updated_by=actor, **row.values
                )
                subject.search_key = subject.compute_search_key()
                subjects.append(subject)
            created = Subject.objects.bulk_create(subjects, batch_size=500)
        now = timezone.now()
        imported.status = ImportStatus.IMPORTED
        imported.imported_at = now
        imported.record_ids = [s.pk for s in created]
        imported.created_meeting_ids = [m.pk for m in new_meetings]
        imported.rows = []
        imported.updated_by = actor
        imported.save()
        if kind == ATTENDANCE_IMPORT:
            events = [
                {"action": Action.CREATE, "obj": m, "detail": {"import": imported.pk, "past_meeting": True}}
                for m in new_meetings
            ] + [
                {
                    "action": Action.CREATE,
                    "obj": a,
                    "changes": snapshot(a, ["agency", "status"]),
                    "detail": {"import": imported.pk, "meeting": getattr(a, "meeting_id", None)},
                    "partnership_id": panel.partnership_id,
                }
                for a in created
            ]
        elif kind == ACTION_IMPORT:
            events = [
                {
                    "action": Action.CREATE,
                    "obj": action,
                    "changes": snapshot(action, ["owner_agency", "owner", "due_date"]),
                    "detail": {
                        "import": imported.pk,
                        "subject": getattr(getattr(action, "subject", None), "reference", ""),
                    },
                    "partnership_id": panel.partnership_id,
                }
                for action in created
            ]
        else:
            fields = FIELDS_BY_KIND[kind]
            events = [
                {
                    "action": Action.CREATE,
                    "obj": subject,
                    "changes": _audit_changes(kind, {}, snapshot(subject, fields)),
                    "detail": {"import": imported.pk},
                    "partnership_id": panel.partnership_id,
                }
                for subject in created
            ]
        record_many(events, actor=actor)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=imported,
            detail={
                "records": len(created),
                "rows_in_file": imported.row_count,
                "left_out_as_duplicates": imported.row_count - len(created),
                "kind": kind,
            },
        )
    return imported


def _write_attendance(actor: Any, panel: Any, rows: list[RowCheck]) -> tuple[list[Any], list[Any]]:
    """Attendance rows for the panel's meetings on those dates; a date with no meeting becomes a
    past meeting (held, venue "Not recorded") so the history counts in attendance measures."""
    from datetime import time as clock

    from macehub.meetings.models import Attendance, Meeting

    meetings = {m.date: m for m in Meeting.objects.filter(panel=panel).exclude(status="cancelled").order_by("-pk")}
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
    return created, new_meetings


def undo_blockers(imported: RegisterImport, *, now: datetime | None = None) -> list[str]:
    """Why this import can no longer be undone, in words (empty when it can)."""
    now = now or timezone.now()
    if imported.status == ImportStatus.UNDONE:
        return ["This import has already been undone"]
    if imported.status != ImportStatus.IMPORTED or imported.imported_at is None:
        return ["This import has not been confirmed, so there is nothing to undo"]
    if now > imported.imported_at + UNDO_WINDOW:
        hours = int(UNDO_WINDOW.total_seconds() // 3600)
        return [f"An import can be undone only within {hours} hours. Remove or merge the records one by one instead."]
    ids = imported.record_ids
    records = _model_for(imported.kind).objects.filter(pk__in=ids)
    blockers = []
    if imported.kind == ATTENDANCE_IMPORT:
        from macehub.meetings.models import Attendance, Meeting

        changed_rows = records.filter(Q(version__gt=1) | Q(updated_at__gt=imported.imported_at + timedelta(seconds=5)))
        if changed_rows.exists():
            blockers.append("Imported attendance has been changed since.")
        created = Meeting.objects.filter(pk__in=imported.created_meeting_ids)
        others = Attendance.objects.filter(meeting__in=created).exclude(pk__in=ids).exists()
        if others or created.filter(Q(items__isnull=False) | Q(invitations__isnull=False)).exists():
            blockers.append("Meetings this import added have had more recorded on them since.")
        if len(ids) != records.count():
            blockers.append("Some imported attendance is no longer recorded.")
        return blockers
    changed = list(
        records.filter(Q(version__gt=1) | Q(updated_at__gt=imported.imported_at + timedelta(seconds=5))).order_by(
            "number"
        )[:10]
    )
    if changed:
        refs = ", ".join(s.reference for s in changed)
        blockers.append(f"Records have been changed since they were imported ({refs}). Undoing would lose that work.")
    if imported.kind == ACTION_IMPORT:
        if records.exclude(status="open").exists() or records.filter(reviews__isnull=False).exists():
            blockers.append("Imported actions have been completed or reviewed at a meeting since.")
        if len(ids) != records.count():
            blockers.append("Some imported actions are no longer on the log.")
        return blockers
    linked = Link.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids)).count()
    if linked:
        blockers.append(f"{linked} link{'s have' if linked != 1 else ' has'} been added to imported records since.")
    referred = Subject.referrals.through.objects.filter(subject_id__in=ids).count()
    if referred:
        blockers.append("Imported records are named in referrals since.")
    if len(ids) != records.count():
        blockers.append("Some imported records are no longer on the register.")
    return blockers


def undo_import(*, actor: Any, imported_pk: int) -> RegisterImport:
    """Remove exactly the records an import added, if nobody has built on them yet."""
    with transaction.atomic():
        imported = RegisterImport.objects.select_for_update().select_related("panel").get(pk=imported_pk)
        import_policy.require(actor, "run", imported)
        blockers = undo_blockers(imported)
        if blockers:
            raise ImportRefused(" ".join(blockers))
        model = _model_for(imported.kind)
        related = "agency" if imported.kind == ATTENDANCE_IMPORT else "panel"
        records = list(model.objects.filter(pk__in=imported.record_ids).select_related(related))
        record_many(
            [
                {
                    "action": Action.DELETE,
                    "obj": subject,
                    "detail": {"import": imported.pk, "undo": True},
                    "partnership_id": imported.panel.partnership_id,
                }
                for subject in records
            ],
            actor=actor,
        )
        try:
            with transaction.atomic():
                if model is Subject:
                    for subject in records:
                        subject.harm_types.clear()
                model.objects.filter(pk__in=imported.record_ids).delete()
                if imported.created_meeting_ids:
                    from macehub.meetings.models import Meeting

                    meetings = list(Meeting.objects.filter(pk__in=imported.created_meeting_ids))
                    record_many(
                        [
                            {"action": Action.DELETE, "obj": m, "detail": {"import": imported.pk, "undo": True}}
                            for m in meetings
                        ],
                        actor=actor,
                    )
                    Meeting.objects.filter(pk__in=imported.created_meeting_ids).delete()
        except ProtectedError as exc:
            raise ImportRefused("Other records now refer to imported records, so the import cannot be undone.") from exc
        imported.status = ImportStatus.UNDONE
        imported.undone_at = timezone.now()
        imported.updated_by = actor
        imported.save()
        record(action=Action.DELETE, actor=actor, obj=imported, detail={"records": len(records), "undo": True})
    return imported


def template_rows(kind: str, panel: Any = None) -> tuple[list[str], list[list[str]]]:
    """The template's header row and one example row (a fictional record; for actions, one of
    the partnership's own agencies)."""
    columns = COLUMNS[kind]
    if kind == ATTENDANCE_IMPORT:
        from macehub.organisations.models import Agency

        agency = Agency.objects.filter(partnerships=panel.partnership_id).order_by("name").first() if panel else None
        return [c.label for c in columns], [["15/01/2025", agency.name if agency else "", "Attended", "A. Example"]]
    if kind == ACTION_IMPORT:
        from macehub.organisations.models import Agency

        agency = Agency.objects.filter(partnerships=panel.partnership_id).order_by("name").first() if panel else None
        due = (timezone.localdate() + timedelta(days=28)).strftime("%d/%m/%Y")
        return [c.label for c in columns], [
            ["Check school attendance weekly", agency.name if agency else "", "", due, ""]
        ]
    names: dict[str, str] = {"location": "Example Park", "group": "Example Road crew", "theme": "Summer county lines"}
    examples = {
        "given_names": "Jordan",
        "family_name": "Example",
        "date_of_birth": "14/05/2011",
        "aliases": "JJ; Jay",
        "agency_references": "MOSAIC 123456",
        "age_band": "14 to 15",
        "sex": "Male",
        "person_age_group": "Adult (18 or over)",
        "name": names.get(kind, ""),
        "location_type": "Park or open space",
        "group_type": "Peer group",
        "period_start": "01/06/2025",
        "period_end": "31/08/2025",
    }
    headers = [c.label for c in columns]
    return headers, [[str(examples.get(c.name, "")) for c in columns]]


def kind_label(kind: str) -> str:
    return IMPORT_KINDS[kind]
