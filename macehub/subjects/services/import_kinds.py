"""Spreadsheet kinds whose rows another app writes.

The register import (:mod:`.imports`) reads, previews, confirms and undoes a spreadsheet. Rows of
the registers' own kinds (children, persons of concern, locations, groups) become register records
here. Rows of other kinds (past meetings' attendance, the action log) become another app's records:
that app registers a :class:`RowImporter` for the kind in its ``AppConfig.ready()`` (meetings does,
in ``macehub.meetings.imports``), so this app never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet

from ..models import RegisterImport, Subject, normalise
from .import_columns import Column


@dataclass
class RowCheck:
    number: int  # the spreadsheet's row number (the header is row 1)
    values: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    label: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Lookups:
    """Names in a spreadsheet resolved to the panel's agencies, people and records. An importer
    builds them (see :meth:`for_panel`) and may subclass them to carry its own look-ups."""

    agencies: dict[str, Any]
    people: dict[str, Any]
    records: dict[str, Subject]

    @classmethod
    def for_panel(cls, actor: Any, panel: Any, *, people: dict[str, Any], **more: Any) -> Lookups:
        """The partnership's agencies and the register records ``actor`` may see on the panel;
        ``people`` (email → user) and the rest come from the importer."""
        from macehub.organisations.models import Agency

        from ..selectors import subjects_visible_to

        agencies = {normalise(a.name): a for a in Agency.objects.filter(partnerships=panel.partnership_id)}
        records = {
            s.reference: s
            for s in subjects_visible_to(actor)
            .filter(panel=panel)
            .exclude(status="merged")
            .only("id", "kind", "number", "panel")
        }
        return cls(agencies=agencies, people=people, records=records, **more)

    def find(self, column: Column, text: str) -> Any:
        if column.kind == "agency":
            found = self.agencies.get(normalise(text))
            if found is None:
                raise ValueError(f"{column.label} “{text}” is not an agency of this partnership in MACE Hub")
            return found
        if column.kind == "email":
            found = self.people.get(text.lower())
            if found is None:
                raise ValueError(f"{column.label} “{text}” is not someone on this panel")
            return found
        found = self.records.get(text.upper().replace(" ", ""))
        if found is None:
            raise ValueError(f"{column.label} “{text}” is not a record on this panel's register")
        return found


@dataclass(frozen=True)
class Written:
    """What confirming an import wrote: the records (their ids are kept for undo), any meetings
    it had to add, and the audit events for both (the import's own event is added by the caller)."""

    records: list[Any]
    events: list[dict[str, Any]]
    created_meeting_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RowImporter:
    """How the rows of one spreadsheet kind are checked, written and undone by the app that owns them.

    - ``lookups(actor, panel)``: the names rows are resolved against;
    - ``check(panel, number, values, problems, failed, lookups)``: the row, with its problems in words;
    - ``write(actor, imported, rows)``: writes every checked row (inside the caller's transaction);
    - ``undo_blockers(imported, records)``: why the import can no longer be undone;
    - ``remove(actor, imported)``: deletes what the import added (inside the caller's transaction,
      after the caller recorded the records' deletion).
    """

    kind: str
    model: Callable[[], type[Model]]
    related: str
    lookups: Callable[[Any, Any], Lookups]
    check: Callable[[Any, int, dict[str, Any], list[str], set[str], Lookups], RowCheck]
    write: Callable[[Any, RegisterImport, list[RowCheck]], Written]
    undo_blockers: Callable[[RegisterImport, QuerySet[Any]], list[str]]
    remove: Callable[[Any, RegisterImport], None]


_importers: dict[str, RowImporter] = {}


def register(importer: RowImporter) -> None:
    _importers[importer.kind] = importer


def importer_for(kind: str) -> RowImporter | None:
    """The importer another app registered for ``kind``; None for the registers' own kinds."""
    return _importers.get(kind)


def changed_since(records: QuerySet[Any], imported: RegisterImport) -> QuerySet[Any]:
    """Imported records someone has edited since (a few seconds' grace for the import's own saves)."""
    assert imported.imported_at is not None  # noqa: S101 - only confirmed imports are undone
    grace: datetime = imported.imported_at + timedelta(seconds=5)
    return records.filter(Q(version__gt=1) | Q(updated_at__gt=grace))
