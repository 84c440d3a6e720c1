"""Retention, legal hold and subject access (R63, R64; check C30), on the demo's children,
whose records reach into casework, meetings and referrals."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.db.models import Count
from django.utils import timezone

from macehub.accounts.models import User
from macehub.audit.models import Action, AuditEvent
from macehub.core.uploads import store, upload_root
from macehub.referrals.models import ReferralAttachment
from macehub.subjects.common import subject_url
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.record_graph import record_graph
from macehub.subjects.services import records as record_services
from macehub.subjects.services import retention
from tests.factories.personas import World

from .subjects.factories import register_for


def _rows_pointing_at(model: type[models.Model], pks: set[Any]) -> set[tuple[str, Any]]:
    """Independent of record_graph: every row of every installed model with a foreign key to
    one of these rows (Subject → Subject excepted: that is another register record)."""
    found: set[tuple[str, Any]] = set()
    for other in apps.get_models():
        if other is Subject and model is Subject:
            continue
        for f in other._meta.concrete_fields:
            if f.is_relation and f.related_model is model and (f.many_to_one or f.one_to_one):
                for pk in other._default_manager.filter(**{f"{f.name}__in": pks}).values_list("pk", flat=True):
                    found.add((other._meta.label, pk))
    return found


@pytest.fixture
def demo(demo_db: None) -> None:
    """The demo's children (seeded once per session; see tests/conftest.py)."""


def _busiest_child(*, with_own_referral: bool = False) -> Subject:
    children = Subject.objects.filter(kind=Kind.CHILD, status=Status.OPEN, given_names__gt="")
    if with_own_referral:  # referred to the panel by a referral about them alone
        children = children.annotate(n=Count("referrals__subjects")).filter(n=1)
    return max(children, key=lambda c: len(record_graph(c).owned_rows()))


def _coordinator(subject: Subject) -> User:
    return User.objects.get(memberships__panel=subject.panel, memberships__role="coordinator", is_active=True)


def _close(subject: Subject) -> None:
    Subject.objects.filter(pk=subject.pk).update(
        status=Status.CLOSED, status_reason="Risk reduced; plan ended.", status_changed_at=timezone.now()
    )
    subject.refresh_from_db()


def test_subject_access_export_holds_every_row_about_the_child(demo: Any) -> None:
    child = _busiest_child()
    coordinator = _coordinator(child)
    record_services.record_revealed(actor=coordinator, subject=child, purpose="Preparing for the panel")
    graph = record_graph(child)
    assert {type(r)._meta.app_label for r in graph.owned_rows()} >= {"subjects", "casework", "meetings"}

    content = retention.access_export(actor=coordinator, subject=child, request_reference="SAR-2026-0042")
    archive = zipfile.ZipFile(io.BytesIO(content))
    document = json.loads(archive.read(f"{child.reference}.json"))
    exported = {(row["table"], row["id"]) for row in document["held"] + document["mentioned_in"]}

    # Every row pointing at the child, and every row pointing at those, is in the export.
    level_one = _rows_pointing_at(Subject, {child.pk})
    assert level_one <= exported
    for label in {label for label, _ in level_one}:
        model = apps.get_model(label)
        assert _rows_pointing_at(model, {pk for lbl, pk in level_one if lbl == label}) <= exported, label
    # Referrals about the child (a many-to-many) are there too, with the name the referrer gave.
    referral_ids = set(child.referrals.values_list("pk", flat=True))
    assert {("referrals.Referral", pk) for pk in referral_ids} <= exported
    assert child.given_names in json.dumps(document["held"])
    # The disclosure log: who revealed, changed or exported the record, and why.
    assert any(
        e["action"] == "Identity revealed" and e["purpose"] == "Preparing for the panel" and e["who"]
        for e in document["audit_trail"]
    )
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(child.pk), purpose__contains="SAR-2026-0042"
    ).exists()


