"""Governance groups, the project timeline and the members area (news, meetings, actions, directory)."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.review.models import DirectoryListing, GovernanceGroup, GroupMeeting, Milestone, NewsItem


def test_the_directory_lists_only_people_who_opted_in(rw, world, client_as) -> None:
    client = client_as("lead_a")
    html = client.get("/review/members/directory/").content.decode()
    assert "chair.a@test.invalid" in html and "Panel chair, Alpha MACE" in html
    assert "lead.a@test.invalid" not in html, "not listed unless they choose to be"
    response = client.post("/review/members/directory/me/", {"listed": "on", "note": "Ask me about our dataset"})
    assert response.status_code == 302
    html = client.get("/review/members/directory/").content.decode()
    assert "lead.a@test.invalid" in html and "Ask me about our dataset" in html
    assert "Strategic lead (safeguarding partner), Alpha" in html
    assert AuditEvent.objects.filter(detail__event="directory_opt_in", actor_id=world.user("lead_a").pk).exists()
    client.post("/review/members/directory/me/", {"note": ""})
    assert not DirectoryListing.objects.get(user=world.user("lead_a")).listed
    assert "lead.a@test.invalid" not in client.get("/review/members/directory/").content.decode()


def test_panel_members_without_a_lead_role_are_not_listed_even_if_they_opt_in(rw, world, client_as) -> None:
    client_as("member_a").post("/review/members/directory/me/", {"listed": "on"})
    assert "member.a@test.invalid" not in client_as("lead_a").get("/review/members/directory/").content.decode()


def test_the_members_home_shows_news_meetings_and_the_persons_actions(rw, world, client_as) -> None:
    html = unescape(client_as("peer_reviewer").get("/review/members/").content.decode())
    assert rw.news.title in html
    assert "Dataset workshop" in html, "an upcoming meeting of a group they belong to"
    assert rw.action.title in html and "Brief the MACE chairs" in html, "actions of the group they chair"
    # The chair asked for this closure themselves, so it is not theirs to approve (C32): they
    # are not told it waits for them; the London team, who decides it, is.
    assert "Waiting for your approval" not in html
    london = unescape(client_as("london_team").get("/review/members/").content.decode())
    assert "Waiting for your approval: " in london and "Brief the MACE chairs" in london
    other = unescape(client_as("member_b").get("/review/members/").content.decode())
    assert rw.news.title in other and "Dataset workshop" not in other and "You have no open actions." in other


def test_only_the_london_team_publishes_news_and_errors_keep_what_was_typed(rw, client_as) -> None:
    assert client_as("lead_a").post("/review/members/news/new/", {"title": "X"}).status_code == 403
    client = client_as("london_team")
    response = client.post("/review/members/news/new/", {"title": "Chairs meet", "body": ""})
    html = response.content.decode()
    assert "There is a problem" in html and "Enter news" in html and 'value="Chairs meet"' in html
    today = timezone.localdate()
    client.post(
        "/review/members/news/new/",
        {
            "title": "Chairs meet",
            "body": "Tuesday.",
            "published_on_day": today.day,
            "published_on_month": today.month,
            "published_on_year": today.year,
        },
    )
    assert NewsItem.objects.filter(title="Chairs meet").exists()


def test_a_groups_chair_records_its_meeting_notes_and_decisions(rw, world, client_as) -> None:
    client = client_as("peer_reviewer")
    day = timezone.localdate() - timedelta(days=1)
    response = client.post(
        f"/review/groups/{rw.group.pk}/meetings/new/",
        {
            "title": "Dataset sign-off",
            "meets_on_day": day.day,
            "meets_on_month": day.month,
            "meets_on_year": day.year,
            "notes": "Reviewed the draft.",
            "decisions": "Adopt the dataset\n\nPilot with four partnerships",
        },
    )
    assert response.status_code == 302
    meeting = GroupMeeting.objects.get(title="Dataset sign-off")
    assert meeting.decision_list() == ["Adopt the dataset", "Pilot with four partnerships"]
    page = client.get(f"/review/group-meetings/{meeting.pk}/").content.decode()
    assert "Pilot with four partnerships" in page
    # Other members see the group (terms of reference, members, recommendations) but not its notes.
    member_page = client_as("member_a").get(f"/review/groups/{rw.group.pk}/").content.decode()
    assert "Meets monthly" in member_page and "Rae Reviewer" in member_page
    assert "R1." not in member_page, "its recommendation belongs to an unpublished round"
    assert "Dataset sign-off" not in member_page
    assert client_as("member_a").get(f"/review/group-meetings/{meeting.pk}/").status_code == 404
    assert client_as("lead_a").post(f"/review/groups/{rw.group.pk}/meetings/new/", {}).status_code == 403


def test_the_london_team_manages_group_membership(rw, world, client_as) -> None:
    client = client_as("london_team")
    response = client.post(
        f"/review/groups/{rw.group.pk}/members/new/",
        {"user": world.user("analyst_a").pk, "role": "member", "represents": "Partnership analysts"},
    )
    assert response.status_code == 302
    twice = client.post(
        f"/review/groups/{rw.group.pk}/members/new/", {"user": world.user("analyst_a").pk, "role": "member"}
    )
    assert "is already a member of this group" in twice.content.decode()
    # Membership gives the analyst the group's meetings and its actions.
    assert client_as("analyst_a").get(f"/review/group-meetings/{rw.group_meeting.pk}/").status_code == 200
    membership = rw.group.memberships.get(user=world.user("analyst_a"))
    client.post(f"/review/groups/{rw.group.pk}/members/{membership.pk}/remove/", {"version": membership.version})
    assert not rw.group.memberships.filter(user=world.user("analyst_a")).exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="review.groupmembership").exists()


def test_timeline_milestones_are_validated(rw, client_as) -> None:
    client = client_as("london_team")
    response = client.post(
        "/review/timeline/new/",
        {
            "title": "Revised protocol agreed",
            "due_on_day": "31",
            "due_on_month": "3",
            "due_on_year": "2027",
            "status": "done",
        },
    )
    html = response.content.decode()
    assert "Enter the date the milestone was reached" in html and 'value="Revised protocol agreed"' in html
    response = client.post(
        "/review/timeline/new/",
        {
            "title": "Revised protocol agreed",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2027",
            "due_on_day": "31",
            "due_on_month": "3",
            "due_on_year": "2027",
            "status": "planned",
        },
    )
    assert "The start date must be on or before the due date" in response.content.decode()
    response = client.post(
        "/review/timeline/new/",
        {
            "title": "Revised protocol agreed",
            "due_on_day": "31",
            "due_on_month": "3",
            "due_on_year": "2027",
            "status": "delayed",
            "group": rw.group.pk,
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="Revised protocol agreed")
    assert milestone.group == rw.group
    assert "Revised protocol agreed" in client_as("member_b").get("/review/timeline/").content.decode()


def test_the_home_page_points_each_person_to_their_review_work(rw, client_as) -> None:
    lead = client_as("lead_a").get("/").content.decode()
    assert "Alpha self-assessment" in lead and "MACE review" in lead
    london = client_as("london_team").get("/").content.decode()
    assert "Test self-assessment" in london and "1 of 2 returned" in london
    chair = client_as("peer_reviewer").get("/").content.decode()
    assert "Closure waiting for your approval" not in chair, "the chair asked for it: not theirs to approve"
    assert "Closure waiting for your approval" in london
    member = client_as("member_b").get("/").content.decode()
    assert "Members area" in member and "/review/members/" in member
    assert 'href="/review/"' not in member, "panel members do not get the review overview in the navigation"
    assert 'href="/review/members/"' in member
    assert GovernanceGroup.objects.count() == 2  # the Task and Finish group and the Chairs Reference Group


def test_every_review_write_leaves_an_audit_event(rw, world, client_as) -> None:
    """review_world builds its records through the services; each left its event."""
    recorded = set(AuditEvent.objects.values_list("object_type", "action"))
    for expected in [
        ("review.frameworkversion", Action.CREATE),
        ("review.cycle", Action.CREATE),
        ("review.reviewround", Action.CREATE),
        ("review.peerreview", Action.CREATE),
        ("review.peerreview", Action.UPDATE),
        ("review.finding", Action.CREATE),
        ("review.recommendation", Action.CREATE),
        ("review.implementationaction", Action.CREATE),
        ("review.implementationaction", Action.UPDATE),
    ]:
        assert expected in recorded, expected
    client = client_as("london_team")
    client.post(
        f"/review/groups/{rw.group.pk}/edit/",
        {"version": rw.group.version, "name": "Data T&F", "kind": "task_and_finish"},
    )
    client.post(
        f"/review/timeline/{rw.milestone.pk}/",
        {
            "version": rw.milestone.version,
            "title": "Findings out",
            "due_on_day": "1",
            "due_on_month": "2",
            "due_on_year": "2023",
            "status": "planned",
        },
    )
    event = AuditEvent.objects.filter(object_type="review.governancegroup", action=Action.UPDATE).get()
    assert event.changes["name"] == ["Data and oversight Task and Finish group", "Data T&F"]
    assert AuditEvent.objects.filter(object_type="review.milestone", action=Action.UPDATE).exists()
