"""Who sees what on the registers: pseudonymous lists, audited views and reveals, and
persons of concern hidden from everyone the panel has not allowed — in every place."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from macehub.audit.models import Action, AuditEvent
from tests.factories.personas import World


def test_lists_show_references_never_names(world: World, register: dict[str, Any], client_as: Any) -> None:
    page = client_as("member_a").get(f"/register/{world.panel_a.pk}/children/").content.decode()
    assert "C-0001" in page and "C-0002" in page
    assert "Jayden" not in page and "Ashcombe" not in page and "Kofi" not in page


def test_opening_a_childs_record_is_an_audit_event_and_names_stay_hidden(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    child = register["c1"]
    page = client_as("member_a_education").get(f"/register/children/{child.pk}/").content.decode()
    assert "C-0001" in page and "Jayden" not in page
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="subjects.child", object_id=str(child.pk))
    assert event.actor_label == "teacher.a@test.invalid"
    assert event.object_label == "Child C-0001", "audit labels never carry a name"
    assert event.partnership_id == world.partnership_a.pk


def test_revealing_a_name_needs_a_purpose_which_is_recorded(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    client = client_as("member_a")
    child = register["c1"]
    refused = client.post(f"/register/children/{child.pk}/reveal/", {"purpose": "other", "detail": ""})
    assert refused.status_code == 200
    assert "Enter why you need to see their name and date of birth" in refused.content.decode()
    response = client.post(f"/register/children/{child.pk}/reveal/", {"purpose": "meeting"})
    assert response.status_code == 302
    page = client.get(f"/register/children/{child.pk}/").content.decode()
    assert "Jayden Ashcombe" in page and "14 May 2010" in page
    event = AuditEvent.objects.filter(action=Action.REVEAL, object_id=str(child.pk)).exclude(purpose="").get()
    assert event.purpose == "Preparing for or taking part in a panel meeting"
    assert event.detail["page"] == "identity"
    # Someone else still sees the reference only.
    assert "Jayden" not in client_as("coordinator_a").get(f"/register/children/{child.pk}/").content.decode()


def test_analysts_leads_and_borough_admins_get_no_records(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    for persona in ("analyst_a", "lead_a", "borough_admin_a", "london_team", "system_admin", "member_b"):
        client = client_as(persona)
        assert client.get(f"/register/children/{register['c1'].pk}/").status_code == 404, persona
        assert client.get(f"/register/locations/{register['l1'].pk}/").status_code == 404, persona
    # Opening a record that exists but is not yours is audited as refused.
    denied = AuditEvent.objects.filter(action=Action.PERMISSION_DENIED, detail__object_type="subjects.child")
    assert denied.filter(detail__object_id=str(register["c1"].pk)).exists()
    summary = client_as("analyst_a").get(f"/register/{world.panel_a.pk}/summary/")
    assert summary.status_code == 200
    html = summary.content.decode()
    assert "C-0001" not in html and "Northgate" not in html


def test_a_member_without_person_of_concern_access_never_sees_them(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    teacher = client_as("member_a_education")
    person = register["p1"]
    assert teacher.get(f"/register/persons-of-concern/{person.pk}/").status_code == 404
    assert teacher.get(f"/register/{world.panel_a.pk}/persons-of-concern/").status_code == 403
    assert teacher.get(f"/register/{world.panel_a.pk}/persons-of-concern/new/").status_code == 403
    for path in (
        f"/register/children/{register['c1'].pk}/",
        f"/register/children/{register['c1'].pk}/network/",
        f"/register/{world.panel_a.pk}/",
        f"/register/{world.panel_a.pk}/alerts/",
        f"/register/children/{register['c1'].pk}/links/new/",
    ):
        html = teacher.get(path).content.decode()
        assert "P-0001" not in html and "Person of concern" not in html.replace("persons of concern", ""), path
    search = teacher.get(f"/register/{world.panel_a.pk}/search/", {"q": "Okonjo"}).content.decode()
    assert "P-0001" not in search and "0 results" in search
    by_reference = teacher.get(f"/register/{world.panel_a.pk}/search/", {"q": "P-0001"}).content.decode()
    assert "0 results" in by_reference and f'href="/register/persons-of-concern/{person.pk}/"' not in by_reference
    # Police (allowed by default) see them.
    police = client_as("member_a")
    assert police.get(f"/register/persons-of-concern/{person.pk}/").status_code == 200
    assert "P-0001" in police.get(f"/register/children/{register['c1'].pk}/").content.decode()
    assert "P-0001" in police.get(f"/register/{world.panel_a.pk}/search/", {"q": "Okonjo"}).content.decode()


def test_the_coordinator_sees_persons_of_concern_once_the_panel_allows_it(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    assert client_as("coordinator_a").get(f"/register/persons-of-concern/{register['p1'].pk}/").status_code == 404
    world.panel_a.poc_visible_roles = ["panel_chair", "coordinator"]
    world.panel_a.save()
    assert client_as("coordinator_a").get(f"/register/persons-of-concern/{register['p1'].pk}/").status_code == 200
    assert client_as("chair_a").get(f"/register/persons-of-concern/{register['p1'].pk}/").status_code == 200


def test_the_export_has_references_only_and_no_persons_for_those_not_allowed(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    response = client_as("coordinator_a").get(f"/register/{world.panel_a.pk}/export/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "Persons of concern" not in book.sheetnames
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert "C-0001" in cells and not any("Jayden" in c or "Okonjo" in c or "P-0001" in c for c in cells)
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="organisations.panel").exists()
    world.panel_a.poc_visible_roles = ["panel_chair", "coordinator"]
    world.panel_a.save()
    book = load_workbook(io.BytesIO(client_as("coordinator_a").get(f"/register/{world.panel_a.pk}/export/").content))
    assert "Persons of concern" in book.sheetnames
    assert client_as("member_a").get(f"/register/{world.panel_a.pk}/export/").status_code == 403


def test_searching_is_recorded_without_the_words_searched_for(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    page = client_as("member_a").get(f"/register/{world.panel_a.pk}/search/", {"q": "ashcomb"}).content.decode()
    assert "C-0001" in page and "Ashcombe" not in page
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="organisations.panel")
    assert event.detail == {"page": "register search", "results": 1}
    assert "ashcomb" not in str(event.detail) + event.purpose


def test_every_page_showing_a_child_or_person_records_a_view(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    child, person = register["c1"], register["p1"]
    police = client_as("member_a")
    for path in (
        f"/register/children/{child.pk}/",
        f"/register/children/{child.pk}/network/",
        f"/register/children/{child.pk}/edit/",
        f"/register/persons-of-concern/{person.pk}/",
        f"/register/persons-of-concern/{person.pk}/network/",
    ):
        before = AuditEvent.objects.filter(action=Action.VIEW).count()
        assert police.get(path).status_code == 200
        assert AuditEvent.objects.filter(action=Action.VIEW).count() == before + 1, path
    pages = set(AuditEvent.objects.filter(action=Action.VIEW).values_list("object_type", "detail__page"))
    assert ("subjects.child", "network") in pages and ("subjects.personofconcern", "record") in pages


def test_partnership_roles_find_the_register_summary_from_their_home_page(world: World, client_as: Any) -> None:
    home = client_as("analyst_a").get("/").content.decode()
    assert f'href="/register/{world.panel_a.pk}/summary/"' in home
    assert f'href="/register/{world.panel_a.pk}/"' not in home
    member_home = client_as("member_a").get("/").content.decode()
    assert f'href="/register/{world.panel_a.pk}/"' in member_home


def test_register_pages_carry_no_inline_script_and_escape_what_people_type(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    import re

    evil = '<script>alert("x")</script>'
    location = register["l1"]
    location.name = evil
    location.hotspot_notes = evil
    location.save()
    client = client_as("member_a")
    for path in (
        f"/register/children/{register['c1'].pk}/",
        f"/register/children/{register['c1'].pk}/network/",
        f"/register/locations/{location.pk}/",
        f"/register/{world.panel_a.pk}/locations/",
        f"/register/{world.panel_a.pk}/alerts/",
        f"/register/children/{register['c1'].pk}/links/new/",
    ):
        html = client.get(path).content.decode()
        assert evil not in html, path
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {path}: {tag}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {path}"
    network = client.get(f"/register/children/{register['c1'].pk}/network/").content.decode()
    assert "\\u003Cscript\\u003E" in network, "names in the diagram's data are escaped for JSON too"
