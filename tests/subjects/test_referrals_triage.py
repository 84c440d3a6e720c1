"""Screening referrals: accept (creates or links register records, lists them for the next
meeting), signpost or not meeting the criteria, each with a reason; the front-door rule;
two coordinators deciding at once; and the triage queue with ages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.referrals.models import Referral, ReferralStatus
from macehub.subjects.models import Kind, Link, Subject
from tests.factories.personas import World

from .test_referrals_intake import child_referral


def _refer(world: World, client_as: Any, persona: str = "member_a_education", **overrides: Any) -> Referral:
    response = client_as(persona).post("/referrals/new/child/", child_referral(world, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Referral.objects.latest("pk")


def test_accepting_creates_the_child_with_links_and_lists_them_for_the_next_meeting(
    world: World, register: dict[str, Any], client_as: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    referral = _refer(world, client_as, given_names="Maya", family_name="Quillfield")
    client = client_as("coordinator_a")
    page = client.get(f"/referrals/{referral.pk}/accept/").content.decode()
    assert "L-0001 Northgate bus station" in page and "P-0001" not in page, "no persons of concern for this coordinator"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/referrals/{referral.pk}/accept/",
            {
                "record": "new",
                "link_to": [register["l1"].pk, register["g1"].pk],
                "reason": "Meets the criteria: CCE indicators",
                "version": referral.version,
            },
        )
    assert response.status_code == 302
    child = Subject.objects.get(family_name="Quillfield")
    assert response["Location"] == f"/register/children/{child.pk}/"
    assert child.for_next_meeting and child.kind == Kind.CHILD
    assert sorted(h.code for h in child.harm_types.all()) == ["cce", "county_lines"]
    links = Link.objects.filter(source=child)
    assert {(link.link_type, link.target.reference, link.confidence) for link in links} == {
        ("seen_at", "L-0001", "possible"),
        ("member_of", "G-0001", "possible"),
    }
    assert all(link.source_agency == world.agencies["education_a"] for link in links)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and list(referral.subjects.all()) == [child]
    assert mailoutbox[-1].to == ["teacher.a@test.invalid"] and "accepted" in mailoutbox[-1].subject.lower()
    assert "Quillfield" not in mailoutbox[-1].body
    # The referrer sees the outcome.
    mine = client_as("member_a_education").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Accepted to the panel" in mine and "Meets the criteria" in mine
    assert (
        AuditEvent.objects.filter(action=Action.UPDATE, object_type="referrals.referral").get().detail["record"]
        == child.reference
    )
    # The new child shares the bus station with C-0001 and C-0002: alerts appear.
    page = client.get(f"/register/children/{child.pk}/").content.decode()
    assert "2 other children share a context with C-0003" in page


def test_a_possible_duplicate_is_shown_and_the_existing_record_can_be_used(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    referral = _refer(world, client_as, given_names="Jaden", family_name="Ashcombe", date_of_birth_year="2010")
    client = client_as("coordinator_a")
    page = client.get(f"/referrals/{referral.pk}/accept/").content.decode()
    assert "This may already be on the register." in page and "C-0001" in page
    refused = client.post(
        f"/referrals/{referral.pk}/accept/", {"record": "new", "reason": "Meets criteria", "version": referral.version}
    )
    assert "This may already be on the register" in refused.content.decode()
    assert not Subject.objects.filter(given_names="Jaden").exists()
    used = client.post(
        f"/referrals/{referral.pk}/accept/",
        {"record": "existing", "existing": register["c1"].pk, "reason": "Already known", "version": referral.version},
    )
    assert used.status_code == 302
    register["c1"].refresh_from_db()
    assert register["c1"].for_next_meeting
    assert list(Referral.objects.get(pk=referral.pk).subjects.all()) == [register["c1"]]


def test_signposting_needs_where_and_why_and_not_meeting_criteria_needs_why(world: World, client_as: Any) -> None:
    first, second = _refer(world, client_as), _refer(world, client_as, given_names="Other", family_name="Child")
    client = client_as("chair_a")
    missing = client.post(
        f"/referrals/{first.pk}/decline/", {"outcome": "signposted", "reason": "", "version": first.version}
    )
    html = missing.content.decode()
    assert "Enter where the referral has been signposted to" in html and "Enter the reason for the decision" in html
    assert (
        client.post(
            f"/referrals/{first.pk}/decline/",
            {
                "outcome": "signposted",
                "signposted_to": "Early help",
                "reason": "Needs family support",
                "version": first.version,
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/referrals/{second.pk}/decline/",
            {"outcome": "not_met", "reason": "No exploitation indicators", "version": second.version},
        ).status_code
        == 302
    )
    statuses = dict(Referral.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "signposted", second.pk: "not_met"}
    assert Referral.objects.get(pk=first.pk).signposted_to == "Early help"


def test_a_referral_is_screened_once_even_if_two_coordinators_try(world: World, client_as: Any) -> None:
    referral = _refer(world, client_as)
    version = referral.version
    assert (
        client_as("chair_a")
        .post(
            f"/referrals/{referral.pk}/decline/",
            {"outcome": "not_met", "reason": "Not exploitation", "version": version},
        )
        .status_code
        == 302
    )
    late = client_as("coordinator_a").post(
        f"/referrals/{referral.pk}/accept/", {"record": "new", "reason": "Meets", "version": version}
    )
    assert late.status_code == 403, "a screened referral cannot be decided again"
    assert Referral.objects.get().status == "not_met" and not Subject.objects.exists()


def test_a_panel_can_require_front_door_screening_before_accepting_a_child(world: World, client_as: Any) -> None:
    world.panel_a.front_door_screening_required = True
    world.panel_a.save()
    referral = _refer(world, client_as, route="pre_mace", route_reference="")
    client = client_as("coordinator_a")
    refused = client.post(
        f"/referrals/{referral.pk}/accept/", {"record": "new", "reason": "Meets", "version": referral.version}
    )
    assert "accepts a child only after front-door (MASH) screening" in refused.content.decode()
    assert Referral.objects.get().status == "submitted"
    accepted = client.post(
        f"/referrals/{referral.pk}/accept/",
        {"record": "new", "reason": "Meets", "screened": "on", "version": referral.version},
    )
    assert accepted.status_code == 302 and Referral.objects.get().front_door_screened


def test_the_queue_lists_waiting_referrals_oldest_first_with_their_age(world: World, client_as: Any) -> None:
    old = _refer(world, client_as, given_names="Older")
    Referral.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=12))
    _refer(world, client_as, given_names="Newer", family_name="Child")
    page = client_as("coordinator_a").get(f"/referrals/queue/{world.panel_a.pk}/").content.decode()
    assert page.index("R-0001") < page.index("R-0002")
    assert "<strong>12</strong>" in page
    assert "Older" not in page, "the queue does not list names"
    home = client_as("coordinator_a").get("/").content.decode()
    assert "2 referrals waiting for screening" in home and "the oldest has waited 12 days" in home


def test_possible_perpetrator_referrals_go_only_to_those_who_may_see_persons_of_concern(
    world: World, client_as: Any
) -> None:
    response = client_as("member_a_education").post(
        "/referrals/new/person/",
        {
            "panel": world.panel_a.pk,
            "given_names": "Dwayne",
            "person_age_group": "adult",
            "sex": "male",
            "harm_types": ["cse"],
            "concerns": "Picks girls up from school",
            "route": "police",
            "route_reference": "CRIS 5521",
            "submission_id": "11111111-1111-4111-8111-111111111111",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert client_as("member_a_education").get(f"/referrals/{referral.pk}/").status_code == 200, "the referrer"
    assert client_as("coordinator_a").get(f"/referrals/{referral.pk}/").status_code == 404
    assert "R-0001" not in client_as("coordinator_a").get(f"/referrals/queue/{world.panel_a.pk}/").content.decode()
    chair = client_as("chair_a")
    assert "R-0001" in chair.get(f"/referrals/queue/{world.panel_a.pk}/").content.decode()
    assert (
        chair.post(
            f"/referrals/{referral.pk}/accept/",
            {"record": "new", "reason": "Known to police", "version": referral.version},
        ).status_code
        == 302
    )
    person = Subject.objects.get(kind=Kind.PERSON)
    page = client_as("member_a_education").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Accepted to the panel" in page and person.reference not in page


def test_the_referrer_can_withdraw_while_it_waits(world: World, client_as: Any) -> None:
    referral = _refer(world, client_as)
    assert (
        client_as("member_a").post(f"/referrals/{referral.pk}/withdraw/", {"version": referral.version}).status_code
        == 404
    )
    response = client_as("member_a_education").post(
        f"/referrals/{referral.pk}/withdraw/", {"version": referral.version, "reason": "Sent to the wrong panel"}
    )
    assert response.status_code == 302 and Referral.objects.get().status == "withdrawn"
    assert client_as("coordinator_a").get(f"/referrals/{referral.pk}/accept/").status_code == 403


def test_merging_carries_referrals_over(world: World, register: dict[str, Any], client_as: Any) -> None:
    referral = _refer(world, client_as, given_names="Kofee", family_name="Brightwel")
    client = client_as("coordinator_a")
    client.post(
        f"/referrals/{referral.pk}/accept/",
        {
            "record": "new",
            "reason": "Meets",
            "version": referral.version,
            "confirm": "yes",
            "confirmed_warnings": f"dup{register['c2'].pk}",
        },
    )
    dup = Subject.objects.get(family_name="Brightwel")
    keep = register["c2"]
    client.post(
        f"/register/children/{keep.pk}/merge/",
        {
            "with": dup.pk,
            "keep": "this",
            "reason": "Same child",
            "this_version": keep.version,
            "other_version": dup.version,
        },
    )
    assert keep in Referral.objects.get().subjects.all()
    assert Subject.objects.get(pk=dup.pk).status == "merged"


def test_places_the_referral_names_are_ticked_to_link(world: World, register: dict[str, Any], client_as: Any) -> None:
    referral = _refer(world, client_as, locations="Usually at Northgate bus station after school")
    page = client_as("coordinator_a").get(f"/referrals/{referral.pk}/accept/").content.decode()
    ticked = f'value="{register["l1"].pk}" checked'
    assert ticked in page and f'value="{register["g1"].pk}" checked' not in page


def test_a_possible_perpetrator_referral_is_announced_only_to_those_who_may_screen_it(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_as("member_a").post(
            "/referrals/new/person/",
            {
                "given_names": "Dwayne",
                "person_age_group": "adult",
                "sex": "male",
                "harm_types": ["cse"],
                "concerns": "Seen outside the school",
                "route": "pre_mace",
                "submission_id": "22222222-2222-4222-8222-222222222222",
            },
        )
    assert [m.to for m in mailoutbox] == [["chair.a@test.invalid"]]


def test_records_to_choose_from_say_enough_to_tell_children_apart_but_no_name(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    import re

    Subject.objects.filter(pk=register["c2"].pk).update(status="stepped_down", status_reason="Risk reduced")
    referral = _refer(world, client_as)
    page = client_as("coordinator_a").get(f"/referrals/{referral.pk}/accept/").content.decode()
    select = re.search(r'<select[^>]*name="existing".*?</select>', page, re.S).group(0)
    options = [re.sub(r"\s+", " ", o).strip() for o in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]
    c1 = register["c1"]
    assert f"{c1.reference} ({c1.get_current_age_band_display()})" in options
    assert any(o.startswith(register["c2"].reference) and o.endswith("stepped down)") for o in options)
    for name in ("Jayden", "Ashcombe", "Kofi", "Brightwell"):
        assert name not in select
