"""manage.py send_action_reminders — run daily by a scheduler (cron, a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Queue the daily action reminders (three days before the due date, then when overdue) for the "
        "task worker, or send them now with --now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send them in this process instead of queueing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            from macehub.meetings.services.actions import send_reminders

            sent = send_reminders()
            self.stdout.write(f"Sent {sent['before']} reminder(s) before the due date and {sent['overdue']} overdue.")
            return
        from macehub.meetings.tasks import send_action_reminders

        result = send_action_reminders.enqueue()
        self.stdout.write(f"Action reminders queued (task {result.id}).")
