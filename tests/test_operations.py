"""Jobs never lost (issue #11): the e-mail outbox, task leases, the health endpoint and the
jobs page for system admins. The kill drill on PostgreSQL is tests/test_jobs_drill.py."""

from __future__ import annotations

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.test import Client, override_settings
from django.utils import timezone

from macehub.audit.models import AuditEvent
from macehub.core.email import enqueue_email
from macehub.operations import leases, outbox, tasks
from macehub.operations.models import OutboxMessage, WorkerHeartbeat

DB_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def _running_task(worker_id: str, started_ago: timedelta) -> object:
    from django_tasks_db.models import DBTaskResult

    from macehub.operations.tasks import deliver_outbox

    with DB_TASKS:
        result = deliver_outbox.enqueue(message_id="00000000-0000-4000-8000-000000000000")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - started_ago, worker_ids=[worker_id]
    )
    return DBTaskResult.objects.get(pk=result.id)


# --- The outbox ------------------------------------------------------------------------------


def test_an_email_is_written_with_the_change_and_sent_with_a_message_id_from_its_row(
    db, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue_email(subject="Hello", body="Body", to=["a@test.invalid"])
        assert OutboxMessage.objects.count() == 1  # in the same transaction as the change
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    assert message.message_id == f"<outbox.{message.pk}@127.0.0.1>"


def test_with_the_database_queue_the_delivery_task_commits_with_the_change(db) -> None:
    """So a web process killed just after commit loses nothing: no on-commit hook to miss."""
    from django_tasks_db.models import DBTaskResult

    with DB_TASKS, transaction.atomic():
        enqueue_email(subject="Hello", body="Body", to=["a@test.invalid"])
        message = OutboxMessage.objects.get()
        task = DBTaskResult.objects.get()  # already written, inside the same transaction
    assert task.args_kwargs["kwargs"] == {"message_id": str(message.pk)} and task.status == "READY"


def test_a_rolled_back_change_writes_and_sends_nothing(db, django_capture_on_commit_callbacks) -> None:
    def change() -> None:
        with transaction.atomic():
            enqueue_email(subject="Hello", body="Body", to=["a@test.invalid"])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change()
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_delivering_twice_sends_once(db) -> None:
    message = OutboxMessage.objects.create(subject="S", body="B", to=["a@test.invalid"], from_email="x@test.invalid")
    assert tasks.deliver(str(message.pk)) == "sent"
    assert tasks.deliver(str(message.pk)) == "already sent"
    assert len(mail.outbox) == 1


def test_a_failed_delivery_is_recorded_queued_again_and_shown_to_system_admins(db, client_as) -> None:
    from django_tasks_db.models import DBTaskResult

    message = OutboxMessage.objects.create(
        subject="Action due soon", body="B", to=["a@test.invalid"], from_email="x@test.invalid"
    )
    refused = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("refused"))
    with DB_TASKS, refused, pytest.raises(tasks.DeliveryError):
        tasks.deliver(str(message.pk))
    message.refresh_from_db()
    assert message.sent_at is None and message.attempts == 1 and "refused" in message.last_error
    retry = DBTaskResult.objects.get()
    assert retry.run_after > timezone.now() + timedelta(seconds=30)  # backed off, not hammered

    page = client_as("system_admin").get("/operations/jobs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Action due soon" in text and "OSError: refused" in text
    assert "a@test.invalid" not in text  # recipients are counted, not shown


def test_retrying_an_email_is_audited_and_sends_it(db, client_as, django_capture_on_commit_callbacks) -> None:
    message = OutboxMessage.objects.create(
        subject="S", body="B", to=["a@test.invalid"], from_email="x@test.invalid", attempts=8, last_error="gave up"
    )
    client = client_as("system_admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/operations/jobs/emails/{message.pk}/retry/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.sent_at is not None and len(mail.outbox) == 1
    event = AuditEvent.objects.filter(detail__event="email_retried").get()
    assert event.object_id == str(message.pk) and event.actor_label == "sysadmin@test.invalid"
    again = client.post(f"/operations/jobs/emails/{message.pk}/retry/", follow=True)
    assert "nothing to retry" in again.content.decode()


def test_a_stalled_email_whose_task_was_lost_is_queued_again(db) -> None:
    from django_tasks_db.models import DBTaskResult

    message = OutboxMessage.objects.create(
        subject="S", body="B", to=["a@test.invalid"], from_email="x@test.invalid",
        created_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    with DB_TASKS:
        assert outbox.requeue_stalled() == 1
        assert outbox.requeue_stalled() == 0  # its delivery is now waiting: not queued twice
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"message_id": str(message.pk)}


def test_sent_emails_are_deleted_after_the_keeping_period(db) -> None:
    old = OutboxMessage.objects.create(
        subject="S", body="B", to=[], from_email="x", sent_at=timezone.now() - timedelta(days=8)
    )
    recent = OutboxMessage.objects.create(subject="S", body="B", to=[], from_email="x", sent_at=timezone.now())
    unsent = OutboxMessage.objects.create(
        subject="S", body="B", to=[], from_email="x", created_at=timezone.now() - timedelta(days=30)
    )
    assert outbox.prune_sent() == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, unsent.pk}
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


# --- Leases ----------------------------------------------------------------------------------


@override_settings(TASKS_LEASE_SECONDS=60)
def test_a_task_whose_worker_stopped_beating_goes_back_to_the_queue(db) -> None:
    dead = _running_task("dead-worker", timedelta(minutes=2))
    busy = _running_task("live-worker", timedelta(minutes=2))
    fresh = _running_task("new-worker", timedelta(seconds=5))  # claimed before its first beat
    leases.beat("live-worker")
    WorkerHeartbeat.objects.create(worker_id="dead-worker", beat_at=timezone.now() - timedelta(seconds=61))
    assert leases.reclaim_expired() == 1
    statuses = {t.pk: t.status for t in type(dead).objects.all()}  # type: ignore[attr-defined]
    assert statuses == {dead.pk: "READY", busy.pk: "RUNNING", fresh.pk: "RUNNING"}  # type: ignore[attr-defined]


def test_a_stuck_job_is_shown_and_can_be_run_again_audited(db, client_as) -> None:
    task = _running_task("dead-worker", timedelta(minutes=5))
    client = client_as("system_admin")
    text = client.get("/operations/jobs/").content.decode()
    assert "Its worker stopped" in text and "deliver_outbox" in text
    assert client.post(f"/operations/jobs/tasks/{task.pk}/retry/").status_code == 302  # type: ignore[attr-defined]
    task.refresh_from_db()  # type: ignore[attr-defined]
    assert task.status == "READY"  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(detail__event="job_retried", detail__was="RUNNING").count() == 1


def test_only_system_admins_see_the_jobs_page_and_it_is_in_their_navigation(db, client_as) -> None:
    assert client_as("borough_admin_a").get("/operations/jobs/").status_code == 403
    home = client_as("system_admin").get("/")
    assert 'href="/operations/jobs/"' in home.content.decode()


# --- Health ----------------------------------------------------------------------------------


def test_health_is_ok_while_a_worker_beats(db) -> None:
    leases.beat("w1")
    response = Client().get("/health/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["database"] == "ok" and body["worker"]["alive"] == 1
    assert 0 <= body["worker"]["heartbeat_age_seconds"] < 5
    assert "no-store" in response["Cache-Control"]
    assert set(body) == {"status", "database", "worker"}  # nothing else, nothing personal


@override_settings(HEALTH_WORKER_MAX_AGE_SECONDS=30)
def test_health_is_503_when_no_worker_has_beaten_recently(db) -> None:
    assert Client().get("/health/").status_code == 503  # never started
    WorkerHeartbeat.objects.create(worker_id="w1", beat_at=timezone.now() - timedelta(seconds=31))
    response = Client().get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["worker"]["status"] == "unavailable"
    assert json.loads(response.content)["database"] == "ok"


def test_health_is_503_when_the_database_fails(db) -> None:
    leases.beat("w1")
    with mock.patch("macehub.operations.views.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"
