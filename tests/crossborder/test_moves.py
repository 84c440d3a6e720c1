"""Children who move out of a partnership (R43): the handover, its acknowledgement, the
receiving panel's decision, chasing and escalation, and placement summaries.

The oracle for "the receiving side learns nothing else" is the receiving coordinator's own
client: the sending record, its register and search answer as if the child did not exist."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from macehub.crossborder.models import Handover, HandoverState, PlacementSummary
from macehub.crossborder.services import add_working_days, chase_unacknowledged
from macehub.subjects.models import Kind, Status, Subject
from tests.factories.crossborder import coordinator_b, send_c1
from tests.factories.personas import sign_in
from tests.subjects.factories import register_for

pytestmark = pytest.mark.django_db


def _as(client: Any, user: Any) -> Any:
    return sign_in(client, user)


def test_sending_a_move_steps_the_child_down_and_emails_the_receiving_coordinators(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    receiver = coordinator_b(world)
    with django_capture_on_commit_callbacks(execute=True):
        handover = send_c1(world)
    child = Subject.objects.get(pk=handover.child_id)
    assert child.status == Status.STEPPED_DOWN and "Bravo" in child.status_reason
    assert [m.to for m in mail.outbox] == [[receiver.email]]
    assert "Jayden" not in mail.outbox[0].body  # the e-mail never carries the child's details
    # Only the chosen parts go, as they were when sent.
    assert set(handover.summary) >= {"reference", "given_names", "harm_types", "risk_level"}
    assert "current_plan" not in handover.summary and "key_contacts" not in handover.summary
    Subject.objects.filter(pk=child.pk).update(risk_level="High", family_name="Changed")
    handover.refresh_from_db()
    assert handover.summary["family_name"] == "Ashcombe" and handover.summary["risk_level"] == "Not recorded"


def test_a_panel_member_cannot_send_a_move_and_a_stepped_down_child_cannot_be_sent_twice(
    world: Any, client: Any
) -> None:
    child = register_for(world)["c1"]
    _as(client, world.user("member_a"))
    assert client.get(f"/crossborder/children/{child.pk}/move/").status_code == 403
    coordinator_b(world)
    send_c1(world)
    _as(client, world.user("coordinator_a"))
    assert client.get(f"/crossborder/children/{child.pk}/move/").status_code == 403
    assert Handover.objects.count() == 1


def test_the_move_form_keeps_what_was_typed_and_says_what_is_wrong(world: Any, client: Any) -> None:
    child = register_for(world)["c1"]
    _as(client, world.user("coordinator_a"))
    response = client.post(
        f"/crossborder/children/{child.pk}/move/",
        {"kind": "placed", "moved_on_0": "3", "moved_on_1": "12", "moved_on_2": "2026", "note": "Kept"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the partnership the child is moving to" in page and "Kept" in page
    # Your own partnership is not offered.
    assert f'value="{world.partnership_a.pk}"' not in page and f'value="{world.partnership_b.pk}"' in page
    assert not Handover.objects.exists()


def test_the_receiving_coordinator_sees_the_handover_and_nothing_of_the_sending_record(world: Any, client: Any) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world)
    child = register_for(world)["c1"]
    _as(client, receiver)
    page = client.get(f"/crossborder/handovers/{handover.pk}/").content.decode()
    assert "Ashcombe" in page and "Mum has moved" in page
    assert f"/register/children/{child.pk}/" not in page  # no way back to the sending record
    assert client.get(f"/register/children/{child.pk}/").status_code == 404
    assert client.get(f"/casework/children/{child.pk}/journey/").status_code == 404
    assert client.get(f"/register/{world.panel_a.pk}/").status_code in (403, 404)
    search = client.get(f"/register/{world.panel_b.pk}/search/", {"q": "Ashcombe"})
    assert search.status_code == 200 and f"/register/children/{child.pk}/" not in search.content.decode()
    # Nobody else in partnership B: a panel member, a borough admin.
    for persona in ("member_b", "borough_admin_b"):
        other = client.__class__()
        _as(other, world.user(persona))
        assert other.get(f"/crossborder/handovers/{handover.pk}/").status_code == 404


def test_acknowledging_and_accepting_puts_a_new_linked_record_on_the_receiving_register(
    world: Any, client: Any
) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world)
    before = Subject.objects.filter(panel=world.panel_b, kind=Kind.CHILD).count()
    _as(client, receiver)
    assert client.post(f"/crossborder/handovers/{handover.pk}/acknowledge/").status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandoverState.ACKNOWLEDGED and handover.acknowledged_by == receiver
    response = client.post(
        f"/crossborder/handovers/{handover.pk}/decide/", {"decision": "accept", "panel": world.panel_b.pk}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    new = handover.new_child
    assert handover.state == HandoverState.ACCEPTED and new.panel_id == world.panel_b.pk
    assert Subject.objects.filter(panel=world.panel_b, kind=Kind.CHILD).count() == before + 1
    assert (new.family_name, new.date_of_birth) == ("Ashcombe", handover.child.date_of_birth)
    assert new.risk_level == ""  # the receiving panel decides on its own scale
    # The sending side sees where the child is held now, and cannot open the new record.
    sender = client.__class__()
    _as(sender, world.user("coordinator_a"))
    record_page = sender.get(f"/register/children/{handover.child_id}/").content.decode()
    assert "Bravo MACE" in record_page and "Accepted onto the register" in record_page
    assert sender.get(f"/register/children/{new.pk}/").status_code == 404


def test_declining_needs_a_reason_and_the_sending_side_sees_it(world: Any, client: Any) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world)
    _as(client, receiver)
    response = client.post(f"/crossborder/handovers/{handover.pk}/decide/", {"decision": "decline", "reason": ""})
    assert "Enter why the child is not being accepted" in response.content.decode()
    client.post(
        f"/crossborder/handovers/{handover.pk}/decide/",
        {"decision": "decline", "reason": "The family are in temporary housing in Lambeth again."},
    )
    handover.refresh_from_db()
    assert handover.state == HandoverState.DECLINED and handover.acknowledged_at is not None
    sender = client.__class__()
    _as(sender, world.user("chair_a"))
    assert "temporary housing" in sender.get(f"/crossborder/handovers/{handover.pk}/").content.decode()
    # Decided: nothing more to acknowledge or decide.
    assert client.post(f"/crossborder/handovers/{handover.pk}/decide/", {"decision": "decline"}).status_code == 403


def test_unacknowledged_handovers_are_chased_then_escalated_after_working_days(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CROSSBORDER_CHASE_WORKING_DAYS = 2
    settings.CROSSBORDER_ESCALATE_WORKING_DAYS = 5
    receiver = coordinator_b(world)
    handover = send_c1(world)
    friday = timezone.make_aware(datetime(2026, 12, 4, 10))
    Handover.objects.filter(pk=handover.pk).update(sent_at=friday)
    monday = friday + timedelta(days=3)  # one working day later: nothing yet
    assert chase_unacknowledged(monday) == {"chased": 0, "escalated": 0}
    tuesday = friday + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert chase_unacknowledged(tuesday) == {"chased": 1, "escalated": 0}
        assert chase_unacknowledged(tuesday) == {"chased": 0, "escalated": 0}  # once
    assert [m.to for m in mail.outbox] == [[receiver.email]]
    following_friday = friday + timedelta(days=7)
    assert add_working_days(friday.date(), 5) == following_friday.date()
    with django_capture_on_commit_callbacks(execute=True):
        assert chase_unacknowledged(following_friday) == {"chased": 0, "escalated": 1}
    assert sorted(mail.outbox[-1].to) == ["admin.b@test.invalid"]  # B's borough admin (no lead in B)
    handover.refresh_from_db()
    assert handover.chased_at is not None and handover.escalated_at is not None


def test_each_side_of_a_placement_sees_the_others_summary_and_updates_only_its_own(world: Any, client: Any) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world, kind="placed")
    placing = client
    _as(placing, world.user("coordinator_a"))
    host = client.__class__()
    _as(host, receiver)
    placing.post(f"/crossborder/handovers/{handover.pk}/summary/", {"text": "Placing: weekly contact with mum."})
    host.post(f"/crossborder/handovers/{handover.pk}/summary/", {"text": "Host: settled at school."})
    host.post(f"/crossborder/handovers/{handover.pk}/summary/", {"text": "Host: settled at school, no missing."})
    assert PlacementSummary.objects.filter(handover=handover).count() == 2
    for c in (placing, host):
        page = c.get(f"/crossborder/handovers/{handover.pk}/").content.decode()
        assert "weekly contact with mum" in page and "settled at school, no missing" in page
    # A panel member of the placing panel reads both, but writes neither.
    member = client.__class__()
    _as(member, world.user("member_a"))
    assert "settled at school" in member.get(f"/crossborder/handovers/{handover.pk}/").content.decode()
    assert member.post(f"/crossborder/handovers/{handover.pk}/summary/", {"text": "x"}).status_code == 403


def _main(response: Any) -> str:
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_the_receiving_side_cannot_tell_the_sending_record_from_one_that_does_not_exist(
    world: Any, client: Any
) -> None:
    receiver = coordinator_b(world)
    handover = send_c1(world)
    child = register_for(world)["c1"]
    missing = Subject.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    _as(client, receiver)
    for template in (
        "/register/children/{pk}/",
        "/casework/children/{pk}/journey/",
        "/crossborder/children/{pk}/move/",
    ):
        theirs, nothing = client.get(template.format(pk=child.pk)), client.get(template.format(pk=missing))
        assert theirs.status_code == nothing.status_code == 404
        assert _main(theirs) == _main(nothing)
    # Counts: B's register lists only B's children (the one from A only once accepted, as B's own).
    own = set(Subject.objects.filter(panel=world.panel_b, kind=Kind.CHILD).values_list("pk", flat=True))
    listing = client.get(f"/register/{world.panel_b.pk}/children/").content.decode()
    assert f"/register/children/{child.pk}/" not in listing
    assert all(f"/register/children/{pk}/" in listing for pk in own)
    # A panel of A's cannot be chosen to accept onto, and the error says nothing about it.
    response = client.post(
        f"/crossborder/handovers/{handover.pk}/decide/", {"decision": "accept", "panel": world.panel_a.pk}
    )
    assert "Choose a panel from the list" in response.content.decode()
    assert world.panel_a.name not in _main(response)


def test_erasing_the_sending_record_erases_the_snapshot_sent_with_it(world: Any, client: Any) -> None:
    from macehub.subjects.services.retention import erase

    coordinator_b(world)
    handover = send_c1(world)
    erase(Subject.objects.get(pk=handover.child_id), rule="test")
    handover.refresh_from_db()
    assert "Ashcombe" not in str(handover.summary) and "2010" not in str(handover.summary)
    assert handover.snapshot == {}
    # Both sides' pages still open (what was sent is gone; the state stays).
    assert str(handover)
    _as(client, coordinator_b(world))
    assert client.get(f"/crossborder/handovers/{handover.pk}/").status_code == 200
