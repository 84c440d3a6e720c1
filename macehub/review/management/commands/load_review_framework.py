"""manage.py load_review_framework FILE — load a self-assessment framework file as a new version.

The file format is described in macehub/review/data/README.md. A file never changes an
existing version: it always becomes the next version (published unless --draft), so answers
already given are untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from macehub.review.framework_files import read_framework_file
from macehub.review.services.frameworks import framework_import


class Command(BaseCommand):
    help = "Load a self-assessment framework (JSON) as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--draft", action="store_true", help="Load as a draft for the London team to check.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_framework_file(options["path"])
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Could not read {options['path']}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        version = framework_import(actor=None, data=data, publish=not options["draft"])
        questions = sum(s.questions.count() for s in version.sections.all())
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {version} ({version.get_status_display().lower()}, {questions} questions).")
        )
