"""Links, the network view, shared-context alerts and merging duplicates."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.subjects import selectors
from macehub.subjects.models import AlertReview, Kind, Link, LinkType, RiskChange, Status, Subject
from macehub.subjects.services import merging as merge_services
from tests.factories.personas import World

from .factories import make_link, make_subject


def _link_form(other: Subject, link_type: str, world: World, **extra: Any) -> dict[str, Any]:
    return {
        "link_type": link_type,
        "other": other.pk,
        "known_from_day": "2",
        "known_from_month": "10",
        "known_from_year": "2025",
        "source_agency": world.agencies["education_a"].pk,
        "confidence": "likely",
        **extra,
    }


def test_links_are_typed_dated_and_read_from_either_end(world: World, register: dict[str, Any], client_as: Any) -> None:
    client = client_as("member_a")
    person, child = register["p1"], register["c2"]
    # From the person's page: "is thought to exploit (a child)" — stored child → person.
    response = client.post(
        f"/register/persons-of-concern/{person.pk}/links/new/", _link_form(child, "exploited_by:reverse", world)
    )
    assert response.status_code == 302
    link = Link.objects.get(source=child, target=person)
    assert link.link_type == LinkType.EXPLOITED_BY and link.confidence == "likely"
    assert link.source_agency == world.agencies["education_a"] and str(link.known_from) == "2025-10-02"
    assert "Is thought to be exploited by" in client.get(f"/register/children/{child.pk}/").content.decode()
    person_page = client.get(f"/register/persons-of-concern/{person.pk}/").content.decode()
    assert "Children linked to this person of concern" in person_page
    assert f'href="/register/children/{child.pk}/">C-0002</a>' in person_page
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="subjects.link").exists()


def test_impossible_and_repeated_links_are_refused_in_plain_words(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    client = client_as("member_a")
    wrong = client.post(
        f"/register/children/{register['c1'].pk}/links/new/", _link_form(register["l1"], "member_of", world)
    )
    assert "A child cannot be linked to a location as ‘is part of’" in wrong.content.decode()
    again = client.post(
        f"/register/children/{register['c1'].pk}/links/new/", _link_form(register["l1"], "seen_at", world)
    )
    assert "C-0001 and L-0001 are already linked as ‘is seen at’" in again.content.decode()
    future = client.post(
        f"/register/children/{register['c2'].pk}/links/new/",
        _link_form(register["g1"], "member_of", world, known_from_year=str(timezone.localdate().year + 1)),
    )
    assert "The date must be today or in the past" in future.content.decode()
    # A year no record reaches is refused by the form itself.
    far = client.post(
        f"/register/children/{register['c2'].pk}/links/new/",
        _link_form(register["g1"], "member_of", world, known_from_year="2999"),
    )
    assert "Date known must be before" in far.content.decode()


def test_ending_a_link_keeps_it_as_a_past_link(world: World, register: dict[str, Any], client_as: Any) -> None:
    link = register["link_c1_g1"]
    client = client_as("member_a")
    response = client.post(
        f"/register/links/{link.pk}/end/",
        {
            "ended_on_day": "5",
            "ended_on_month": "10",
            "ended_on_year": "2025",
            "reason": "Left the group",
            "version": 1,
        },
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.ended_on is not None
    page = client.get(f"/register/children/{register['c1'].pk}/").content.decode()
    assert "Past links (1)" in page and "Left the group" in page


def test_two_unlinked_children_at_the_same_place_raise_a_shared_context_alert(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    client = client_as("coordinator_a")
    alerts = client.get(f"/register/{world.panel_a.pk}/alerts/").content.decode()
    assert "C-0001</a> and <a" in alerts and "C-0002" in alerts and "L-0001" in alerts
    page = client.get(f"/register/children/{register['c2'].pk}/").content.decode()
    assert "1 other child shares a context with C-0002 but is not linked to them." in page
    # Linking them answers the alert.
    make_link(register["c1"], register["c2"], LinkType.ASSOCIATES)
    assert selectors.alerts_for_panel(world.user("coordinator_a"), world.panel_a) == []


def test_a_reviewed_alert_stops_appearing(world: World, register: dict[str, Any], client_as: Any) -> None:
    client = client_as("chair_a")
    c1, c2, l1 = register["c1"], register["c2"], register["l1"]
    missing = client.post(
        f"/register/{world.panel_a.pk}/alerts/review/",
        {"first": c1.pk, "second": c2.pk, "context": l1.pk, "note": ""},
    )
    assert missing.status_code == 400
    done = client.post(
        f"/register/{world.panel_a.pk}/alerts/review/",
        {"first": c2.pk, "second": c1.pk, "context": l1.pk, "note": "Same college; not connected"},
    )
    assert done.status_code == 302
    assert AlertReview.objects.get().first_child == c1
    assert selectors.alerts_for_panel(world.user("chair_a"), world.panel_a) == []
    assert (
        client_as("member_a")
        .post(
            f"/register/{world.panel_a.pk}/alerts/review/",
            {"first": c1.pk, "second": c2.pk, "context": l1.pk, "note": "x"},
        )
        .status_code
        == 403
    )


def test_a_shared_person_of_concern_alerts_only_those_allowed_to_see_them(
    world: World, register: dict[str, Any]
) -> None:
    c3 = make_subject(world.panel_a, Kind.CHILD)
    make_link(c3, register["p1"], LinkType.EXPLOITED_BY)
    police = {
        (a.first.pk, a.second.pk, a.context.kind)
        for a in selectors.alerts_for_panel(world.user("member_a"), world.panel_a)
    }
    teacher = {
        (a.first.pk, a.second.pk, a.context.kind)
        for a in selectors.alerts_for_panel(world.user("member_a_education"), world.panel_a)
    }
    assert (register["c1"].pk, c3.pk, Kind.PERSON) in police
    assert all(kind != Kind.PERSON for _, _, kind in teacher)
    assert selectors.alert_count(world.user("member_a_education"), world.panel_a) == 1


def test_the_network_reaches_two_steps_and_hides_what_the_viewer_may_not_see(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    far = make_subject(world.panel_a, Kind.CHILD)
    make_link(far, register["g1"], LinkType.MEMBER_OF)
    beyond = make_subject(world.panel_a, Kind.LOCATION, name="Three steps away")
    make_link(far, beyond, LinkType.SEEN_AT)
    hood = selectors.neighbourhood(world.user("member_a"), register["c2"])
    steps = {hood.subjects[pk].reference: step for pk, step in hood.steps.items()}
    assert steps == {"C-0002": 0, "L-0001": 1, "C-0001": 2, "G-0001": 2}
    police = selectors.neighbourhood(world.user("member_a"), register["c1"])
    teacher = selectors.neighbourhood(world.user("member_a_education"), register["c1"])
    assert register["p1"].pk in police.steps and register["p1"].pk not in teacher.steps
    page = client_as("member_a_education").get(f"/register/children/{register['c1'].pk}/network/").content.decode()
    assert 'id="network-data"' in page and "js/cytoscape.min.js" in page and "Connections, as a list" in page
    assert "G-0001" in page and "P-0001" not in page
    assert AuditEvent.objects.filter(action=Action.VIEW, detail__page="network").count() == 1


def test_merging_keeps_both_records_links_and_loses_nothing(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    keep = register["c1"]
    dup = make_subject(
        world.panel_a,
        Kind.CHILD,
        given_names="Jaiden",
        family_name="Ashcomb",
        date_of_birth=keep.date_of_birth,
        risk_level="High",
    )
    theme2 = make_subject(world.panel_a, Kind.THEME, name="Knife carrying for protection")
    make_link(dup, theme2, LinkType.THEME)
    make_link(dup, register["c2"], LinkType.ASSOCIATES)
    make_link(keep, dup, LinkType.FAMILY)
    RiskChange.objects.create(subject=dup, level="High", decided_on="2025-09-01", reason="At panel")
    client = client_as("coordinator_a")
    assert client_as("member_a").get(f"/register/children/{keep.pk}/merge/?with={dup.pk}").status_code == 403
    compare = client.get(f"/register/children/{keep.pk}/merge/?with={dup.pk}")
    assert compare.status_code == 200 and "Jaiden Ashcomb" in compare.content.decode()
    assert AuditEvent.objects.filter(purpose="Checking whether two records are the same person").count() == 2
    response = client.post(
        f"/register/children/{keep.pk}/merge/",
        {
            "with": dup.pk,
            "keep": "this",
            "reason": "Same child, name misspelt",
            "this_version": keep.version,
            "other_version": dup.version,
        },
    )
    assert response.status_code == 302
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into == keep
    current = {
        (link.link_type, (link.target if link.source_id == keep.pk else link.source).reference)
        for link in Link.objects.filter(ended_on__isnull=True).filter(source=keep)
        | Link.objects.filter(ended_on__isnull=True, target=keep)
    }
    assert {("seen_at", "L-0001"), ("theme", "T-0002"), ("associates", "C-0002"), ("member_of", "G-0001")} <= current
    assert Link.objects.get(link_type=LinkType.FAMILY).ended_on is not None, (
        "the link between the two is ended, not deleted"
    )
    assert "Jaiden Ashcomb" in keep.aliases and keep.risk_level == "High"
    assert RiskChange.objects.get().subject == keep
    events = AuditEvent.objects.filter(action=Action.MERGE, detail__merge__merged=dup.reference)
    assert events.count() == 2 and events.first().purpose == "Same child, name misspelt"
    assert "merged into" in client.get(f"/register/children/{dup.pk}/").content.decode()
    assert selectors.alerts_for_panel(world.user("coordinator_a"), world.panel_a) == [], (
        "now linked via the merged record"
    )


def test_a_stale_merge_is_refused(world: World, register: dict[str, Any]) -> None:
    keep, dup = register["c1"], register["c2"]
    with pytest.raises(Exception, match="changed by someone else"):
        merge_services.merge_records(
            actor=world.user("coordinator_a"),
            keep=keep,
            merged=dup,
            keep_version=keep.version + 5,
            merged_version=dup.version,
            reason="x",
        )
    assert Subject.objects.get(pk=dup.pk).status == Status.OPEN
    assert Link.objects.filter(source=dup).exists()
    with pytest.raises(ValidationError):
        merge_services.merge_records(
            actor=world.user("coordinator_a"),
            keep=keep,
            merged=register["l1"],
            keep_version=1,
            merged_version=1,
            reason="x",
        )


def test_a_coordinator_can_pick_the_other_record_by_reference(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    client = client_as("coordinator_a")
    c1, c2 = register["c1"], register["c2"]
    found = client.get(f"/register/children/{c1.pk}/merge/", {"reference": "c2"})
    assert found.status_code == 302 and found["Location"].endswith(f"?with={c2.pk}")
    wrong = client.get(f"/register/children/{c1.pk}/merge/", {"reference": "L-0001"})
    assert "Enter the reference of another child on this register" in wrong.content.decode()
    by_name = client.get(f"/register/children/{c1.pk}/merge/", {"reference": "Kofi"})
    assert by_name.status_code == 200, "names are not looked up here"
