"""Scheduling meetings (one-off and on the panel's cadence), chairing, venue or link, changing
and cancelling them, and inviting people: core members to the whole meeting, others item by item."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from macehub.audit.models import AuditEvent
from macehub.core.services import ConcurrentEditError
from macehub.meetings.models import Invitation, InvitationScope, Meeting, MeetingStatus
from macehub.meetings.services import scheduling
from macehub.meetings.services.common import next_dates
from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return meetings_for(world, register_for(world))


def _values(world: World, **overrides: Any) -> dict[str, Any]:
    values = {
        "meeting_type": "operational",
        "date": timezone.localdate() + timedelta(days=10),
        "start_time": time(10, 0),
        "end_time": time(12, 0),
        "venue": "",
        "online_link": "https://teams.example/meet/1",
        "chairing": "single",
        "chair": world.user("chair_a"),
        "co_chair": None,
        "contributions_due": None,
    }
    values.update(overrides)
    return values


def test_cadence_dates_keep_the_day_of_the_month_or_the_step() -> None:
    assert next_dates("fortnightly", date(2026, 1, 8), 3) == [date(2026, 1, 8), date(2026, 1, 22), date(2026, 2, 5)]
    assert next_dates("monthly", date(2026, 1, 31), 3) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert next_dates("quarterly", date(2026, 11, 15), 2) == [date(2026, 11, 15), date(2027, 2, 15)]
    assert next_dates("every_four_weeks", date(2026, 1, 1), 2)[1] == date(2026, 1, 29)


def test_recurring_meetings_follow_the_panels_cadence_and_invite_core_members(world: World) -> None:
    panel = world.panel_a
    panel.cadence = "fortnightly"
    panel.save()
    first = timezone.localdate() + timedelta(days=3)
    due = first - timedelta(days=2)
    meetings = scheduling.meeting_schedule(
        actor=world.user("coordinator_a"),
        panel=panel,
        values=_values(world, date=first, contributions_due=due),
        repeat=4,
    )
    assert [mt.date for mt in meetings] == [first + timedelta(days=14 * i) for i in range(4)]
    assert len({mt.series for mt in meetings}) == 1 and meetings[0].series is not None
    # The contributions deadline keeps its distance from each meeting.
    assert all(mt.contributions_due and mt.date - mt.contributions_due == timedelta(days=2) for mt in meetings)
    invitations = {i.user: i for i in Invitation.objects.filter(meeting=meetings[0])}
    # Coordinators and chairs, and the police (a core agency), are invited to the whole meeting;
    # the school's representative is asked item by item, so is not invited yet.
    assert invitations[world.user("coordinator_a")].scope == InvitationScope.WHOLE
    assert invitations[world.user("chair_a")].scope == InvitationScope.WHOLE
    assert invitations[world.user("member_a")].scope == InvitationScope.WHOLE
    assert world.user("member_a_education") not in invitations
    assert set(meetings[0].agencies.all()) == {world.agencies["police_a"], world.agencies["csc_a"]}
    assert AuditEvent.objects.filter(action="create", object_type="meetings.meeting").count() == 1
    assert not mail.outbox  # nobody is told until the coordinator sends the invitations


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"venue": "", "online_link": ""}, "venue", "Enter where the meeting is, or the link to join it online"),
        ({"chairing": "co_chaired", "co_chair": None}, "co_chair", "Choose the co-chair"),
        ({"chairing": "co_chaired", "co_chair": "chair"}, "co_chair", "Choose a different person as co-chair"),
        ({"chair": "member"}, "chair", "Choose a chair of this panel"),
        ({"end_time": time(9, 0)}, "end_time", "The end time must be after the start time"),
        ({"date": "past"}, "date", "The date of the meeting must be today or in the future"),
    ],
)
def test_scheduling_refuses_bad_input_in_plain_words(
    world: World, overrides: dict[str, Any], field: str, message: str
) -> None:
    swaps = {"chair": world.user("chair_a"), "member": world.user("member_a"), "past": date(2020, 1, 1)}
    values = _values(world, **{k: swaps.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()})
    with pytest.raises(ValidationError) as exc:
        scheduling.meeting_schedule(actor=world.user("coordinator_a"), panel=world.panel_a, values=values)
    assert message in exc.value.message_dict[field]
    assert not Meeting.objects.exists()


def test_only_coordinators_and_chairs_schedule(world: World) -> None:
    with pytest.raises(PermissionDenied):
        scheduling.meeting_schedule(actor=world.user("member_a"), panel=world.panel_a, values=_values(world))


def test_the_schedule_page_keeps_what_was_typed_and_explains_errors(world: World, client_as: Any) -> None:
    client = client_as("coordinator_a")
    response = client.post(
        f"/panels/{world.panel_a.pk}/meetings/new/",
        {
            "meeting_type": "context_conference",
            "date_day": "31",
            "date_month": "2",
            "date_year": "2030",
            "start_time": "25:00",
            "venue": "Civic centre",
            "chairing": "single",
            "chair": world.user("chair_a").pk,
            "repeat": "40",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Date must be a real date" in html
    assert "Start time must be a real time" in html
    assert "Enter a number of meetings from 1 to 26" in html
    assert 'value="Civic centre"' in html


def test_scheduling_through_the_page_then_sending_invitations(
    world: World, client_as: Any, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("coordinator_a")
    day = timezone.localdate() + timedelta(days=21)
    response = client.post(
        f"/panels/{world.panel_a.pk}/meetings/new/",
        {
            "meeting_type": "operational",
            "date_day": day.day,
            "date_month": day.month,
            "date_year": day.year,
            "start_time": "2pm",
            "online_link": "https://teams.example/meet/2",
            "chairing": "single",
            "chair": world.user("chair_a").pk,
            "repeat": "1",
        },
    )
    meeting = Meeting.objects.get(date=day)
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/agenda/"
    assert meeting.start_time == time(14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.pk}/invitations/", {"send": "1"}, follow=True)
    assert "Invitations and contribution requests sent to 3 people." in response.content.decode()
    assert sorted(e.to[0] for e in mail.outbox) == sorted(
        ["chair.a@test.invalid", "coordinator.a@test.invalid", "member.a@test.invalid"]
    )
    body = mail.outbox[0].body
    assert "does not say who or what will be discussed" in body
    assert "Jayden" not in body and "Ashcombe" not in body
    # Sending again tells nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{meeting.pk}/invitations/", {"send": "1"})
    assert not mail.outbox


def test_invitations_page_sets_core_agencies_and_who_is_invited(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    meeting = m["planned"]
    client = client_as("coordinator_a")
    data = {
        "agencies": [world.agencies["police_a"].pk, world.agencies["csc_a"].pk, world.agencies["education_a"].pk],
        f"scope_{world.user('coordinator_a').pk}": "whole",
        f"scope_{world.user('chair_a').pk}": "whole",
        f"scope_{world.user('member_a').pk}": "",
        f"scope_{world.user('member_a_education').pk}": "whole",
    }
    response = client.post(f"/meetings/{meeting.pk}/invitations/", data)
    assert response.status_code == 302
    scopes = dict(Invitation.objects.filter(meeting=meeting).values_list("user__email", "scope"))
    assert "member.a@test.invalid" not in scopes
    assert scopes["teacher.a@test.invalid"] == InvitationScope.WHOLE
    assert world.agencies["education_a"] in meeting.agencies.all()
    # No longer invited: the police member cannot open the meeting any more.
    assert client_as("member_a").get(f"/meetings/{meeting.pk}/").status_code == 404


def test_changing_a_meeting_detects_someone_elses_change(world: World, client_as: Any, m: dict[str, Any]) -> None:
    meeting = m["planned"]
    client = client_as("coordinator_a")
    form = {
        "meeting_type": "operational",
        "date_day": meeting.date.day,
        "date_month": meeting.date.month,
        "date_year": meeting.date.year,
        "start_time": "11:00",
        "venue": "Room 9",
        "online_link": "",
        "chairing": "single",
        "chair": world.user("chair_a").pk,
        "version": meeting.version,
    }
    scheduling.meeting_update(
        actor=world.user("chair_a"), meeting=meeting, expected_version=meeting.version, values={"venue": "Room 1"}
    )
    response = client.post(f"/meetings/{meeting.pk}/edit/", form)
    assert response.status_code == 409
    assert 'value="Room 9"' in response.content.decode()  # what they typed is kept
    meeting.refresh_from_db()
    assert meeting.venue == "Room 1"
    with pytest.raises(ConcurrentEditError):
        scheduling.meeting_update(actor=world.user("chair_a"), meeting=meeting, expected_version=1, values={})


def test_the_change_form_has_a_cancel_link_back_to_the_meeting(client_as: Any, m: dict[str, Any]) -> None:
    meeting = m["planned"]
    html = client_as("coordinator_a").get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert f'<a class="govuk-link" href="/meetings/{meeting.pk}/">Cancel' in html


def test_a_context_conference_cannot_hold_childrens_items(world: World, m: dict[str, Any]) -> None:
    meeting = m["planned"]
    with pytest.raises(ValidationError) as exc:
        scheduling.meeting_update(
            actor=world.user("coordinator_a"),
            meeting=meeting,
            expected_version=meeting.version,
            values={"meeting_type": "context_conference"},
        )
    assert "does not discuss named children" in str(exc.value)


def test_cancelling_needs_a_reason_and_is_audited(world: World, client_as: Any, m: dict[str, Any]) -> None:
    meeting = m["planned"]
    client = client_as("chair_a")
    response = client.post(f"/meetings/{meeting.pk}/cancel/", {"version": meeting.version, "reason": ""})
    assert "Enter why the meeting is cancelled" in response.content.decode()
    response = client.post(f"/meetings/{meeting.pk}/cancel/", {"version": meeting.version, "reason": "Chair unwell"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="update").exists()
    # A cancelled meeting can no longer be planned.
    assert client.get(f"/meetings/{meeting.pk}/agenda/add/").status_code == 403
