"""Bringing a spreadsheet register in: every row checked in words before anything is written,
likely duplicates found by the register's fuzzy matching, one transaction with audit events,
a double confirmation writing once, and undo of the import as a whole (refused once someone
has built on the records, or after the undo window)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.subjects.models import ImportStatus, Kind, RegisterImport, Subject
from macehub.subjects.services import import_columns, import_rows, imports
from macehub.subjects.services.records import subject_update
from tests.factories.personas import World

CHILD_HEADERS = ["Forename", "Surname", "DOB", "Sex", "Aliases", "Case no.", "Notes"]
GOOD_CHILDREN = [
    ["Amelia", "Farrowdale", "03/04/2012", "Female", "Mia; Millie", "MOS-1001", "Seen near the station"],
    ["Tyrese", "Okafor", "2011-09-30", "male", "", "MOS-1002", ""],
    ["Zofia", "Nowakowska", "17/12/2013", "F", "", "", ""],  # "F" is not a choice: a problem
]


def _xlsx(headers: list[str], rows: list[list[Any]], name: str = "register.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _csv(headers: list[str], rows: list[list[Any]], name: str = "register.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode())


def _upload(client: Client, world: World, kind: str, upload: SimpleUploadedFile) -> Any:
    return client.post(f"/register/{world.panel_a.pk}/import/", {"kind": kind, "spreadsheet": upload})


def _latest() -> RegisterImport:
    return RegisterImport.objects.latest("pk")


def _confirm(client: Client, imported: RegisterImport, **extra: Any) -> Any:
    return client.post(f"/register/imports/{imported.pk}/confirm/", {"submission_id": str(uuid.uuid4()), **extra})


def _good_rows() -> list[list[Any]]:
    rows = [list(r) for r in GOOD_CHILDREN]
    rows[2][3] = "Female"
    return rows


def test_every_problem_is_shown_in_words_and_nothing_is_written(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    before = Subject.objects.count()
    rows = [
        *GOOD_CHILDREN,
        ["", "", "01/01/2012", "", "", "", ""],  # no name
        ["Kai", "Brennan", "31/02/2011", "", "", "", ""],  # no such date
        ["Leon", "Marsh", (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"), "", "", "", ""],
        ["Old", "Enough", "01/01/1990", "", "", "", ""],  # over the panel's age range
    ]
    response = _upload(client, world, "child", _xlsx(CHILD_HEADERS, rows))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "5</strong> rows with problems" in page
    assert "Row 4" in page and "Sex “F” is not one of the choices" in page
    assert "Row 5" in page and "Enter a name, or a name they are known by" in page
    assert "Row 6" in page and "“31/02/2011” is not a date" in page
    assert "Row 7" in page and "Date of birth must be in the past" in page
    assert "Row 8" in page and "considers children and young people up to their" in page
    assert "Upload a corrected spreadsheet" in page and "Import 8 records" not in page
    # Confirming anyway (a crafted request) is refused and writes nothing.
    refused = _confirm(client, _latest())
    assert refused.status_code == 200 and "still have problems" in refused.content.decode()
    assert Subject.objects.count() == before
    assert _latest().status == ImportStatus.PREVIEW


def test_good_rows_are_written_exactly_as_in_the_spreadsheet_with_audit_events(
    world: World, client_as: Any, register: Any
) -> None:
    client = client_as("coordinator_a")
    upload = _xlsx(CHILD_HEADERS, _good_rows())
    _upload(client, world, "child", upload)
    imported = _latest()
    assert imported.mapping == {
        "0": "given_names",
        "1": "family_name",
        "2": "date_of_birth",
        "3": "sex",
        "4": "aliases",
        "5": "",  # "Case no." is not a known heading: the coordinator matches it
        "6": "description",
    }
    client.post(
        f"/register/imports/{imported.pk}/",
        {f"col_{i}": v for i, v in {**imported.mapping, "5": "agency_references"}.items()},
    )
    page = client.get(f"/register/imports/{imported.pk}/").content.decode()
    assert "0</strong> rows with problems" in page and "Import 3 records" in page
    assert Subject.objects.filter(pk__gt=0, kind=Kind.CHILD, panel=world.panel_a).count() == 2  # nothing yet
    response = _confirm(client, imported)
    assert response.status_code == 302

    # Independent check: read the spreadsheet again with openpyxl and compare with the rows written.
    upload.seek(0)
    sheet = openpyxl.load_workbook(upload).active
    expected = []
    for given, family, dob, sex, aliases, ref, notes in list(sheet.iter_rows(values_only=True))[1:]:
        day = date.fromisoformat(dob) if "-" in dob else date(int(dob[6:]), int(dob[3:5]), int(dob[:2]))
        expected.append(
            (
                given,
                family,
                day,
                sex.lower(),
                [a.strip() for a in (aliases or "").split(";") if a.strip()],
                [ref] if ref else [],
                notes or "",
            )
        )
    imported.refresh_from_db()
    written = list(
        Subject.objects.filter(pk__in=imported.record_ids)
        .order_by("number")
        .values_list(
            "given_names", "family_name", "date_of_birth", "sex", "aliases", "agency_references", "description"
        )
    )
    assert [tuple(w) for w in written] == expected
    numbers = list(
        Subject.objects.filter(pk__in=imported.record_ids).order_by("number").values_list("number", flat=True)
    )
    assert numbers == [3, 4, 5]  # after C-0001 and C-0002 already on the register
    assert imported.rows == []  # the spreadsheet's cells are not kept once imported
    creates = AuditEvent.objects.filter(action=Action.CREATE, object_type="subjects.subject")
    assert creates.filter(object_id__in=[str(i) for i in imported.record_ids]).count() == 3
    event = AuditEvent.objects.get(object_type="subjects.registerimport", action=Action.CREATE)
    assert event.detail["records"] == 3
    from macehub.audit.verify import verify_chain

    assert verify_chain().ok  # the events written in bulk are chained like any others
    assert "Farrowdale" not in str(list(AuditEvent.objects.values_list("changes", "detail", "object_label")))


def test_likely_duplicates_are_found_by_the_registers_matching_and_can_be_left_out(
    world: World, client_as: Any, register: Any
) -> None:
    client = client_as("coordinator_a")
    rows = [
        ["Jayden", "Ashcombe", "14/05/2010", "", "", "", ""],  # C-0001 on the register
        ["Jaiden", "Ashcombe", "", "", "", "", ""],  # a spelling of the same name
        ["Amelia", "Farrowdale", "03/04/2012", "", "", "", ""],
        ["Amelia", "Farrowdale", "03/04/2012", "", "", "", ""],  # twice in the file
    ]
    _upload(client, world, "child", _csv(CHILD_HEADERS, rows))
    imported = _latest()
    page = client.get(f"/register/imports/{imported.pk}/").content.decode()
    assert "May already be on the register as C-0001: Same date of birth" in page
    assert "Same as row 4 of this file" in page
    assert "3</strong> rows that may already be on the register" in page
    _confirm(client, imported, leave_out_duplicates="on")
    imported.refresh_from_db()
    assert len(imported.record_ids) == 1
    assert Subject.objects.get(pk=imported.record_ids[0]).family_name == "Farrowdale"


def test_confirming_twice_writes_once(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    _upload(client, world, "child", _xlsx(CHILD_HEADERS, _good_rows()))
    imported = _latest()
    before = Subject.objects.count()
    key = str(uuid.uuid4())
    first = client.post(f"/register/imports/{imported.pk}/confirm/", {"submission_id": key})
    second = client.post(f"/register/imports/{imported.pk}/confirm/", {"submission_id": key})
    third = _confirm(client, imported)  # a fresh id (a reloaded page): the import is already done
    assert first.status_code == second.status_code == third.status_code == 302
    assert Subject.objects.count() == before + 3
    with pytest.raises(import_columns.ImportRefused):
        imports.confirm_import(actor=world.user("coordinator_a"), imported_pk=imported.pk)
    assert Subject.objects.count() == before + 3


def test_undo_removes_exactly_the_imported_records(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    others = set(Subject.objects.values_list("pk", flat=True))
    _upload(client, world, "child", _xlsx(CHILD_HEADERS, _good_rows()))
    imported = _latest()
    _confirm(client, imported)
    imported.refresh_from_db()
    assert "Undo this import" in client.get(f"/register/imports/{imported.pk}/").content.decode()
    response = client.post(f"/register/imports/{imported.pk}/undo/")
    assert response.status_code == 302
    assert set(Subject.objects.values_list("pk", flat=True)) == others
    imported.refresh_from_db()
    assert imported.status == ImportStatus.UNDONE
    deletes = AuditEvent.objects.filter(action=Action.DELETE, object_type="subjects.subject")
    assert sorted(int(i) for i in deletes.values_list("object_id", flat=True)) == sorted(imported.record_ids)
    again = client.post(f"/register/imports/{imported.pk}/undo/")
    assert again.status_code == 409 and "already been undone" in again.content.decode()


def test_a_second_persons_edit_blocks_undo(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    _upload(client, world, "child", _xlsx(CHILD_HEADERS, _good_rows()))
    imported = _latest()
    _confirm(client, imported)
    imported.refresh_from_db()
    edited = Subject.objects.get(pk=imported.record_ids[1])
    subject_update(
        actor=world.user("member_a"), subject=edited, expected_version=1, values={"allocated_worker": "R. Obi"}
    )
    page = client.get(f"/register/imports/{imported.pk}/undo/").content.decode()
    assert "This import cannot be undone" in page and f"({edited.reference})" in page
    response = client.post(f"/register/imports/{imported.pk}/undo/")
    assert response.status_code == 409
    assert Subject.objects.filter(pk__in=imported.record_ids).count() == 3


def test_undo_is_refused_after_the_window(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    _upload(client, world, "child", _xlsx(CHILD_HEADERS, _good_rows()))
    imported = _latest()
    _confirm(client, imported)
    RegisterImport.objects.filter(pk=imported.pk).update(
        imported_at=imported.created_at - import_columns.UNDO_WINDOW - timedelta(minutes=1)
    )
    response = client.post(f"/register/imports/{imported.pk}/undo/")
    assert response.status_code == 409 and "only within 24 hours" in response.content.decode()


def test_a_column_match_is_remembered_for_the_next_import(world: World, client_as: Any, register: Any) -> None:
    client = client_as("coordinator_a")
    _upload(
        client, world, "location", _csv(["Venue", "Kind of place"], [["Station car park", "Transport hub or route"]])
    )
    first = _latest()
    assert first.mapping == {"0": "", "1": ""}
    client.post(f"/register/imports/{first.pk}/", {"col_0": "name", "col_1": "location_type"})
    _confirm(client, first)
    _upload(client, world, "location", _csv(["Kind of place", "Venue"], [["Park or open space", "Rec ground"]]))
    assert _latest().mapping == {"0": "location_type", "1": "name"}


def test_each_template_downloads_and_its_example_row_imports_cleanly(
    world: World, client_as: Any, register: Any
) -> None:
    world.panel_a.poc_visible_roles = [*world.panel_a.poc_visible_roles, "coordinator"]
    world.panel_a.save()
    client = client_as("coordinator_a")
    for kind in [*Kind.values, "action"]:
        response = client.get(f"/register/{world.panel_a.pk}/import/{kind}/template/")
        assert response.status_code == 200, kind
        content = b"".join(response.streaming_content) if response.streaming else response.content
        book = openpyxl.load_workbook(io.BytesIO(content))
        assert book.sheetnames[1] == "How to fill it in"
        _upload(client, world, kind, SimpleUploadedFile("template.xlsx", content))
        imported = _latest()
        assert imported.kind == kind
        assert all(imported.mapping.values()), (kind, imported.mapping)
        checked = import_rows.preview(world.user("coordinator_a"), imported)
        assert checked.ready, (kind, [r.problems for r in checked.rows], checked.mapping_problems)


def test_every_column_is_a_field_of_its_kind() -> None:
    from macehub.meetings.models import Action as MeetingAction
    from macehub.subjects.services.records import FIELDS_BY_KIND

    for kind, columns in import_columns.COLUMNS.items():
        from macehub.meetings.models import Attendance

        fields = {
            "action": {f.name for f in MeetingAction._meta.fields},
            "attendance": {f.name for f in Attendance._meta.fields} | {"meeting_date"},
        }.get(kind) or set(FIELDS_BY_KIND[kind])
        assert {c.name for c in columns} <= fields, kind


def test_bad_files_get_a_clear_error_next_to_the_field(world: World, client_as: Any) -> None:
    client = client_as("coordinator_a")
    cases = [
        (SimpleUploadedFile("register.xlsx", b"not really a spreadsheet" * 50), "not really"),
        (SimpleUploadedFile("register.pdf", b"%PDF-1.4 nonsense"), ""),
        (_csv(["Name"], []), "no records under it"),
    ]
    for upload, words in cases:
        response = _upload(client, world, "location", upload)
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-message" in page and "Error:" in page
        if words:
            assert words in page
    assert not RegisterImport.objects.exists()


def test_an_unconfirmed_spreadsheet_is_seen_only_by_the_person_who_uploaded_it(
    world: World, client_as: Any, register: Any
) -> None:
    from tests.factories.personas import grant, make_user

    _upload(client_as("coordinator_a"), world, "location", _csv(["Name"], [["Station car park"]]))
    imported = _latest()
    other = make_user("coordinator.two@test.invalid", "Colin Two")
    grant(other, "coordinator", panel=world.panel_a, agency=world.agencies["csc_a"])
    second = Client()
    from tests.factories.personas import sign_in

    sign_in(second, other)
    assert second.get(f"/register/imports/{imported.pk}/").status_code == 404
    _confirm(client_as("coordinator_a"), imported)
    assert second.get(f"/register/imports/{imported.pk}/").status_code == 200  # the records, not the cells


def test_only_the_panels_coordinators_import(world: World, client_as: Any, register: Any) -> None:
    for persona in ("member_a", "chair_a", "analyst_a"):
        response = _upload(client_as(persona), world, "location", _csv(["Name"], [["Somewhere"]]))
        assert response.status_code == 403, persona
    assert client_as("member_b").get(f"/register/{world.panel_a.pk}/import/").status_code == 404
    # The coordinator may not import persons of concern when the panel does not let them see them.
    response = _upload(client_as("coordinator_a"), world, "person", _csv(["Given names"], [["Dean"]]))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not RegisterImport.objects.exists()


ACTION_HEADERS = ["Action", "Owner agency", "Owner", "Due", "Ref"]


def test_open_actions_are_imported_with_their_agencies_owners_and_records(
    world: World, client_as: Any, register: Any
) -> None:
    from macehub.meetings.models import Action as MeetingAction

    client = client_as("coordinator_a")
    police, school = world.agencies["police_a"].name, world.agencies["education_a"].name
    due = (timezone.localdate() + timedelta(days=14)).strftime("%d/%m/%Y")
    rows = [
        ["Check school attendance weekly", school, "", due, "C-0001"],
        ["Visit the car park with the safer neighbourhood team", police, world.user("member_a").email, due, "L-0001"],
        ["Nobody owns this", "Department of Nothing", "", due, ""],
        ["The wrong person", police, world.user("member_a_education").email, due, ""],
        ["No such record", police, "", due, "C-9999"],
        ["", police, "", "", ""],
    ]
    _upload(client, world, "action", _csv(ACTION_HEADERS, rows))
    imported = _latest()
    assert imported.mapping == {"0": "description", "1": "owner_agency", "2": "owner", "3": "due_date", "4": "subject"}
    page = client.get(f"/register/imports/{imported.pk}/").content.decode()
    assert "Row 4" in page and "Agency “Department of Nothing” is not an agency of this partnership" in page
    assert "Row 5" in page and "Choose someone who represents the owning agency on this panel" in page
    assert "Row 6" in page and "Record reference “C-9999” is not a record on this panel" in page
    assert "Row 7" in page and "What needs to be done: Enter it" in page and "Due date: Enter it" in page

    _upload(client, world, "action", _csv(ACTION_HEADERS, rows[:2]))
    imported = _latest()
    assert _confirm(client, imported).status_code == 302
    imported.refresh_from_db()
    written = list(
        MeetingAction.objects.filter(pk__in=imported.record_ids)
        .order_by("number")
        .values_list("description", "owner_agency__name", "owner__email", "due_date", "subject__number", "status")
    )
    due_date = timezone.localdate() + timedelta(days=14)
    assert written == [
        ("Check school attendance weekly", school, None, due_date, 1, "open"),
        (rows[1][0], police, world.user("member_a").email, due_date, 1, "open"),
    ]
    assert "Open actions" in client.get(f"/register/{world.panel_a.pk}/import/").content.decode()
    # Undone while nobody has touched them.
    assert client.post(f"/register/imports/{imported.pk}/undo/").status_code == 302
    assert not MeetingAction.objects.filter(pk__in=imported.record_ids).exists()


def test_persons_of_concern_are_imported_by_a_coordinator_the_panel_lets_see_them(
    world: World, client_as: Any, register: Any
) -> None:
    world.panel_a.poc_visible_roles = [*world.panel_a.poc_visible_roles, "coordinator"]
    world.panel_a.save()
    client = client_as("coordinator_a")
    headers = ["Given names", "Family name", "Adult or child", "Other names"]
    rows = [["Dwayne", "Okonjo", "Adult (18 or over)", "Big D"], ["Marcus", "Tellwright", "adult", ""]]
    _upload(client, world, "person", _csv(headers, rows))
    imported = _latest()
    page = client.get(f"/register/imports/{imported.pk}/").content.decode()
    assert "May already be on the register as P-0001" in page  # Dwayne Okonjo is P1
    _confirm(client, imported)
    imported.refresh_from_db()
    written = list(
        Subject.objects.filter(pk__in=imported.record_ids)
        .order_by("number")
        .values_list("kind", "number", "family_name", "person_age_group", "aliases")
    )
    assert written == [("person", 2, "Okonjo", "adult", ["Big D"]), ("person", 3, "Tellwright", "adult", [])]


def test_a_link_added_since_blocks_undo(world: World, client_as: Any, register: Any) -> None:
    from .factories import make_link

    client = client_as("coordinator_a")
    _upload(client, world, "child", _xlsx(CHILD_HEADERS, _good_rows()))
    imported = _latest()
    _confirm(client, imported)
    imported.refresh_from_db()
    make_link(Subject.objects.get(pk=imported.record_ids[0]), register["l1"], "seen_at")
    response = client.post(f"/register/imports/{imported.pk}/undo/")
    assert (
        response.status_code == 409 and "1 link has been added to imported records since" in response.content.decode()
    )
    assert Subject.objects.filter(pk__in=imported.record_ids).count() == 3


def test_past_meetings_attendance_is_imported_onto_meetings_by_date(
    world: World, client_as: Any, register: Any
) -> None:
    from macehub.meetings.models import Attendance, Meeting
    from tests.factories.meetings import make_meeting

    existing = make_meeting(world.panel_a, days=-30, status="held", closed_at=timezone.now())
    police, csc = world.agencies["police_a"], world.agencies["csc_a"]
    Attendance.objects.create(meeting=existing, agency=police, status="attended")
    client = client_as("coordinator_a")
    old = existing.date.strftime("%d/%m/%Y")
    earlier = (existing.date - timedelta(days=28)).strftime("%d/%m/%Y")
    future = (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    headers = ["Meeting date", "Agency", "Attendance", "Representative"]
    bad = [
        [old, police.name, "Attended", ""],  # already recorded
        [future, csc.name, "Attended", ""],
        [earlier, csc.name, "Maybe", ""],
        [earlier, police.name, "Absent", ""],
        [earlier, police.name, "Apologies", ""],  # twice in the file
    ]
    _upload(client, world, "attendance", _csv(headers, bad))
    page = client.get(f"/register/imports/{_latest().pk}/").content.decode()
    assert "attendance at the meeting on " + old + " is already recorded" in page
    assert "is in the future: import attendance of past meetings only" in page
    assert "Attendance “Maybe” is not one of the choices" in page
    assert "The same agency and meeting date as row 5: keep one of them" in page

    good = [
        [old, csc.name, "Apologies", "R. Obi"],
        [earlier, police.name, "attended", ""],
        [earlier, csc.name, "Sent a deputy", ""],
    ]
    before = set(Meeting.objects.values_list("pk", flat=True))
    _upload(client, world, "attendance", _csv(headers, good))
    imported = _latest()
    assert _confirm(client, imported).status_code == 302
    imported.refresh_from_db()
    new_meeting = Meeting.objects.exclude(pk__in=before).get()
    assert imported.created_meeting_ids == [new_meeting.pk]
    assert new_meeting.status == "held" and new_meeting.date == existing.date - timedelta(days=28)
    written = sorted(
        Attendance.objects.filter(pk__in=imported.record_ids).values_list(
            "meeting__date", "agency_id", "status", "representative"
        )
    )
    assert written == sorted(
        [
            (existing.date, csc.pk, "apologies", "R. Obi"),
            (new_meeting.date, police.pk, "attended", ""),
            (new_meeting.date, csc.pk, "deputy", ""),
        ]
    )
    assert client.post(f"/register/imports/{imported.pk}/undo/").status_code == 302
    assert not Attendance.objects.filter(pk__in=imported.record_ids).exists()
    assert not Meeting.objects.filter(pk=new_meeting.pk).exists()
    assert Attendance.objects.filter(meeting=existing).count() == 1  # the police's own record stays
