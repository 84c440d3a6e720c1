"""C32: nobody approves, grants or extends their own access, or signs off their own work.

For every approval-type decision in MACE Hub: the person who asked (or did the work) is
refused — through the page and through the service — and a second person allowed to decide
succeeds. The decisions: access requests (accounts), referral screening (referrals),
corrections of approved minutes and the meeting's decision about an action (meetings), the
closure of an implementation action, publishing a peer review round's findings and
membership of a governance group (review). Release sign-off (oversight) is tested with the
releases.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from macehub.accounts import services as account_services
from macehub.accounts.models import AccessRequest, Membership
from macehub.core.access import Role
from macehub.meetings.models import Action, ActionStatus, Minutes, MinutesStatus
from macehub.meetings.services import actions as action_services
from macehub.meetings.services import minutes as minutes_services
from macehub.referrals import services as referral_services
from macehub.referrals.models import Referral, ReferralStatus
from macehub.review.models import GroupMembership, ImplementationAction, ReviewerAssignment, ReviewRound
from macehub.review.services import governance, implementation, peer
from tests.factories.meetings import make_meeting, meetings_for
from tests.factories.personas import World, grant, make_user
from tests.factories.review import review_world

from .subjects.factories import ensure_harm_types, referral_for, register_for


def _panel_request(world: World, persona: str) -> AccessRequest:
    return account_services.access_request_create(
        user=world.user(persona),
        role=Role.COORDINATOR,
        panel=world.panel_a,
        agency=world.agencies["csc_a"],
        reason="I cover the panel while the coordinator is away",
    )


# --- Access requests -----------------------------------------------------------------------------


def test_a_borough_admin_cannot_approve_their_own_access_request(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The assessment's case: the admin asks for a coordinator role, then tries to approve it."""
    admin = client_as("borough_admin_a")
    child = register_for(world)["c1"]
    assert admin.get(f"/register/children/{child.pk}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/account/access/request/",
            {
                "role": Role.COORDINATOR,
                "partnership": world.partnership_a.pk,
                "panel": world.panel_a.pk,
                "agency": world.agencies["csc_a"].pk,
                "reason": "Covering the coordinator",
            },
        )
    assert response.status_code == 302
    own = AccessRequest.objects.get(user=world.user("borough_admin_a"))
    # Not offered, not reachable, not possible through the service.
    assert f"/approvals/{own.pk}/" not in admin.get("/approvals/").content.decode()
    response = admin.post(f"/approvals/{own.pk}/", {"decision": "approve", "version": own.version})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        account_services.access_request_approve(
            actor=world.user("borough_admin_a"), request=own, expected_version=own.version
        )
    assert admin.get(f"/register/children/{child.pk}/").status_code == 404
    assert not Membership.objects.filter(user=world.user("borough_admin_a"), role=Role.COORDINATOR).exists()
    # The partnership's only admin asked, so a system admin was told, and decides.
    assert [m.to for m in mail.outbox] == [[world.user("system_admin").email]]
    response = client_as("system_admin").post(f"/approvals/{own.pk}/", {"decision": "approve", "version": own.version})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.user("borough_admin_a"), role=Role.COORDINATOR).created_by == (
        world.user("system_admin")
    )


