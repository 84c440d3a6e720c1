"""Registration, approval, declining, ending access and acting for a partnership."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from macehub.accounts import services
from macehub.accounts.models import AccessRequest, Membership, User
from macehub.audit.models import Action, AuditEvent
from macehub.core.access import Role
from tests.factories.personas import World, grant, make_user, sign_in_through_forms


def _registration(world: World, **overrides: object) -> dict[str, object]:
    return {
        "email": "priya.new@school.test",
        "password1": "three random words here",
        "password2": "three random words here",
        "full_name": "Priya New",
        "job_title": "Designated safeguarding lead",
        "role": "panel_member",
        "partnership": world.partnership_a.pk,
        "panel": world.panel_a.pk,
        "agency": world.agencies["csc_a"].pk,
        "reason": "I am the DSL at Alpha Academy",
        **overrides,
    }


def test_registration_creates_an_account_and_a_pending_request(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/account/signup/", _registration(world))
    assert response.status_code == 302
    user = User.objects.get(email="priya.new@school.test")
    request = AccessRequest.objects.get(user=user)
    assert (request.role, request.panel, request.partnership, request.status) == (
        "panel_member",
        world.panel_a,
        world.partnership_a,
        "pending",
    )
    assert not Membership.objects.filter(user=user).exists(), "nothing is visible until approved"
    assert [m.to for m in mail.outbox] == [["priya.new@school.test"]], "only the confirmation e-mail so far"
    assert AuditEvent.objects.filter(action=Action.REGISTERED, actor_id=user.pk).exists()


def test_the_borough_admin_hears_of_a_request_once_the_address_is_confirmed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/account/signup/", _registration(world))
    link = re.search(r"http://testserver(/account/confirm-email/\S+/)", str(mail.outbox[0].body)).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    assert EmailAddress.objects.get(email="priya.new@school.test").verified
    notice = mail.outbox[-1]
    assert notice.to == ["admin.a@test.invalid"]
    assert "Priya New" in notice.subject and "/approvals/" in notice.body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"agency": ""}, "agency", "Choose the agency you represent."),
        ({"panel": ""}, "panel", "Choose the panel you will take part in."),
        ({"panel": "999999"}, "panel", "Select a valid choice"),
        ({"reason": ""}, "reason", "Say why you need this access."),
        ({"role": "partnership_analyst", "partnership": ""}, "partnership", "Choose the safeguarding partnership."),
        ({"password1": "lambeth2025!", "password2": "lambeth2025!"}, "password1", "too easy to guess"),
    ],
)
def test_registration_errors_are_plain_and_keep_what_was_typed(
    world: World, overrides: dict[str, object], field: str, message: str
) -> None:
    response = Client().post("/account/signup/", _registration(world, **overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}' in html, "the error summary links to the field"
    assert 'value="Priya New"' in html, "what was typed is kept"
    if overrides.get("reason") != "":
        assert "I am the DSL at Alpha Academy" in html
    assert not User.objects.filter(email="priya.new@school.test").exists()


def test_approval_creates_the_membership_and_tells_the_person(world: World, django_capture_on_commit_callbacks) -> None:
    person = world.user("no_roles")
    request = services.access_request_create(
        user=person, role=Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"], reason="New DC"
    )
    admin = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/approvals/{request.pk}/", {"decision": "approve", "version": request.version})
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.role, membership.panel, membership.agency) == (
        "panel_member",
        world.panel_a,
        world.agencies["police_a"],
    )
    assert mail.outbox[-1].to == [person.email] and "approved" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(action=Action.APPROVED, object_id=str(request.pk)).exists()
    home = sign_in_through_forms(Client(), person).get("/").content.decode()
    assert "Alpha MACE" in home


def test_declining_needs_a_reason_which_the_person_receives(world: World, django_capture_on_commit_callbacks) -> None:
    request = services.access_request_create(
        user=world.user("no_roles"),
        role=Role.PANEL_MEMBER,
        panel=world.panel_a,
        agency=world.agencies["police_a"],
        reason="x",
    )
    admin = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    empty = admin.post(
        f"/approvals/{request.pk}/", {"decision": "decline", "version": request.version, "decision_reason": " "}
    )
    assert "Give a reason. The person will see it." in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            f"/approvals/{request.pk}/",
            {
                "decision": "decline",
                "version": request.version,
                "decision_reason": "Please ask your DSL to request this",
            },
        )
    request.refresh_from_db()
    assert request.status == "declined"
    assert "Please ask your DSL to request this" in mail.outbox[-1].body
    assert not Membership.objects.filter(user=world.user("no_roles")).exists()


def test_another_boroughs_admin_cannot_decide(world: World) -> None:
    request = services.access_request_create(
        user=world.user("no_roles"),
        role=Role.PANEL_MEMBER,
        panel=world.panel_a,
        agency=world.agencies["police_a"],
        reason="x",
    )
    with pytest.raises(PermissionDenied):
        services.access_request_approve(
            actor=world.user("borough_admin_b"), request=request, expected_version=request.version
        )
    response = sign_in_through_forms(Client(), world.user("borough_admin_b")).post(
        f"/approvals/{request.pk}/", {"decision": "approve", "version": request.version}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=world.user("no_roles")).exists()


def test_london_roles_are_decided_by_system_admins_only(world: World) -> None:
    request = services.access_request_create(
        user=world.user("no_roles"), role=Role.LONDON_PROJECT_TEAM, reason="Project lead"
    )
    with pytest.raises(PermissionDenied):
        services.access_request_approve(actor=world.user("borough_admin_a"), request=request, expected_version=1)
    services.access_request_approve(actor=world.user("system_admin"), request=request, expected_version=1)
    assert Membership.objects.filter(user=world.user("no_roles"), role=Role.LONDON_PROJECT_TEAM).exists()


def test_a_request_decided_in_another_tab_is_not_decided_twice(world: World) -> None:
    request = services.access_request_create(
        user=world.user("no_roles"),
        role=Role.PANEL_MEMBER,
        panel=world.panel_a,
        agency=world.agencies["police_a"],
        reason="x",
    )
    services.access_request_decline(actor=world.user("system_admin"), request=request, expected_version=1, reason="No")
    with pytest.raises(ValidationError, match="already been decided"):
        services.access_request_approve(actor=world.user("borough_admin_a"), request=request, expected_version=1)
    assert not Membership.objects.filter(user=world.user("no_roles")).exists()


def test_an_unconfirmed_address_cannot_be_approved(world: World) -> None:
    person = make_user("unconfirmed@test.invalid", "Una Confirmed", verified=False)
    request = services.access_request_create(
        user=person, role=Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"], reason="x"
    )
    with pytest.raises(ValidationError, match="not confirmed"):
        services.access_request_approve(actor=world.user("borough_admin_a"), request=request, expected_version=1)


def test_asking_twice_for_the_same_access_is_refused(world: World) -> None:
    kwargs = {"role": Role.PANEL_MEMBER, "panel": world.panel_a, "agency": world.agencies["police_a"], "reason": "x"}
    services.access_request_create(user=world.user("no_roles"), **kwargs)
    with pytest.raises(ValidationError, match="already asked"):
        services.access_request_create(user=world.user("no_roles"), **kwargs)
    with pytest.raises(ValidationError, match="already have this access"):
        services.access_request_create(user=world.user("member_a"), **kwargs)


def test_an_agency_from_another_partnership_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.access_request_create(
            user=world.user("no_roles"),
            role=Role.PANEL_MEMBER,
            panel=world.panel_a,
            agency=world.agencies["police_b"],
            reason="x",
        )
    assert "agency" in error.value.message_dict


def test_removing_a_role_removes_access_and_signs_the_person_out(world: World) -> None:
    member = sign_in_through_forms(Client(), world.user("member_a"))
    membership = world.user("member_a").memberships.get()
    admin = sign_in_through_forms(Client(), world.user("borough_admin_a"))
    admin.post(f"/memberships/{membership.pk}/end/", {"reason": "Changed team"})
    membership.refresh_from_db()
    assert membership.ended_at is not None and membership.end_reason == "Changed team"
    assert member.get("/")["Location"].startswith("/account/login/")
    again = sign_in_through_forms(Client(), world.user("member_a"))
    assert again.get(f"/panels/{world.panel_a.pk}/").status_code == 404


def test_a_borough_admin_cannot_deactivate_someone_who_also_works_elsewhere(world: World) -> None:
    grant(world.user("member_a"), Role.PANEL_MEMBER, panel=world.panel_b, agency=world.agencies["police_b"])
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=world.user("borough_admin_a"), person=world.user("member_a"), reason="x")
    services.user_deactivate(actor=world.user("system_admin"), person=world.user("member_a"), reason="Left")
    assert not User.objects.get(pk=world.user("member_a").pk).is_active


def test_the_header_shows_the_partnership_being_acted_for_and_it_can_change(world: World) -> None:
    person = world.user("member_a")
    grant(person, Role.PANEL_MEMBER, panel=world.panel_b, agency=world.agencies["police_b"])
    client = sign_in_through_forms(Client(), person)
    assert "acting for <strong>Alpha</strong>" in client.get("/").content.decode()
    client.post("/account/acting-for/", {"partnership": world.partnership_b.pk})
    home = client.get("/").content.decode()
    assert "acting for <strong>Bravo</strong>" in home and "Bravo MACE" in home and "Alpha MACE" not in home
    # A partnership the person has no role in cannot be chosen.
    refused = client.post("/account/acting-for/", {"partnership": 999999})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_people_without_roles_see_why_and_what_happens_next(world: World) -> None:
    services.access_request_create(
        user=world.user("no_roles"),
        role=Role.PANEL_MEMBER,
        panel=world.panel_a,
        agency=world.agencies["police_a"],
        reason="x",
    )
    home = sign_in_through_forms(Client(), world.user("no_roles")).get("/").content.decode()
    assert "A borough admin must approve your request first" in home
    assert "Waiting for approval" in home


@pytest.mark.parametrize(
    ("full_name", "greeting"),
    [("Dr Lena Novak", "Lena"), ("Amara Okafor", "Amara"), ("Prof. Sam Lee", "Sam"), ("Dr", "Dr")],
)
def test_people_are_greeted_by_their_first_name_not_their_title(full_name: str, greeting: str) -> None:
    assert User(email="x@test.invalid", full_name=full_name).get_short_name() == greeting
