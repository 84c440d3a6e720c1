"""Spreadsheet registers: the columns of each register, reading an XLSX or CSV file, matching its
columns to fields, and the blank templates offered for download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from ..models import (
    ACTION_IMPORT,
    ATTENDANCE_IMPORT,
    IMPORT_KINDS,
    ImportStatus,
    Kind,
    RegisterImport,
    normalise,
)
from ..taxonomy import (
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