def test_a_second_borough_admin_decides_a_colleagues_request(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    second = grant(make_user("admin2.a@test.invalid", "Abe Admin"), Role.BOROUGH_ADMIN, partnership=world.partnership_a)
    with django_capture_on_commit_callbacks(execute=True):
        request = _panel_request(world, "borough_admin_a")
        account_services.notify_approvers(request)
    assert mail.outbox[-1].to == [second.user.email], "the other admin of the partnership, not a system admin"
    account_services.access_request_approve(actor=second.user, request=request, expected_version=request.version)
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.APPROVED


def test_a_system_admin_cannot_decline_or_approve_their_own_request(world: World) -> None:
    request = account_services.access_request_create(
        user=world.user("system_admin"), role=Role.LONDON_PROJECT_TEAM, reason="Also on the project"
    )
    for decide in (
        lambda: account_services.access_request_approve(
            actor=world.user("system_admin"), request=request, expected_version=1
        ),
        lambda: account_services.access_request_decline(
            actor=world.user("system_admin"), request=request, expected_version=1, reason="No"
        ),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    other = grant(make_user("sys2@test.invalid", "Sue Sysadmin"), Role.SYSTEM_ADMIN).user
    account_services.access_request_approve(actor=other, request=request, expected_version=1)


def test_approve_is_not_offered_until_the_person_confirms_their_address(world: World, client_as: Any) -> None:
    person = make_user("unconfirmed@test.invalid", "Una Confirmed", verified=False)
    request = account_services.access_request_create(
        user=person, role=Role.PANEL_MEMBER, panel=world.panel_a, agency=world.agencies["police_a"], reason="x"
    )
    admin = client_as("borough_admin_a")
    listing = admin.get("/approvals/").content.decode()
    assert "E-mail not confirmed yet" in listing
    page = admin.get(f"/approvals/{request.pk}/").content.decode()
    assert "Approve access" not in page
    assert "has not confirmed their e-mail address" in page and "Decline request" in page


def test_an_unknown_decision_is_a_plain_error(world: World, client_as: Any) -> None:
    request = _panel_request(world, "no_roles")
    response = client_as("borough_admin_a").post(f"/approvals/{request.pk}/", {"decision": "abc", "version": 1})
    assert response.status_code == 200
    assert "Choose to approve or decline the request." in response.content.decode()
    assert AccessRequest.objects.get(pk=request.pk).status == AccessRequest.Status.PENDING


# --- Referrals -----------------------------------------------------------------------------------


def test_whoever_made_a_referral_does_not_screen_it(world: World, client_as: Any) -> None:
    referral = referral_for(world)
    Referral.objects.filter(pk=referral.pk).update(referrer=world.user("coordinator_a"))
    own = client_as("coordinator_a")
    page = own.get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/accept/" not in page
    assert own.post(f"/referrals/{referral.pk}/accept/", {}).status_code == 403
    referral.refresh_from_db()
    with pytest.raises(PermissionDenied):
        referral_services.referral_decline(
            actor=world.user("coordinator_a"),
            referral=referral,
            expected_version=referral.version,
            outcome="not_met",
            reason="Below threshold",
        )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    # A colleague who screens the panel's referrals may.
    assert client_as("chair_a").get(f"/referrals/{referral.pk}/accept/").status_code == 200


# --- Meetings ------------------------------------------------------------------------------------


def test_a_chair_does_not_approve_a_correction_they_proposed(world: World, client_as: Any) -> None:
    ensure_harm_types()
    m = meetings_for(world, register_for(world))
    held = m["held"]
    correction = minutes_services.minutes_correct(
        actor=world.user("chair_a"), meeting=held, reason="The decision on C-0002 was misrecorded"
    )
    chair = client_as("chair_a")
    page = chair.get(f"/meetings/{held.pk}/minutes/").content.decode()
    assert "Approve the minutes" not in page and "another chair approves it" in page
    assert chair.post(f"/meetings/{held.pk}/minutes/approve/", {"version": correction.version}).status_code == 403
    with pytest.raises(PermissionDenied):
        minutes_services.minutes_approve(actor=world.user("chair_a"), minutes=correction, expected_version=1)
    co_chair = grant(
        make_user("cochair.a@test.invalid", "Coco Chair"), Role.PANEL_CHAIR, panel=world.panel_a,
        agency=world.agencies["police_a"],
    ).user  # fmt: skip
    minutes_services.minutes_approve(actor=co_chair, minutes=correction, expected_version=correction.version)
    assert Minutes.objects.get(pk=correction.pk).status == MinutesStatus.APPROVED


def test_the_owner_of_an_action_does_not_record_the_meetings_decision_on_it(world: World, client_as: Any) -> None:
    ensure_harm_types()
    m = meetings_for(world, register_for(world))
    action: Action = m["action"]
    Action.objects.filter(pk=action.pk).update(owner=world.user("coordinator_a"), owner_agency=world.agencies["csc_a"])
    action.refresh_from_db()
    later = make_meeting(world.panel_a, days=1)
    own = client_as("coordinator_a")
    page = own.get(f"/meetings/{later.pk}/record/").content.decode()
    assert "You own this action" in page
    response = own.post(
        f"/meetings/{later.pk}/actions/{action.pk}/review/",
        {f"review-{action.pk}-outcome": "no_longer_needed", f"review-{action.pk}-note": "Not needed"},
    )
    assert response.status_code == 400 and "another coordinator or chair" in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN
    action_services.action_review(
        actor=world.user("chair_a"), action=action, meeting=later, outcome="no_longer_needed", note="Not needed"
    )
    assert Action.objects.get(pk=action.pk).status == ActionStatus.NO_LONGER_NEEDED


# --- Review --------------------------------------------------------------------------------------


def test_nobody_approves_the_closure_of_an_action_they_asked_to_close(world: World, client_as: Any) -> None:
    rw = review_world(world)
    action = rw.action
    chair = world.user("peer_reviewer")  # chairs the owning group
    implementation.action_request_closure(
        actor=chair, action=action, expected_version=action.version, text="Done: every partnership has it."
    )
    action.refresh_from_db()
    client = client_as("peer_reviewer")
    page = client.get(f"/review/actions/{action.pk}/").content.decode()
    assert "Approve or return the closure" not in page
    assert "Waiting for the London project team to approve the closure" in page
    assert (
        client.post(
            f"/review/actions/{action.pk}/approve/", {"version": action.version, "decision": "approve"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        implementation.action_decide_closure(
            actor=chair, action=action, expected_version=action.version, approve=True, text=""
        )
    # The group's only chair asked: the London project team decides.
    assert (
        "Approve or return the closure"
        in client_as("london_team").get(f"/review/actions/{action.pk}/").content.decode()
    )
    implementation.action_decide_closure(
        actor=world.user("london_team"), action=action, expected_version=action.version, approve=True, text=""
    )
    assert ImplementationAction.objects.get(pk=action.pk).status == ImplementationAction.Status.CLOSED


def test_the_lead_of_an_action_does_not_approve_its_closure(world: World) -> None:
    rw = review_world(world)
    action = rw.action_awaiting
    ImplementationAction.objects.filter(pk=action.pk).update(lead=world.user("peer_reviewer"))
    action.refresh_from_db()
    with pytest.raises(PermissionDenied):
        implementation.action_decide_closure(
            actor=world.user("peer_reviewer"), action=action, expected_version=action.version, approve=True, text=""
        )


def test_nobody_who_reviewed_in_a_round_publishes_its_findings(world: World, client_as: Any) -> None:
    rw = review_world(world)
    review_round = rw.review_round
    ReviewerAssignment.objects.create(review=rw.peer_review, user=world.user("london_team"), sector="local_authority")
    client = client_as("london_team")
    page = client.get(f"/review/peer-review/{review_round.pk}/").content.decode()
    assert f"/review/peer-review/{review_round.pk}/publish/" not in page
    assert "someone else in the London project team publishes" in page
    assert (
        client.post(f"/review/peer-review/{review_round.pk}/publish/", {"version": review_round.version}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        peer.round_publish(actor=world.user("london_team"), review_round=review_round, expected_version=1)
    peer.round_publish(
        actor=world.user("system_admin"), review_round=review_round, expected_version=review_round.version
    )
    assert ReviewRound.objects.get(pk=review_round.pk).is_published


def test_nobody_adds_themselves_to_a_governance_group(world: World) -> None:
    rw = review_world(world)
    group = rw.group
    with pytest.raises(ValidationError, match="cannot add yourself"):
        governance.group_member_add(
            actor=world.user("london_team"), group=group, user=world.user("london_team"), role="chair"
        )
    governance.group_member_add(
        actor=world.user("system_admin"), group=group, user=world.user("london_team"), role="member"
    )
    assert GroupMembership.objects.filter(group=group, user=world.user("london_team")).exists()


def test_the_approval_rules_are_in_each_apps_policy() -> None:
    """Views, templates and services all ask the same rule: an oracle that it is declared there."""
    from macehub.accounts.policies import policy as accounts
    from macehub.meetings.policies import policy as meetings
    from macehub.referrals.policies import policy as referrals
    from macehub.review.policies import policy as review

    for policy, rule in [
        (accounts, "decide_request"),
        (referrals, "decide_referral"),
        (meetings, "approve_minutes"),
        (meetings, "decide_action"),
        (review, "approve_closure"),
        (review, "publish_round"),
        (review, "add_group_member"),
    ]:
        assert rule in policy.ruleset, rule
