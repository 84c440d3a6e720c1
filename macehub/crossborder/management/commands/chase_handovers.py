"""manage.py chase_handovers — run daily by a scheduler (cron, a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Queue the daily chase of handovers nobody has acknowledged (CROSSBORDER_CHASE_WORKING_DAYS, default 2) "
        "and their escalation (CROSSBORDER_ESCALATE_WORKING_DAYS, default 5) for the task worker, or run it now "
        "with --now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Chase in this process instead of queueing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            from macehub.crossborder.services import chase_unacknowledged

            done = chase_unacknowledged()
            self.stdout.write(f"Chased {done['chased']} handover(s), escalated {done['escalated']}.")
            return
        from macehub.crossborder.tasks import chase_handovers

        result = chase_handovers.enqueue()
        self.stdout.write(f"Handover chase queued (task {result.id}).")
