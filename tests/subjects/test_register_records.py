"""Adding and changing register records: plain errors that keep what was typed, the panel's
age range, duplicate warnings and submissions, optimistic locking, status and risk history."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.subjects.models import Kind, RiskChange, Status, Subject
from tests.factories.personas import World

from .factories import make_subject


def _child(**overrides: Any) -> dict[str, Any]:
    return {
        "given_names": "Amelia",
        "family_name": "Farrowdale",
        "date_of_birth_day": "3",
        "date_of_birth_month": "4",
        "date_of_birth_year": str(timezone.localdate().year - 14),
        "sex": "female",
        "gender": "girl",
        "ethnicity": "mixed_white_black_caribbean",
        "send": "sen_support",
        "looked_after": "no",
        "education_status": "mainstream",
        "harm_types": ["cse", "online"],
        "description": "Seen getting into cars near the station.",
        "submission_id": str(uuid.uuid4()),
        **overrides,
    }


def test_a_panel_member_adds_a_child_and_it_is_audited_without_the_name(world: World, client_as: Any) -> None:
    response = client_as("member_a_education").post(f"/register/{world.panel_a.pk}/children/new/", _child())
    assert response.status_code == 302
    child = Subject.objects.get(kind=Kind.CHILD, family_name="Farrowdale")
    assert response["Location"] == f"/register/children/{child.pk}/"
    assert child.reference == "C-0001" and child.status == Status.OPEN
    assert sorted(h.code for h in child.harm_types.all()) == ["cse", "online"]
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="subjects.subject", object_id=str(child.pk))
    assert event.changes["family_name"] == ["(redacted)", "(redacted)"]
    assert "Farrowdale" not in str(event.changes) + event.object_label


def test_errors_are_plain_and_keep_what_was_typed(world: World, client_as: Any) -> None:
    response = client_as("member_a").post(
        f"/register/{world.panel_a.pk}/children/new/",
        _child(date_of_birth_day="31", date_of_birth_month="2", sex="", description="Keep this text"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth must be a real date" in html
    assert "Choose sex" in html
    assert 'value="Farrowdale"' in html and "Keep this text" in html and 'value="31"' in html
    assert not Subject.objects.exists()


def test_a_child_older_than_the_panel_considers_is_refused(world: World, client_as: Any) -> None:
    year = str(timezone.localdate().year - 20)
    response = client_as("member_a").post(
        f"/register/{world.panel_a.pk}/children/new/", _child(date_of_birth_year=year)
    )
    assert "Alpha MACE considers children and young people up to their 18th birthday" in response.content.decode()
    future = client_as("member_a").post(
        f"/register/{world.panel_a.pk}/children/new/",
        _child(date_of_birth_year=str(timezone.localdate().year + 1)),
    )
    assert "Date of birth must be in the past" in future.content.decode()
    assert not Subject.objects.exists()


def test_a_young_adult_on_a_panel_up_to_25_needs_a_deliberate_confirmation(world: World, client_as: Any) -> None:
    world.panel_a.upper_age = 25
    world.panel_a.save()
    client = client_as("member_a")
    data = _child(date_of_birth_year=str(timezone.localdate().year - 20))
    first = client.post(f"/register/{world.panel_a.pk}/children/new/", data)
    html = first.content.decode()
    assert first.status_code == 200 and "This is a young adult (18 to 24)" in html
    assert not Subject.objects.exists()
    confirmed = client.post(
        f"/register/{world.panel_a.pk}/children/new/",
        {**data, "confirm": "yes", "confirmed_warnings": "young_adult"},
    )
    assert confirmed.status_code == 302 and Subject.objects.count() == 1


def test_submitting_the_same_form_twice_saves_one_record(world: World, client_as: Any) -> None:
    client = client_as("member_a")
    data = _child()
    assert client.post(f"/register/{world.panel_a.pk}/children/new/", data).status_code == 302
    again = client.post(f"/register/{world.panel_a.pk}/children/new/", data, follow=True)
    assert Subject.objects.count() == 1
    assert "This was already saved as C-0001." in again.content.decode()


def test_a_possible_duplicate_is_flagged_before_a_second_record_is_made(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    client = client_as("coordinator_a")
    data = _child(
        given_names="Jaiden",
        family_name="Ashcomb",
        date_of_birth_day="14",
        date_of_birth_month="5",
        date_of_birth_year="2010",
    )
    first = client.post(f"/register/{world.panel_a.pk}/children/new/", data)
    html = first.content.decode()
    assert first.status_code == 200
    assert "This may already be on the register." in html
    assert "C-0001" in html and "Same date of birth" in html and "Jayden" not in html
    assert Subject.objects.filter(kind=Kind.CHILD, panel=world.panel_a).count() == 2
    key = f"dup{register['c1'].pk}"
    made = client.post(
        f"/register/{world.panel_a.pk}/children/new/", {**data, "confirm": "yes", "confirmed_warnings": key}
    )
    assert made.status_code == 302
    new = Subject.objects.get(family_name="Ashcomb")
    page = client.get(f"/register/children/{new.pk}/").content.decode()
    assert "Possible duplicates" in page and "Compare and merge" in page


def test_a_stale_edit_does_not_overwrite_someone_elses_change(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    location = register["l1"]
    data = {
        "name": "Northgate bus station",
        "location_type": "transport",
        "ward": "Northgate",
        "description": "",
        "hotspot_notes": "",
        "version": location.version,
    }
    first, second = client_as("member_a"), client_as("coordinator_a")
    assert (
        first.post(f"/register/locations/{location.pk}/edit/", {**data, "hotspot_notes": "After school"}).status_code
        == 302
    )
    stale = second.post(f"/register/locations/{location.pk}/edit/", {**data, "hotspot_notes": "Late evenings"})
    assert stale.status_code == 409
    assert "Late evenings" in stale.content.decode()
    assert Subject.objects.get(pk=location.pk).hotspot_notes == "After school"


def test_names_can_only_be_changed_once_shown(world: World, register: dict[str, Any], client_as: Any) -> None:
    client = client_as("member_a")
    child = register["c1"]
    hidden = client.get(f"/register/children/{child.pk}/edit/").content.decode()
    assert "Jayden" not in hidden and "show them first" in hidden
    client.post(f"/register/children/{child.pk}/reveal/", {"purpose": "update"})
    assert 'value="Jayden"' in client.get(f"/register/children/{child.pk}/edit/").content.decode()


def test_closing_needs_a_reason_and_only_coordinators_and_chairs_decide(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    child = register["c2"]
    Subject.objects.filter(pk=child.pk).update(for_next_meeting=True)
    assert client_as("member_a").get(f"/register/children/{child.pk}/status/").status_code == 403
    client = client_as("chair_a")
    missing = client.post(
        f"/register/children/{child.pk}/status/", {"status": "closed", "reason": "", "version": child.version}
    )
    assert "Enter the reason for stepping down or closing" in missing.content.decode()
    done = client.post(
        f"/register/children/{child.pk}/status/",
        {"status": "closed", "reason": "Moved out of area", "version": child.version},
    )
    assert done.status_code == 302
    child.refresh_from_db()
    assert (child.status, child.status_reason) == (Status.CLOSED, "Moved out of area")
    assert not child.for_next_meeting, "a closed record is no longer waiting for the next meeting"


def test_risk_levels_come_from_the_panels_scale_and_keep_their_history(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    child = register["c1"]
    client = client_as("coordinator_a")
    today = timezone.localdate()

    def decide(level: str, version: int) -> Any:
        return client.post(
            f"/register/children/{child.pk}/risk/",
            {
                "level": level,
                "reason": f"Panel decision: {level}",
                "decided_on_day": today.day,
                "decided_on_month": today.month,
                "decided_on_year": today.year,
                "version": version,
            },
        )

    assert decide("Severe", child.version).status_code == 200, "not on the panel's scale"
    assert decide("Medium", child.version).status_code == 302
    assert decide("High", child.version + 1).status_code == 302
    assert [c.level for c in RiskChange.objects.filter(subject=child).order_by("pk")] == ["Medium", "High"]
    page = client.get(f"/register/children/{child.pk}/").content.decode()
    assert "Risk level history" in page and "Medium → High" in page


def test_a_child_causing_harm_is_added_to_the_childrens_register_too(world: World, client_as: Any) -> None:
    client = client_as("chair_a")
    response = client.post(
        f"/register/{world.panel_a.pk}/persons-of-concern/new/",
        {
            "given_names": "Tyrese",
            "family_name": "Halloway",
            "person_age_group": "child",
            "sex": "male",
            "create_child_record": "on",
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    person = Subject.objects.get(kind=Kind.PERSON)
    assert person.safeguarding_record is not None and person.safeguarding_record.kind == Kind.CHILD
    assert person.safeguarding_record.family_name == "Halloway"


def test_themes_need_a_period_in_order(world: World, client_as: Any) -> None:
    response = client_as("member_a").post(
        f"/register/{world.panel_a.pk}/themes/new/",
        {
            "name": "Vape shop grooming",
            "description": "Older males buying vapes for girls",
            "period_start_day": "1",
            "period_start_month": "9",
            "period_start_year": "2025",
            "period_end_day": "1",
            "period_end_month": "6",
            "period_end_year": "2025",
            "submission_id": str(uuid.uuid4()),
        },
    )
    assert "The end of the period must be the same as or after its start" in response.content.decode()


def test_opening_a_location_as_a_context_case_lists_every_linked_child(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    location = register["l1"]
    client = client_as("coordinator_a")
    assert (
        client.post(
            f"/register/locations/{location.pk}/case/",
            {"reason": "Two children seen here", "version": location.version},
        ).status_code
        == 302
    )
    page = client.get(f"/register/locations/{location.pk}/").content.decode()
    assert "Open as a context case" in page and "Children linked to this location" in page
    assert "C-0001" in page and "C-0002" in page
    cases = client.get(f"/register/{world.panel_a.pk}/cases/").content.decode()
    assert "L-0001" in cases
    assert (
        client.post(f"/register/children/{register['c1'].pk}/case/", {"reason": "x", "version": 1}).status_code == 404
    )


def test_records_of_another_panel_cannot_be_linked(world: World, register: dict[str, Any], client_as: Any) -> None:
    other = make_subject(world.panel_b, Kind.LOCATION, name="Bravo park")
    response = client_as("member_a").post(
        f"/register/children/{register['c1'].pk}/links/new/",
        {
            "link_type": "seen_at",
            "other": other.pk,
            "known_from_day": "1",
            "known_from_month": "10",
            "known_from_year": "2025",
            "source_agency": world.agencies["police_a"].pk,
            "confidence": "confirmed",
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_date_of_birth_unknown_needs_an_age_band(world: World, client_as: Any) -> None:
    response = client_as("member_a").post(
        f"/register/{world.panel_a.pk}/children/new/",
        _child(date_of_birth_day="", date_of_birth_month="", date_of_birth_year=""),
    )
    assert "Enter a date of birth or choose an age band" in response.content.decode()
    assert (
        client_as("member_a")
        .post(
            f"/register/{world.panel_a.pk}/children/new/",
            _child(date_of_birth_day="", date_of_birth_month="", date_of_birth_year="", age_band="14_15"),
        )
        .status_code
        == 302
    )
    assert Subject.objects.get().current_age_band == "14_15"
