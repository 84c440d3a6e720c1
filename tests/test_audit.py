"""The audit trail: append-only, tamper-evident, scoped, exportable."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings

from macehub.audit import triggers
from macehub.audit.models import Action, AuditEvent
from macehub.audit.services import record
from macehub.audit.verify import verify_chain
from tests.factories.personas import World, sign_in_through_forms


def _events(n: int = 5) -> list[AuditEvent]:
    return [record(action=Action.VIEW, actor_label=f"person{i}@test.invalid", detail={"i": i}) for i in range(n)]


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def triggers_lifted(db):
    """Simulate someone with direct database access (a DBA) bypassing the app: drop the triggers."""
    triggers.remove(connection)
    yield
    triggers.install(connection)


def test_an_untouched_chain_verifies(db) -> None:
    _events(5)
    result = verify_chain()
    assert result.ok and result.checked == 5
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact: 5 events" in out.getvalue()


def test_each_event_links_to_the_one_before(db) -> None:
    first, second = _events(2)
    assert second.prev_hash == first.hash
    assert second.seq == first.seq + 1


def test_editing_a_stored_event_is_detected(db, triggers_lifted) -> None:
    events = _events(5)
    _raw("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone.else@test.invalid", events[2].pk])
    result = verify_chain()
    assert not result.ok and result.seq == 3 and "altered" in result.problem
    with pytest.raises(CommandError, match="event #3 has been altered"):
        call_command("verify_audit", stdout=io.StringIO())


def test_editing_an_event_and_rehashing_it_without_the_key_is_detected(db, triggers_lifted) -> None:
    import hashlib
    import json

    events = _events(3)
    forged = hashlib.sha256(json.dumps({"forged": True}).encode()).hexdigest()
    _raw("UPDATE audit_auditevent SET purpose = %s, hash = %s WHERE id = %s", ["cover-up", forged, events[1].pk])
    assert not verify_chain().ok


def test_deleting_an_event_is_detected(db, triggers_lifted) -> None:
    events = _events(5)
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    result = verify_chain()
    assert not result.ok and "missing" in result.problem


def test_deleting_the_newest_events_is_detected(db, triggers_lifted) -> None:
    events = _events(5)
    _raw("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    result = verify_chain()
    assert not result.ok and "head expects 5" in result.problem


def test_the_application_cannot_change_or_delete_events(db) -> None:
    event = _events(1)[0]
    event.purpose = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_update_and_delete_from_any_client(db) -> None:
    event = _events(1)[0]
    for sql in [
        "UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [event.pk])
    assert verify_chain().ok


@override_settings(PRODUCTION=True)
def test_flush_is_refused_in_production(db) -> None:
    _events(1)
    with pytest.raises(CommandError, match="audit trail"):
        call_command("flush", interactive=False)
    assert AuditEvent.objects.count() == 1


def test_events_record_who_from_where_and_why(world: World) -> None:
    client = sign_in_through_forms(Client(REMOTE_ADDR="192.0.2.10"), world.user("borough_admin_a"))
    client.post(
        f"/people/{world.user('member_a').pk}/deactivate/",
        {"reason": "Moved to another force"},
        REMOTE_ADDR="192.0.2.10",
    )
    event = AuditEvent.objects.get(action=Action.DEACTIVATED)
    assert event.actor_id == world.user("borough_admin_a").pk
    assert event.actor_label == "admin.a@test.invalid"
    assert event.ip_address == "192.0.2.10"
    assert event.object_type == "accounts.user" and event.object_id == str(world.user("member_a").pk)
    assert event.detail["reason"] == "Moved to another force"
    assert event.request_id


def test_borough_admins_see_their_partnership_events_only(world: World) -> None:
    record(action=Action.UPDATE, obj=world.panel_a, actor_label="x@test.invalid")
    record(action=Action.UPDATE, obj=world.panel_b, actor_label="y@test.invalid")
    page_a = (
        sign_in_through_forms(Client(), world.user("borough_admin_a")).get("/audit/?action=update").content.decode()
    )
    assert "Alpha MACE" in page_a and "Bravo MACE" not in page_a
    page_sys = sign_in_through_forms(Client(), world.user("system_admin")).get("/audit/?action=update").content.decode()
    assert "Alpha MACE" in page_sys and "Bravo MACE" in page_sys


def test_borough_admins_see_sign_ins_of_their_members_not_others(world: World) -> None:
    sign_in_through_forms(Client(), world.user("member_a"))
    sign_in_through_forms(Client(), world.user("member_b"))
    page = sign_in_through_forms(Client(), world.user("borough_admin_a")).get("/audit/?action=login").content.decode()
    assert "member.a@test.invalid" in page and "member.b@test.invalid" not in page


def test_export_is_itself_audited_and_neutralises_formulas(world: World) -> None:
    record(action=Action.LOGIN_FAILED, actor_label='=HYPERLINK("http://evil.example")')
    client = sign_in_through_forms(Client(), world.user("system_admin"))
    response = client.get("/audit/export.csv?action=login_failed")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert rows[0][:4] == ["seq", "occurred_at_utc", "actor", "action"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example")'
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert export.actor_id == world.user("system_admin").pk
    assert export.detail["filters"] == {"action": "login_failed"}


def test_filters_reject_a_backwards_date_range_with_a_clear_message(world: World) -> None:
    page = sign_in_through_forms(Client(), world.user("system_admin")).get(
        "/audit/?date_from=2026-02-01&date_to=2026-01-01"
    )
    assert "The ‘to’ date must be the same as or after the ‘from’ date." in page.content.decode()


def test_opening_another_boroughs_record_is_audited_as_denied(world: World) -> None:
    client = sign_in_through_forms(Client(), world.user("member_a"))
    assert client.get(f"/panels/{world.panel_b.pk}/").status_code == 404
    denied = AuditEvent.objects.get(action=Action.PERMISSION_DENIED)
    assert denied.actor_id == world.user("member_a").pk
    assert denied.detail == {"object_type": "organisations.panel", "object_id": str(world.panel_b.pk)}
