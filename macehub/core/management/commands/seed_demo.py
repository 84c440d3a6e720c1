"""manage.py seed_demo — load the demo data (idempotent; refused in production)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from macehub.core.demo import DemoContext


class Command(BaseCommand):
    help = "Create demo partnerships, panels, records and one demo account for every role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any partnership exists already.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not settings.DEMO_SITE:
            raise CommandError(
                "Demo data is never loaded in production (unless MACEHUB_DEMO_SITE is set for a demonstration site)."
            )
        partnership = apps.get_model("organisations", "Partnership")
        if options["if_empty"] and partnership.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has partnerships.")
            return
        ctx = DemoContext()
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("macehub."):
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                if hasattr(module, "seed"):
                    module.seed(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
