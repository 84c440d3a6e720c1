"""Shared by the benchmark scripts: pointing Django at the benchmark database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = "sqlite:////tmp/macehub_bench.sqlite3"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/macehub_bench"


def bootstrap(database_url: str) -> None:
    """Set up Django against ``database_url`` (development settings, DEBUG off so no query log)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("MACEHUB_ENV", "development")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL (None for other databases)."""
    if not database_url.startswith("sqlite:"):
        return None
    return Path(database_url.removeprefix("sqlite:///"))
