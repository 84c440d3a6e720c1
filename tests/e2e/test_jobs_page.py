"""Issue 11 in a real browser: the system admin's page of stuck and failed jobs and unsent
e-mail, checked with axe-core, and trying an e-mail again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from macehub.operations.models import OutboxMessage, WorkerHeartbeat
from tests.factories.personas import World

from .conftest import assert_accessible, sign_in_as


def test_a_system_admin_sees_what_is_stuck_and_tries_an_email_again(
    live_server: Any, live_world: World, new_page: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    WorkerHeartbeat.objects.create(worker_id="worker-on-app-1", hostname="app-1", pid=4242, beat_at=timezone.now())
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        from macehub.operations.tasks import deliver_outbox

        result = deliver_outbox.enqueue(message_id="00000000-0000-4000-8000-000000000000")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="smtplib.SMTPServerDisconnected"
    )
    OutboxMessage.objects.create(
        subject="MACE Hub: An action is due in 3 days",
        body="...",
        to=["member.a@test.invalid"],
        from_email="no-reply@test.invalid",
        attempts=8,
        last_error="SMTPRecipientsRefused: mailbox full",
        created_at=timezone.now() - timedelta(hours=3),
    )

    page = new_page()
    sign_in_as(page, live_server.url, "sysadmin@test.invalid")
    page.get_by_role("link", name="Jobs").first.click()
    expect(page.get_by_role("heading", name="Background jobs and e-mail")).to_be_visible()
    expect(page.get_by_text("1 worker beating")).to_be_visible()
    expect(page.get_by_text("SMTPServerDisconnected")).to_be_visible()
    expect(page.get_by_text("Given up")).to_be_visible()
    expect(page.get_by_text("member.a@test.invalid")).to_have_count(0)
    assert_accessible(page, "jobs-page")

    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("The e-mail is queued again.")).to_be_visible()
    expect(page.get_by_text("Every e-mail has been sent.")).to_be_visible()
    assert_accessible(page, "jobs-page-after-retry")
