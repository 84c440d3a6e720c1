"""London authorities, panel settings and agencies."""

from __future__ import annotations

from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.organisations.models import Agency, LocalAuthority, Panel
from tests.factories.personas import World, sign_in


def _settings(**overrides: object) -> dict[str, object]:
    return {
        "name": "Alpha MARVE",
        "full_title": "Multi-Agency Risk, Vulnerability and Exploitation",
        "upper_age": "25",
        "cadence": "fortnightly",
        "quorum_agency_types": ["police", "childrens_social_care", "health", "education"],
        "risk_scale": "custom",
        "custom_risk_levels": "Emerging\nModerate\nSignificant\nSevere",
        "poc_visible_roles": ["panel_chair"],
        "poc_visible_agency_types": ["police"],
        **overrides,
    }


def test_all_33_london_authorities_are_loaded_with_their_facts(db) -> None:
    assert LocalAuthority.objects.count() == 33
    city = LocalAuthority.objects.get(gss_code="E09000001")
    assert (city.name, city.police_force, city.met_bcu) == ("City of London", "City of London Police", "")
    lambeth = LocalAuthority.objects.get(name="Lambeth")
    assert (lambeth.gss_code, lambeth.met_bcu, lambeth.integrated_care_board) == (
        "E09000022",
        "Central South",
        "South East London",
    )
    assert LocalAuthority.objects.exclude(police_force="City of London Police").filter(met_bcu="").count() == 0


def test_a_borough_admin_changes_panel_settings_and_the_change_is_audited(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    version = world.panel_a.version
    response = client.post(f"/panels/{world.panel_a.pk}/settings/", {**_settings(), "version": version})
    assert response.status_code == 302
    panel = Panel.objects.get(pk=world.panel_a.pk)
    assert (panel.name, panel.upper_age, panel.cadence) == ("Alpha MARVE", 25, "fortnightly")
    assert panel.quorum_agency_types == ["police", "childrens_social_care", "health", "education"]
    assert panel.risk_levels == ["Emerging", "Moderate", "Significant", "Severe"]
    assert panel.version == version + 1
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="organisations.panel")
    assert event.changes["upper_age"] == [18, 25]
    assert event.partnership_id == world.partnership_a.pk
    assert "Alpha MARVE" in client.get(f"/panels/{world.panel_a.pk}/").content.decode()


