"""manage.py send_review_reminders — queue reminders for returns that are due soon or late.

Meant for a daily scheduler (cron, a systemd timer): for every open cycle whose deadline is
within ``--days`` days (or has passed), the worker e-mails the leads of each partnership that
has not submitted. The London team can also send reminders from the cycle's page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.review.models import Assessment, Cycle
from macehub.review.services.cycles import enqueue_reminders


class Command(BaseCommand):
    help = "Queue reminder e-mails for self-assessment returns that are due soon or late."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="Remind when the deadline is this close (default 7).")
        parser.add_argument("--cycle", type=int, help="Only this cycle (its id), whatever its deadline.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        cycles = Cycle.objects.filter(status=Cycle.Status.OPEN)
        if options["cycle"]:
            cycles = cycles.filter(pk=options["cycle"])
        else:
            cycles = cycles.filter(deadline__lte=today + timedelta(days=options["days"]))
        queued = 0
        for cycle in cycles:
            outstanding = cycle.assessments.exclude(status=Assessment.Status.SUBMITTED).count()
            if not outstanding:
                continue
            with transaction.atomic():
                record(
                    action=Action.REMIND,
                    obj=cycle,
                    actor_label="manage.py send_review_reminders",
                    detail={"event": "reminders_requested", "outstanding": outstanding},
                )
                enqueue_reminders(cycle_id=cycle.pk)
            queued += 1
            self.stdout.write(f"{cycle}: reminders queued for {outstanding} partnership(s)")
        self.stdout.write(self.style.SUCCESS(f"Reminders queued for {queued} cycle(s)."))
