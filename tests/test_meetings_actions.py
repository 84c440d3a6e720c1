"""Actions: agreeing them, reminders before and after the due date (background job and daily
command), carrying forward with a reason, escalation to the chair when an agency does not act,
overdue flags on the owner's home page, the action lists and their XLSX export, a child's
journey, and merging register records."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from macehub.audit.models import AuditEvent
from macehub.core import timeline
from macehub.meetings.models import Action, ActionStatus, AgendaItem, CarryReason
from macehub.meetings.services import actions as action_services
from macehub.subjects.services import merging as merge_services
from tests.factories.meetings import make_meeting, meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return meetings_for(world, register_for(world))


def _item(item: AgendaItem) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting", "meeting__panel", "subject").get(pk=item.pk)


def test_agreeing_an_action_on_the_record_page(world: World, client_as: Any, m: dict[str, Any]) -> None:
    item = m["child_item"]
    client = client_as("coordinator_a")
    prefix = f"action-{item.pk}"
    response = client.post(f"/meetings/items/{item.pk}/actions/new/", {f"{prefix}-description": "Strategy discussion"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose the agency that owns the action" in html and "Enter the due date" in html
    assert "Strategy discussion" in html  # what was typed is kept
    due = timezone.localdate() + timedelta(days=14)
    response = client.post(
        f"/meetings/items/{item.pk}/actions/new/",
        {
            f"{prefix}-description": "Request a strategy discussion",
            f"{prefix}-owner_agency": world.agencies["csc_a"].pk,
            f"{prefix}-owner": world.user("coordinator_a").pk,
            f"{prefix}-due_date_day": due.day,
            f"{prefix}-due_date_month": due.month,
            f"{prefix}-due_date_year": due.year,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(item=item)
    assert action.reference == "A-0002" and action.subject == item.subject and action.meeting == m["planned"]
    assert AuditEvent.objects.filter(action="create", object_type="meetings.action").count() == 1


def test_an_action_about_a_person_of_concern_goes_only_to_someone_allowed_to_see_them(
    world: World, m: dict[str, Any]
) -> None:
    item = _item(m["person_item"])
    due = timezone.localdate() + timedelta(days=7)
    with pytest.raises(ValidationError) as exc:
        action_services.action_create(
            actor=world.user("chair_a"), meeting=item.meeting, item=item, description="Visit",
            owner_agency=world.agencies["education_a"], owner=None, due_date=due,
        )  # fmt: skip
    assert "allows to see persons of concern" in str(exc.value)
    action = action_services.action_create(
        actor=world.user("chair_a"), meeting=item.meeting, item=item, description="Visit",
        owner_agency=world.agencies["police_a"], owner=world.user("member_a"), due_date=due,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        action_services.action_create(
            actor=world.user("chair_a"), meeting=item.meeting, item=item, description="Visit",
            owner_agency=world.agencies["police_a"], owner=world.user("chair_a"), due_date=due,
        )  # fmt: skip
    assert "represents the owning agency" in str(exc.value)
    # The coordinator, who may not see persons of concern, never sees the action either.
    assert world.user("coordinator_a") and action.pk


def test_repeated_non_completion_escalates_to_the_chair(
    world: World, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    action = m["action"]
    chair = world.user("chair_a")
    meetings = [make_meeting(world.panel_a, days=d, chair=chair) for d in (1, 15)]
    with django_capture_on_commit_callbacks(execute=True):
        action_services.action_review(
            actor=chair, action=action, meeting=meetings[0], outcome="carried_forward",
            reason=CarryReason.AGENCY_DID_NOT_ACT, new_due_date=meetings[0].date + timedelta(days=10),
        )  # fmt: skip
    assert Action.objects.get(pk=action.pk).escalated_at is None
    assert not mail.outbox
    action.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        action_services.action_review(
            actor=chair, action=action, meeting=meetings[1], outcome="carried_forward",
            reason=CarryReason.AGENCY_DID_NOT_ACT, new_due_date=meetings[1].date + timedelta(days=10),
        )  # fmt: skip
    action.refresh_from_db()
    assert action.escalated_at is not None and action.times_carried_forward == 2
    assert [e.to for e in mail.outbox] == [["chair.a@test.invalid"]]
    assert "Alpha Police did not act" in mail.outbox[0].subject
    # Circumstances changing is not the agency's failure: it never counts.
    assert AuditEvent.objects.filter(action="update", changes__escalated=[False, True]).count() == 1


def test_reminders_before_and_after_the_due_date_are_sent_once(
    world: World, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    action = m["action"]
    today = timezone.localdate()
    Action.objects.filter(pk=action.pk).update(due_date=today + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_reminders", "--now")
    assert [e.to for e in mail.outbox] == [["member.a@test.invalid"]]
    assert "is due on" in mail.outbox[0].subject and "Share the latest" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_reminders", "--now")
    assert len(mail.outbox) == 1  # not twice
    Action.objects.filter(pk=action.pk).update(due_date=today - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_action_reminders")  # through the task (immediate backend in tests)
    assert len(mail.outbox) == 2 and "overdue" in mail.outbox[1].subject
    assert AuditEvent.objects.filter(action="remind", object_type="meetings.action").count() == 2


def test_overdue_actions_are_flagged_on_the_owners_home_page(world: World, client_as: Any, m: dict[str, Any]) -> None:
    Action.objects.filter(pk=m["action"].pk).update(due_date=timezone.localdate() - timedelta(days=3))
    page = client_as("member_a").get("/").content.decode()
    assert "1 of your actions is overdue" in page and m["action"].reference in page
    chair = client_as("chair_a").get("/").content.decode()
    assert "1 of your actions" not in chair and "Meetings" in chair


def test_action_lists_filter_and_export_without_names(world: World, client_as: Any, m: dict[str, Any]) -> None:
    action = m["action"]
    other = Action.objects.create(
        panel=world.panel_a, number=2, description="Done already", owner_agency=world.agencies["csc_a"],
        due_date=timezone.localdate(), status=ActionStatus.COMPLETED, completed_at=timezone.now(),
    )  # fmt: skip
    member = client_as("member_a")
    mine = member.get("/actions/").content.decode()
    assert action.reference in mine and other.reference not in mine
    assert other.reference not in member.get("/actions/agency/?status=all").content.decode()
    log = client_as("coordinator_a")
    page = log.get(f"/panels/{world.panel_a.pk}/actions/?status=all").content.decode()
    assert action.reference in page and other.reference in page
    page = log.get(f"/panels/{world.panel_a.pk}/actions/?status=completed&subject=C-0002").content.decode()
    assert "No actions to show." in page
    response = log.get(f"/panels/{world.panel_a.pk}/actions/?status=all&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Action" and {r[0] for r in rows[1:]} == {"A-0001", "A-0002"}
    assert not any("Brightwell" in str(cell) for row in rows for cell in row)
    assert AuditEvent.objects.filter(action="export", detail__export="actions (action log)").count() == 1


def test_the_owner_completes_an_action_and_the_next_meeting_confirms_it(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    action = m["action"]
    client = client_as("member_a")
    response = client.post(f"/actions/{action.pk}/", {"version": action.version, "note": ""})
    assert response.status_code == 400 and "Enter what was done" in response.content.decode()
    response = client.post(f"/actions/{action.pk}/", {"version": action.version, "note": "Reports shared."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.COMPLETED and action.completion_note == "Reports shared."
    assert client.get(f"/actions/{action.pk}/edit/").status_code == 403


def test_a_childs_journey_shows_meetings_and_actions(world: World, m: dict[str, Any]) -> None:
    c2 = register_for(world)["c2"]
    events = timeline.events_for(world.user("chair_a"), c2, only={"meeting", "action"})
    assert [e.kind for e in events] == ["meeting", "action"]
    assert "Discussed at Alpha MACE" in events[0].title and "A-0001" in events[1].title
    assert timeline.events_for(world.user("member_b"), c2, only={"meeting", "action"}) == []


def test_merging_records_carries_agenda_items_and_actions_over(world: World, m: dict[str, Any]) -> None:
    register = register_for(world)
    keep, merged = register["c1"], register["c2"]
    merge_services.merge_records(
        actor=world.user("coordinator_a"), keep=keep, merged=merged,
        keep_version=keep.version, merged_version=merged.version, reason="Same child",
    )  # fmt: skip
    assert AgendaItem.objects.get(pk=m["held_item"].pk).subject == keep
    assert Action.objects.get(pk=m["action"].pk).subject == keep
    event = AuditEvent.objects.filter(detail__merge__agenda_items_moved=1).first()
    assert event is not None and event.detail["merge"]["actions_moved"] == 1
