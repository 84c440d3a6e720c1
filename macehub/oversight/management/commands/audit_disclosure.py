"""Audit everything published — every signed-off release and London dataset, combined as an
intruder would — and list each figure that can be worked out, with the reason in plain words.

Exit status 1 when something fails, so a scheduled run or CI can notice. The London team
withdraws failing releases and datasets in the app (each withdrawal is audited) and the
partnerships re-issue them as corrections prepared with the current method."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from macehub.oversight.services import audit_everything_published


class Command(BaseCommand):
    help = "Audit every published release and London dataset jointly, as an intruder would, and list failures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=50, help="How many findings to print (all are counted).")

    def handle(self, *args: Any, **options: Any) -> None:
        result, releases = audit_everything_published()
        checked = len(result.intervals)
        if result.passed:
            self.stdout.write(f"No disclosures: {checked} hidden figures checked in {len(releases)} releases.")
            return
        failing: dict[str, int] = {}
        for finding in result.findings:
            prefix = finding.key.split("|", 1)[0]
            release = releases.get(prefix)
            name = f"{release} (id {release.pk})" if release is not None else "a London dataset"
            failing[name] = failing.get(name, 0) + 1
        self.stdout.write(f"{len(result.findings)} figures can be worked out ({checked} hidden figures checked):")
        for name, n in sorted(failing.items()):
            self.stdout.write(f"  {name}: {n}")
        for finding in result.findings[: options["limit"]]:
            self.stdout.write(f"- {finding.explanation}")
        raise CommandError(
            "Withdraw the releases and datasets listed (London team: the release or dataset page, ‘Withdraw’) "
            "and ask the partnerships to prepare corrections."
        )