def test_retention_anonymises_due_records_keeps_held_ones_and_audits(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    child = _busiest_child(with_own_referral=True)
    held = Subject.objects.filter(kind=Kind.CHILD, status=Status.OPEN, panel=child.panel).exclude(pk=child.pk).first()
    assert held is not None
    _close(child)
    _close(held)
    coordinator = _coordinator(child)
    retention.place_hold(
        actor=_coordinator(held),
        subject=held,
        expected_version=held.version,
        reason="Safeguarding practice review SPR-12",
    )
    referral = child.referrals.get()
    stored = store(SimpleUploadedFile("notes.txt", b"Seen with older males at the station"), actor=coordinator)
    ReferralAttachment.objects.create(referral=referral, file=stored)
    blob = upload_root() / stored.storage_name
    assert blob.exists()
    name, children_before = child.given_names, Subject.objects.filter(kind=Kind.CHILD).count()

    # Not due yet: nothing happens.
    assert retention.apply_retention() == []

    with (
        time_machine.travel(timezone.now() + timedelta(days=365 * 36), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        due = retention.apply_retention()
    by_pk = {d.subject.pk: d for d in due}
    assert child.pk in by_pk and held.pk not in by_pk
    assert all(d.subject.status != Status.OPEN for d in due), "open records are never due"
    assert by_pk[child.pk].rule in (
        "child: 35 years after last activity",
        "looked-after child: 75 years from date of birth",
    )

    child.refresh_from_db()
    assert child.erased_at is not None
    assert (child.given_names, child.family_name, child.date_of_birth, child.aliases) == ("", "", None, [])
    assert child.age_band and child.ethnicity, "categorical data stays for the partnership's figures"
    assert child.status_reason == retention.ERASED_TEXT
    text = json.dumps([retention._row(r) for r in record_graph(child).owned_rows()], default=str)
    assert name not in text
    assert "Risk reduced" not in text
    assert Subject.objects.filter(kind=Kind.CHILD).count() == children_before, "anonymised, not deleted"
    assert not blob.exists(), "attached files are deleted"

    held.refresh_from_db()
    assert held.erased_at is None and held.given_names, "a record on legal hold is kept"
    assert AuditEvent.objects.filter(action=Action.ERASED).count() == len(due)
    event = AuditEvent.objects.get(action=Action.ERASED, object_id=str(child.pk))
    assert event.actor_label == "Retention job"
    assert event.detail["rows"] > 10
    call_command("verify_audit", stdout=io.StringIO())

    # Releasing the hold lets the schedule apply again.
    retention.release_hold(actor=coordinator, subject=held, expected_version=held.version, reason="Review published")
    with time_machine.travel(timezone.now() + timedelta(days=365 * 36), tick=False):
        assert [d.subject.pk for d in retention.apply_retention(dry_run=True)] == [held.pk], "others already erased"
    held.refresh_from_db()
    assert held.erased_at is None, "a dry run changes nothing"


def test_an_open_record_is_never_due_and_periods_are_configurable(demo: Any, settings: Any) -> None:
    child = _busiest_child()
    with time_machine.travel(timezone.now() + timedelta(days=365 * 80), tick=False):
        assert child.pk not in {d.subject.pk for d in retention.records_due()}
    _close(child)
    settings.MACEHUB_RETENTION_YEARS = {"child": 2, "looked_after": 2}
    with time_machine.travel(timezone.now() + timedelta(days=365 * 3), tick=False):
        assert child.pk in {d.subject.pk for d in retention.records_due()}


def test_hold_and_export_pages_explain_errors_and_record_the_request(world: World, client_as: Any) -> None:
    child = register_for(world)["c1"]
    coordinator = client_as("coordinator_a")

    place = {"action": "place", "version": child.version}
    page = coordinator.post(subject_url(child, "hold"), {**place, "reason": "  "})
    assert "Enter why the record must be kept" in page.content.decode()
    child.refresh_from_db()
    assert child.legal_hold_since is None
    coordinator.post(subject_url(child, "hold"), {**place, "reason": "Public inquiry INQ-3"})
    child.refresh_from_db()
    assert child.legal_hold_reason == "Public inquiry INQ-3"
    assert "On legal hold" in coordinator.get(subject_url(child)).content.decode()

    page = coordinator.post(subject_url(child, "access_export"), {"request_reference": ""})
    assert "Enter the subject access request reference" in page.content.decode()
    response = coordinator.post(subject_url(child, "access_export"), {"request_reference": "SAR-7"})
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{child.reference}-subject-access.zip"'
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read(f"{child.reference}.json"))
    assert document["request_reference"] == "SAR-7"
    assert any(e["action"] == "Changed" and "legal_hold" not in e for e in document["audit_trail"])


def test_subject_access_export_and_erasure_are_only_for_those_who_answer_for_the_record(world: World) -> None:
    """The services themselves refuse (not only the pages): a panel member, another
    panel's member or an analyst gets no export and cannot erase, and nothing is audited as exported."""
    from django.core.exceptions import PermissionDenied

    child = register_for(world)["c1"]
    for name in ("member_a", "member_b", "analyst_a"):
        with pytest.raises(PermissionDenied):
            retention.access_export(actor=world.user(name), subject=child, request_reference="SAR-1")
        with pytest.raises(PermissionDenied):
            retention.erase(child, rule="asked", actor=world.user(name))
    assert not AuditEvent.objects.filter(action=Action.EXPORT, object_id=str(child.pk)).exists()
    child.refresh_from_db()
    assert child.erased_at is None
    content = retention.access_export(actor=world.user("coordinator_a"), subject=child, request_reference="SAR-1")
    assert content.startswith(b"PK")
