"""Making a referral: any agency member on the panel can; errors keep what was typed;
ages outside the panel's range and repeated submissions are caught; attachments are
stored privately; the referrer sees only their own referrals."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.referrals.models import Referral, ReferralStatus
from tests.factories.personas import World, minimal_pdf

PDF = minimal_pdf()


def child_referral(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "panel": world.panel_a.pk,
        "given_names": "Jayden",
        "family_name": "Ashcombe",
        "date_of_birth_day": "14",
        "date_of_birth_month": "5",
        "date_of_birth_year": str(timezone.localdate().year - 15),
        "sex": "male",
        "school": "Northgate Academy",
        "harm_types": ["cce", "county_lines"],
        "concerns": "Missing three times this month; found in another county with cash.",
        "associates": "Older males in a silver car",
        "locations": "Northgate bus station",
        "online": "",
        "route": "front_door",
        "route_reference": "MASH-2025-1182",
        "submission_id": str(uuid.uuid4()),
        **overrides,
    }


def test_an_agency_member_refers_a_child_and_the_coordinator_is_told_without_a_name(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    client = client_as("member_a_education")
    data = child_referral(world, attachment=SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/referrals/new/child/", data)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/{referral.pk}/"
    assert (referral.reference, referral.status, referral.referrer_agency) == (
        "R-0001",
        ReferralStatus.SUBMITTED,
        world.agencies["education_a"],
    )
    assert referral.front_door_screened, "the front-door route counts as screened"
    assert referral.attachments.count() == 1
    assert [m.to for m in mailoutbox] == [["coordinator.a@test.invalid"]]
    assert "Jayden" not in mailoutbox[0].body + mailoutbox[0].subject and "R-0001" in mailoutbox[0].subject
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="referrals.referral")
    assert "Jayden" not in str(event.changes) + str(event.detail) and event.object_label == "Referral R-0001"
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Waiting for screening" in page and "form.pdf" in page


def test_the_referrer_sees_their_own_referrals_only(world: World, client_as: Any) -> None:
    client_as("member_a_education").post("/referrals/new/child/", child_referral(world))
    referral = Referral.objects.get()
    mine = client_as("member_a_education").get("/referrals/").content.decode()
    assert "R-0001" in mine and "Waiting for screening" in mine
    assert "R-0001" not in client_as("member_a").get("/referrals/").content.decode()
    assert client_as("member_a").get(f"/referrals/{referral.pk}/").status_code == 404
    assert client_as("member_b").get(f"/referrals/{referral.pk}/").status_code == 404
    assert client_as("coordinator_a").get(f"/referrals/{referral.pk}/").status_code == 200
    assert client_as("member_a_education").get(f"/referrals/queue/{world.panel_a.pk}/").status_code == 403


def test_errors_keep_what_was_typed(world: World, client_as: Any) -> None:
    response = client_as("member_a").post(
        "/referrals/new/child/",
        child_referral(
            world,
            date_of_birth_day="30",
            date_of_birth_month="2",
            concerns="",
            harm_types=[],
            route="police",
            route_reference="",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth must be a real date" in html
    assert "Enter what you are worried about" in html
    assert "Choose at least one type of harm" in html
    assert "Enter the police report or strategy discussion reference" in html
    assert 'value="Ashcombe"' in html and "Older males in a silver car" in html
    assert not Referral.objects.exists()


def test_ages_outside_the_panels_range_are_caught_and_young_adults_need_a_check(world: World, client_as: Any) -> None:
    client = client_as("member_a")
    year20 = str(timezone.localdate().year - 20)
    refused = client.post("/referrals/new/child/", child_referral(world, date_of_birth_year=year20))
    assert "Alpha MACE considers children and young people up to their 18th birthday" in refused.content.decode()
    world.panel_a.upper_age = 25
    world.panel_a.save()
    data = child_referral(world, date_of_birth_year=year20)
    warned = client.post("/referrals/new/child/", data)
    assert "This is a young adult (18 to 24)" in warned.content.decode() and not Referral.objects.exists()
    sent = client.post("/referrals/new/child/", {**data, "confirm": "yes", "confirmed_warnings": "young_adult"})
    assert sent.status_code == 302 and Referral.objects.count() == 1


def test_sending_the_same_form_twice_makes_one_referral(world: World, client_as: Any) -> None:
    client = client_as("member_a")
    data = child_referral(world)
    client.post("/referrals/new/child/", data)
    again = client.post("/referrals/new/child/", data, follow=True)
    assert Referral.objects.count() == 1
    assert "You had already sent this referral: it is R-0001." in again.content.decode()
    # A new form about the same child, still waiting: the referrer is asked to check.
    repeat = client.post("/referrals/new/child/", child_referral(world))
    assert "You already referred Jayden Ashcombe" in repeat.content.decode()
    assert Referral.objects.count() == 1


def test_a_group_location_and_possible_perpetrator_can_be_referred(world: World, client_as: Any) -> None:
    client = client_as("member_a_education")
    common = {
        "harm_types": ["cse"],
        "concerns": "Seen near the station",
        "route": "pre_mace",
        "panel": world.panel_a.pk,
    }
    group = client.post(
        "/referrals/new/group/", {**common, "name": "Year 9 girls with older males", "submission_id": str(uuid.uuid4())}
    )
    place = client.post(
        "/referrals/new/location/",
        {**common, "name": "Northgate bus station", "location_type": "transport", "submission_id": str(uuid.uuid4())},
    )
    person = client.post(
        "/referrals/new/person/",
        {**common, "aliases": "Dee", "person_age_group": "adult", "sex": "male", "submission_id": str(uuid.uuid4())},
    )
    assert (group.status_code, place.status_code, person.status_code) == (302, 302, 302)
    assert sorted(Referral.objects.values_list("subject_type", flat=True)) == ["group", "location", "person"]
    assert client_as("member_a_education").get("/referrals/new/pet/").status_code == 404


def test_only_agency_members_of_the_panel_can_refer(world: World, client_as: Any) -> None:
    for persona in ("analyst_a", "borough_admin_a", "london_team", "no_roles"):
        assert client_as(persona).get("/referrals/new/").status_code == 403, persona
    # A member of panel B cannot refer to panel A by changing the form.
    response = client_as("member_b").post("/referrals/new/child/", child_referral(world))
    assert response.status_code == 302 and response["Location"] == "/referrals/new/"
    assert not Referral.objects.exists()


def test_attachments_are_served_only_to_people_who_may_see_the_referral(world: World, client_as: Any) -> None:
    client_as("member_a_education").post(
        "/referrals/new/child/",
        child_referral(world, attachment=SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf")),
    )
    referral = Referral.objects.get()
    item = referral.attachments.get()
    path = f"/referrals/{referral.pk}/attachments/{item.pk}/"
    response = client_as("coordinator_a").get(path)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client_as("member_a").get(path).status_code == 404
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD).count() == 1
    bad = client_as("member_a_education").post(
        "/referrals/new/child/",
        child_referral(world, attachment=SimpleUploadedFile("form.pdf", b"<html>not a pdf</html>")),
    )
    assert "is not really a PDF file" in bad.content.decode()
