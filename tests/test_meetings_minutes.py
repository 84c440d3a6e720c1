"""Minutes: drafted, edited (optimistic locking), approved by a chair only, then immutable —
corrections are new, audited versions — distributed only to attendees with access, each seeing
only the items they may see; the PDF is marked OFFICIAL-SENSITIVE. And attendees' feedback."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from macehub.audit.models import AuditEvent
from macehub.meetings.models import (
    ApprovedMinutesError,
    Attendance,
    Feedback,
    Invitation,
    ItemMinute,
    Meeting,
    Minutes,
    MinutesStatus,
)
from macehub.meetings.services import minutes as minutes_services
from tests.factories.meetings import add_item, invite, meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return meetings_for(world, register_for(world))


@pytest.fixture
def draft(world: World, m: dict[str, Any]) -> Minutes:
    """The held meeting's minutes turned back into a draft, with an item about a person of concern
    and one the school was invited for."""
    held = m["held"]
    Minutes.objects.filter(pk=m["minutes"].pk).update(
        status=MinutesStatus.DRAFT, approved_by=None, approved_at=None, distributed_at=None
    )
    person_item = add_item(held, register_for(world)["p1"], discussion="Seen at the flat.", decisions="Disrupt.")
    school_item = add_item(held, register_for(world)["c1"], discussion="New referral.", decisions="Keep open.")
    minutes = Minutes.objects.get(pk=m["minutes"].pk)
    ItemMinute.objects.create(minutes=minutes, item=person_item, text="Police to visit the flat.")
    ItemMinute.objects.create(minutes=minutes, item=school_item, text="School to share attendance.")
    invite(held, world.user("member_a_education"), world.agencies["education_a"], school_item)
    Attendance.objects.create(meeting=held, agency=world.agencies["education_a"], status="attended")
    m["school_item"] = school_item
    return minutes


def test_only_a_chair_approves_and_approval_freezes_the_minutes(
    world: World, client_as: Any, m: dict[str, Any], draft: Minutes
) -> None:
    held = m["held"]
    response = client_as("coordinator_a").post(f"/meetings/{held.pk}/minutes/approve/", {"version": draft.version})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_approve(actor=world.user("member_a"), minutes=draft, expected_version=draft.version)
    response = client_as("chair_a").post(f"/meetings/{held.pk}/minutes/approve/", {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.APPROVED and draft.approved_by == world.user("chair_a")
    assert draft.snapshot["quorate"] is True and len(draft.snapshot["attendance"]) == 3
    assert AuditEvent.objects.filter(action="sign_off", object_type="meetings.minutes").count() == 1
    # Immutable: no edit through the page, the service or the model.
    response = client_as("coordinator_a").get(f"/meetings/{held.pk}/minutes/edit/")
    assert response.status_code == 302
    minute = draft.items.first()
    assert minute is not None
    with pytest.raises(ValidationError):
        minutes_services.minute_save(
            actor=world.user("chair_a"), minute=minute, expected_version=minute.version, text="changed"
        )
    minute.text = "changed"
    with pytest.raises(ApprovedMinutesError):
        minute.save()
    draft.opening = "changed"
    with pytest.raises(ApprovedMinutesError):
        draft.save()


def test_a_correction_is_a_new_version_with_a_reason_and_replaces_the_old_on_approval(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    held = m["held"]
    client = client_as("coordinator_a")
    response = client.post(f"/meetings/{held.pk}/minutes/correct/", {"reason": ""})
    assert "Enter what needs correcting and why" in response.content.decode()
    response = client.post(
        f"/meetings/{held.pk}/minutes/correct/", {"reason": "The decision on C-0002 was misrecorded"}
    )
    assert response.status_code == 302
    versions = {v.number: v for v in Minutes.objects.filter(meeting=held)}
    assert versions[1].status == MinutesStatus.APPROVED and versions[2].status == MinutesStatus.DRAFT
    assert versions[2].items.get().text == versions[1].items.get().text
    minute = versions[2].items.get()
    response = client.post(
        f"/meetings/{held.pk}/minutes/edit/",
        {
            "part": minute.pk,
            f"minute-{minute.pk}-text": "Corrected text.",
            f"minute-{minute.pk}-version": minute.version,
        },
        HTTP_X_AUTOSAVE="1",
    )
    assert response.json()["status"] == "saved"
    minutes_services.minutes_approve(
        actor=world.user("chair_a"), minutes=versions[2], expected_version=versions[2].version + 0
    )
    statuses = dict(Minutes.objects.filter(meeting=held).values_list("number", "status"))
    assert statuses == {1: MinutesStatus.SUPERSEDED, 2: MinutesStatus.APPROVED}
    assert Minutes.objects.get(number=1, meeting=held).items.get().text != "Corrected text."
    assert AuditEvent.objects.filter(action="create", object_type="meetings.minutes", purpose__contains="misrecorded")


def test_editing_the_draft_detects_someone_elses_change(
    world: World, client_as: Any, m: dict[str, Any], draft: Minutes
) -> None:
    minute = draft.items.get(item=m["held_item"])
    client = client_as("coordinator_a")
    data = {"part": minute.pk, f"minute-{minute.pk}-text": "Mine", f"minute-{minute.pk}-version": minute.version}
    minutes_services.minute_save(
        actor=world.user("chair_a"), minute=minute, expected_version=minute.version, text="Theirs"
    )
    response = client.post(f"/meetings/{m['held'].pk}/minutes/edit/", data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 409 and response.json()["theirs"]["text"] == "Theirs"
    response = client.post(f"/meetings/{m['held'].pk}/minutes/edit/", data)
    assert response.status_code == 409
    assert "Theirs" in response.content.decode() and "Mine" in response.content.decode()


def test_distribution_goes_to_attendees_with_access_and_each_sees_their_items(
    world: World, client_as: Any, m: dict[str, Any], draft: Minutes, django_capture_on_commit_callbacks: Any
) -> None:
    held = m["held"]
    # Children's social care sent apologies this time: its invitees get nothing.
    Attendance.objects.filter(meeting=held, agency=world.agencies["csc_a"]).update(status="apologies")
    minutes_services.minutes_approve(actor=world.user("chair_a"), minutes=draft, expected_version=draft.version)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("coordinator_a").post(f"/meetings/{held.pk}/minutes/distribute/", follow=True)
    assert "Minutes sent to 2 attendees with access." in response.content.decode()
    assert sorted(e.to[0] for e in mail.outbox) == ["member.a@test.invalid", "teacher.a@test.invalid"]
    assert all("C-0002" not in e.body for e in mail.outbox)
    school = client_as("member_a_education").get(f"/meetings/{held.pk}/minutes/").content.decode()
    assert "School to share attendance." in school
    assert "Missing twice" not in school and "Police to visit the flat." not in school
    police = client_as("member_a").get(f"/meetings/{held.pk}/minutes/").content.decode()
    assert "Police to visit the flat." in police and "Missing twice" in police
    # Persons of concern: never for the coordinator, even in the minutes and their PDF.
    coordinator = client_as("coordinator_a")
    assert "Police to visit the flat." not in coordinator.get(f"/meetings/{held.pk}/minutes/").content.decode()
    pdf = coordinator.get(f"/meetings/{held.pk}/minutes.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "P-0001" not in text and "Missing twice" in text
    # An invitee whose agency sent apologies cannot read them.
    Invitation.objects.filter(meeting=held, user=world.user("member_a")).update(agency=world.agencies["csc_a"])
    assert AuditEvent.objects.filter(action="distribute", object_type="meetings.minutes").count() == 1


def test_draft_minutes_are_for_coordinators_and_chairs_only(
    world: World, client_as: Any, m: dict[str, Any], draft: Minutes
) -> None:
    assert client_as("member_a").get(f"/meetings/{m['held'].pk}/minutes/").status_code == 403
    assert client_as("coordinator_a").get(f"/meetings/{m['held'].pk}/minutes/").status_code == 200
    views = AuditEvent.objects.filter(action="view", object_type="meetings.minutes")
    assert views.count() == 1


def test_the_minutes_pdf_text_reads_as_the_minutes(world: World, client_as: Any, m: dict[str, Any]) -> None:
    response = client_as("chair_a").get(f"/meetings/{m['held'].pk}/minutes.pdf")
    assert response["Content-Disposition"].startswith('attachment; filename="minutes-')
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert "Minutes:" in text and "C-0002" in text and "The meeting was quorate." in text
    assert AuditEvent.objects.filter(action="download", detail__page="minutes PDF").count() == 1


def test_feedback_once_per_attendee_and_it_rolls_up_for_the_partnership(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    held = m["held"]
    client = client_as("member_a")
    response = client.post(f"/meetings/{held.pk}/feedback/", {"focused": "3"})
    assert response.status_code == 200 and "Choose yes, partly or no" in response.content.decode()
    response = client.post(
        f"/meetings/{held.pk}/feedback/",
        {"focused": "3", "clear_actions": "1", "effective_chairing": "3", "comment": "Ran over time."},
    )
    assert response.status_code == 302
    assert Feedback.objects.get().clear_actions == 1
    assert "already given feedback" in client.get(f"/meetings/{held.pk}/feedback/").content.decode()
    # The partnership's analyst sees counts, never comments or records.
    page = client_as("analyst_a").get(f"/panels/{held.panel_id}/meetings/quality/").content.decode()
    assert "100%" in page and "Ran over time." not in page and "C-0002" not in page
    chair = client_as("chair_a").get(f"/panels/{held.panel_id}/meetings/quality/").content.decode()
    assert "Ran over time." in chair
    assert Meeting.objects.get(pk=held.pk).quorate is True