def test_bad_settings_are_explained_and_what_was_typed_is_kept(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(
        f"/panels/{world.panel_a.pk}/settings/",
        {**_settings(custom_risk_levels="Only one level", quorum_agency_types=[]), "version": world.panel_a.version},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "A risk scale needs between 2 and 6 levels." in html
    assert "Choose at least one agency type that must attend." in html
    assert "Only one level" in html and 'value="Alpha MARVE"' in html
    assert Panel.objects.get(pk=world.panel_a.pk).name == "Alpha MACE"


def test_a_stale_settings_form_does_not_overwrite_someone_elses_change(world: World) -> None:
    first = sign_in(Client(), world.user("borough_admin_a"))
    second = sign_in(Client(), world.user("system_admin"))
    opened_at = world.panel_a.version
    assert (
        first.post(
            f"/panels/{world.panel_a.pk}/settings/", {**_settings(name="First name"), "version": opened_at}
        ).status_code
        == 302
    )
    stale = second.post(
        f"/panels/{world.panel_a.pk}/settings/", {**_settings(name="Second name"), "version": opened_at}
    )
    html = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else saved changes to this while you were editing it." in html
    assert 'value="Second name"' in html, "the second person's typing is kept"
    assert "First name" in html, "and they can see what is saved now"
    assert Panel.objects.get(pk=world.panel_a.pk).name == "First name"
    # Saving again is a deliberate choice, and now succeeds.
    version = Panel.objects.get(pk=world.panel_a.pk).version
    assert (
        second.post(
            f"/panels/{world.panel_a.pk}/settings/", {**_settings(name="Second name"), "version": version}
        ).status_code
        == 302
    )
    assert Panel.objects.get(pk=world.panel_a.pk).name == "Second name"


def test_fields_that_are_not_on_the_form_cannot_be_set(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    client.post(
        f"/panels/{world.panel_a.pk}/settings/",
        {**_settings(), "version": world.panel_a.version, "partnership": world.partnership_b.pk, "is_active": "false"},
    )
    panel = Panel.objects.get(pk=world.panel_a.pk)
    assert panel.partnership_id == world.partnership_a.pk and panel.is_active


def test_a_borough_admin_editing_a_shared_agency_keeps_other_partnerships_links(world: World) -> None:
    shared = world.agencies["police_a"]
    shared.partnerships.add(world.partnership_b)
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(
        f"/agencies/{shared.pk}/",
        {
            "name": "Alpha and Bravo BCU",
            "agency_type": "police",
            "partnerships": [world.partnership_a.pk],
            "is_active": "on",
            "version": shared.version,
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(pk=shared.pk)
    assert agency.name == "Alpha and Bravo BCU"
    assert set(agency.partnerships.all()) == {world.partnership_a, world.partnership_b}


def test_a_borough_admin_cannot_link_an_agency_to_a_partnership_they_do_not_run(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(
        "/agencies/new/",
        {"name": "Sneaky Agency", "agency_type": "other", "partnerships": [world.partnership_b.pk], "is_active": "on"},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Agency.objects.filter(name="Sneaky Agency").exists()


def test_a_system_admin_creates_a_partnership_covering_two_authorities(world: World) -> None:
    client = sign_in(Client(), world.user("system_admin"))
    ids = list(
        LocalAuthority.objects.filter(name__in=["Kingston upon Thames", "Richmond upon Thames"]).values_list(
            "pk", flat=True
        )
    )
    response = client.post(
        "/partnerships/new/",
        {
            "name": "Kingston and Richmond Safeguarding Children Partnership",
            "short_name": "Kingston and Richmond",
            "authorities": ids,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    duplicate = client.post(
        "/partnerships/new/",
        {"name": "kingston and richmond safeguarding children partnership", "short_name": "KR", "authorities": ids},
    )
    assert "Another partnership already has this name." in duplicate.content.decode()


def test_new_panels_let_only_the_chair_and_police_see_persons_of_concern(world: World) -> None:
    assert world.panel_a.poc_visible_roles == ["panel_chair"]
    assert world.panel_a.poc_visible_agency_types == ["police"]
    assert world.panel_a.front_door_screening_required is False


def test_a_borough_admin_decides_who_sees_persons_of_concern_and_the_screening_rule(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(
        f"/panels/{world.panel_a.pk}/settings/",
        {
            **_settings(
                poc_visible_roles=["panel_chair", "coordinator"],
                poc_visible_agency_types=["police", "youth_justice"],
                front_door_screening_required="on",
            ),
            "version": world.panel_a.version,
        },
    )
    assert response.status_code == 302
    panel = Panel.objects.get(pk=world.panel_a.pk)
    assert panel.poc_visible_roles == ["panel_chair", "coordinator"]
    assert panel.poc_visible_agency_types == ["police", "youth_justice"]
    assert panel.front_door_screening_required is True
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="organisations.panel")
    assert event.changes["poc_visible_roles"] == [["panel_chair"], ["panel_chair", "coordinator"]]
    page = client.get(f"/panels/{world.panel_a.pk}/").content.decode()
    assert "MACE coordinators" in page and "Youth justice representatives" in page
    assert "Only after front-door (MASH) screening" in page


def test_persons_of_concern_cannot_be_hidden_from_everyone(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    response = client.post(
        f"/panels/{world.panel_a.pk}/settings/",
        {**_settings(poc_visible_roles=[], poc_visible_agency_types=[]), "version": world.panel_a.version},
    )
    assert response.status_code == 200
    assert "Choose at least one role or agency that may see persons of concern." in response.content.decode()
    assert Panel.objects.get(pk=world.panel_a.pk).poc_visible_roles == ["panel_chair"]


def test_a_new_panel_starts_with_chair_and_police_seeing_persons_of_concern(world: World) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    form = client.get("/panels/new/").content.decode()
    assert 'value="panel_chair" checked' in form and 'value="police" checked' in form
    response = client.post(
        "/panels/new/",
        {
            **_settings(name="Alpha Second MACE", risk_scale="low_medium_high", custom_risk_levels=""),
            "partnership": world.partnership_a.pk,
        },
    )
    assert response.status_code == 302
    panel = Panel.objects.get(name="Alpha Second MACE")
    assert (panel.poc_visible_roles, panel.poc_visible_agency_types) == (["panel_chair"], ["police"])


def _panel_links(client: Client, panel: Panel) -> list[str]:
    import re

    html = client.get(f"/panels/{panel.pk}/").content.decode()
    nav = re.search(r'<nav aria-label="[^"]+ pages">(.*?)</nav>', html, re.S)
    return re.findall(r">([^<]+)</a>", nav.group(1)) if nav else []


def test_a_panel_page_links_each_person_to_what_they_may_use(world: World) -> None:
    coordinator = _panel_links(sign_in(Client(), world.user("coordinator_a")), world.panel_a)
    assert {"VOLT register", "Triage queue", "Meetings", "Action log", "Casework due and overdue"} <= set(coordinator)
    analyst = _panel_links(sign_in(Client(), world.user("analyst_a")), world.panel_a)
    assert "Attendance and meeting quality" in analyst and "Register summary (counts only)" in analyst
    assert "VOLT register" not in analyst and "Triage queue" not in analyst
    admin = _panel_links(sign_in(Client(), world.user("borough_admin_a")), world.panel_a)
    assert "Casework settings" in admin and "VOLT register" not in admin
