"""Casework is seen by exactly the people who may see the register record it is about: persons
of concern only by the roles the panel allows, never by partnership or London-wide roles; every
look at a record is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import AuditEvent
from macehub.casework import selectors
from macehub.casework.journey import plan_events, referral_events
from macehub.casework.models import Plan, PlanChild, PlanOutcome
from macehub.core import timeline
from tests.factories.casework import casework_for
from tests.factories.personas import World

from .subjects.factories import referral_for, register_for


@pytest.fixture
def cw(world: World) -> dict[str, Any]:
    return casework_for(world, register_for(world))


@pytest.fixture
def reg(world: World, cw: dict[str, Any]) -> dict[str, Any]:
    return register_for(world)


def test_persons_of_concern_casework_is_only_for_those_the_panel_allows(
    world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any
) -> None:
    poc = cw["poc_disruption"]
    poc.children.set([reg["c1"]])
    path = f"/casework/disruption/{poc.pk}/"
    assert client_as("member_a").get(path).status_code == 200  # police: allowed by default
    assert client_as("chair_a").get(path).status_code == 200
    assert client_as("coordinator_a").get(path).status_code == 404
    assert client_as("member_a_education").get(path).status_code == 404
    assert client_as("member_a_education").get(f"/casework/records/{reg['p1'].pk}/").status_code == 404
    # The child's journey leaves it out for those who may not see the person.
    journey = f"/casework/children/{reg['c1'].pk}/journey/"
    assert "Child abduction warning notice" in client_as("member_a").get(journey).content.decode()
    assert "Child abduction warning notice" not in client_as("member_a_education").get(journey).content.decode()
    assert poc not in selectors.disruptions_visible_to(world.user("coordinator_a"))


def test_a_plan_for_a_person_of_concern_is_hidden_from_the_childs_journey(
    world: World, reg: dict[str, Any], cw: dict[str, Any]
) -> None:
    plan = Plan.objects.create(
        subject=reg["p1"],
        plan_type="disruption",
        lead_agency=world.agencies["police_a"],
        lead_professional="DS Reed",
        started_on=cw["plan"].started_on,
    )
    PlanOutcome.objects.create(plan=plan, order=1, text="Stops contacting children")
    PlanChild.objects.create(plan=plan, child=reg["c1"], added_on=plan.started_on)
    titles = [e.title for e in plan_events(world.user("member_a"), reg["c1"])]
    assert any("P-0001" in t for t in titles)
    titles = [e.title for e in plan_events(world.user("member_a_education"), reg["c1"])]
    assert not any("P-0001" in t for t in titles)


def test_the_interview_form_offers_persons_of_concern_only_to_those_allowed(
    world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any
) -> None:
    path = f"/casework/missing/{cw['episode'].pk}/interview/"
    assert "P-0001" in client_as("member_a").get(path).content.decode()
    page = client_as("member_a_education").get(path).content.decode()
    assert "P-0001" not in page and "L-0001" in page


@pytest.mark.parametrize("persona", ["analyst_a", "lead_a", "borough_admin_a", "london_team", "system_admin"])
def test_oversight_and_london_roles_never_see_records(
    world: World, reg: dict[str, Any], cw: dict[str, Any], persona: str
) -> None:
    user = world.user(persona)
    for qs in (
        selectors.assessments_visible_to(user),
        selectors.episodes_visible_to(user),
        selectors.nrm_visible_to(user),
        selectors.plans_visible_to(user),
        selectors.disruptions_visible_to(user),
        selectors.escalations_visible_to(user),
    ):
        assert not qs.exists()
    assert timeline.events_for(user, reg["c1"]) == []


def test_another_panel_sees_nothing(world: World, reg: dict[str, Any], cw: dict[str, Any]) -> None:
    member_b = world.user("member_b")
    assert list(selectors.episodes_visible_to(member_b)) == [cw["episode_b"]]
    assert not selectors.plans_visible_to(member_b).exists()


def test_views_of_records_are_audited(world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any) -> None:
    client: Client = client_as("member_a")
    c1 = reg["c1"]
    client.get(f"/casework/records/{c1.pk}/")
    client.get(f"/casework/children/{c1.pk}/journey/")
    client.get(f"/casework/missing/{cw['episode'].pk}/")
    client.get(f"/casework/nrm/{cw['nrm'].pk}/")
    client.get(f"/casework/plans/{cw['plan'].pk}/")
    events = AuditEvent.objects.filter(action="view", actor_id=world.user("member_a").pk)
    seen = {(t, d.get("page")) for t, d in events.values_list("object_type", "detail")}
    assert {
        ("subjects.child", "casework"),
        ("subjects.child", "journey"),
        ("casework.missingepisode", "missing episode"),
        ("casework.nrmreferral", "NRM referral"),
        ("casework.plan", "plan"),
    } <= seen
    response = client.get(f"/casework/children/{c1.pk}/journey/pdf/")
    assert response.status_code == 200
    export = AuditEvent.objects.get(action="export", object_id=str(c1.pk))
    assert export.detail["report"] == "chronology"
    assert export.object_label == "Child C-0001"


def test_a_refused_look_is_audited(world: World, reg: dict[str, Any], cw: dict[str, Any], client_as: Any) -> None:
    assert client_as("member_b").get(f"/casework/missing/{cw['episode'].pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        action="permission_denied",
        detail__object_type="casework.missingepisode",
        detail__object_id=str(cw["episode"].pk),
    ).exists()


def test_referrals_appear_in_the_journey_linked_only_for_those_who_may_open_them(
    world: World, reg: dict[str, Any], cw: dict[str, Any]
) -> None:
    referral = referral_for(world)
    referral.subjects.add(reg["c1"])
    member = list(referral_events(world.user("member_a"), reg["c1"]))
    assert [e.title for e in member] == ["Referral R-0001 received"]
    assert member[0].url == ""
    coordinator = list(referral_events(world.user("coordinator_a"), reg["c1"]))
    assert coordinator[0].url == f"/referrals/{referral.pk}/"
    assert list(referral_events(world.user("member_b"), reg["c1"])) == []


def test_the_journey_registers_every_casework_kind() -> None:
    keys = dict(timeline.kinds())
    assert {"risk", "plan", "missing", "nrm", "disruption", "escalation", "referral"} <= set(keys)
