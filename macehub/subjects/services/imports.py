"""Bringing a spreadsheet register into MACE Hub (XLSX or CSV).

1. :func:`read_table` reads the upload (already checked by :class:`macehub.core.uploads.UploadField`)
   with openpyxl or the csv module: a header row and the rows under it, every cell as text.
2. :func:`start_import` keeps the cells on a :class:`RegisterImport` (status ``preview``) with a
   column mapping guessed from the headers: the mapping the panel's last import used for the
   same header, else the template's own column names and common alternatives.
3. :func:`preview` turns each row into field values and says, in plain words, what is wrong with
   it and which records on the register it may duplicate (the register's own fuzzy matching).
4. :func:`confirm_import` writes every row in one transaction, with one audit event for the
   import and one per record, only if no row has a problem. Confirming twice writes once.
5. :func:`undo_import` removes exactly those records within :data:`UNDO_WINDOW`, unless any of
   them has been changed, linked or referred to since.

The spreadsheet's columns and how they are read are in :mod:`.import_columns`; checking rows
and the preview in :mod:`.import_rows`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, record_many
from macehub.core.services import snapshot

from ..models import (
    ImportStatus,
    Kind,
    Link,
    RegisterImport,
    Subject,
)
from ..policies import imports as import_policy
from ..policies import policy
from .import_columns import UNDO_WINDOW, ImportRefused, columns_for, guess_mapping, import_action, read_table
from .import_kinds import changed_since, importer_for
from .import_rows import preview
from .records import FIELDS_BY_KIND, _audit_changes

# --- Services -----------------------------------------------------------------------------------


def start_import(*, actor: Any, panel: Any, kind: str, upload: Any) -> RegisterImport:
    """Read a checked upload and keep its cells for the preview. Nothing is added to the register."""
    policy.require(actor, import_action(kind), panel)
    headers, rows = read_table(upload)
    cutoff = timezone.now() - UNDO_WINDOW
    with transaction.atomic():
        # Previews nobody confirmed are not kept: they hold the spreadsheet's names.
        RegisterImport.objects.filter(panel=panel, status=ImportStatus.PREVIEW, created_at__lt=cutoff).update(
            rows=[], status=ImportStatus.UNDONE
        )
        imported = RegisterImport.objects.create(
            panel=panel,
            kind=kind,
            file_name=str(getattr(upload, "name", "") or "spreadsheet")[:255],
            headers=headers,
            rows=rows,
            row_count=len(rows),
            mapping=guess_mapping(panel, kind, headers),
            created_by=actor,
            updated_by=actor,
        )
    return imported


def set_mapping(*, actor: Any, imported: RegisterImport, mapping: dict[str, str]) -> None:
    import_policy.require(actor, "run", imported)
    if imported.status != ImportStatus.PREVIEW:
        raise ImportRefused("This import has already been confirmed")
    allowed = set(columns_for(imported.kind)) | {""}
    clean = {
        str(i): (mapping.get(str(i), "") if mapping.get(str(i), "") in allowed else "")
        for i in range(len(imported.headers))
    }
    imported.mapping = clean
    imported.updated_by = actor
    imported.save(update_fields=["mapping", "updated_by", "updated_at"])


def _model_for(kind: str) -> Any:
    importer = importer_for(kind)
    return importer.model() if importer is not None else Subject


def _next_number(panel: Any, kind: str) -> int:
    last = Subject.objects.filter(panel=panel, kind=kind).aggregate(last=Max("number"))["last"]
    return int(last or 0) + 1


def confirm_import(*, actor: Any, imported_pk: int, leave_out_duplicates: bool = False) -> RegisterImport:
    """Write every row to the register in one transaction. Refused if any row has a problem.
    A second confirmation (a double click, a retry) finds the import done and writes nothing."""
    with transaction.atomic():
        imported = RegisterImport.objects.select_for_update().select_related("panel").get(pk=imported_pk)
        import_policy.require(actor, "run", imported)
        if imported.status != ImportStatus.PREVIEW:
            raise ImportRefused("This import has already been confirmed. Nothing was added twice.")
        checked = preview(actor, imported, duplicates=leave_out_duplicates)
        if checked.mapping_problems or checked.problem_rows:
            raise ImportRefused(
                f"{len(checked.problem_rows)} row{'s' if len(checked.problem_rows) != 1 else ''} still "
                "have problems. Fix them in the spreadsheet and upload it again."
                if checked.problem_rows
                else checked.mapping_problems[0]
            )
        rows = [r for r in checked.rows if not (leave_out_duplicates and r.duplicates)]
        panel, kind = imported.panel, imported.kind
        importer = importer_for(kind)
        if importer is None and kind not in Kind.values:
            raise ImportRefused("This kind of spreadsheet cannot be imported here.")
        if importer is not None:
            written = importer.write(actor, imported, rows)
            created, events = written.records, written.events
            imported.created_meeting_ids = written.created_meeting_ids
        else:
            Subject.objects.select_for_update().filter(panel=panel).exists()  # serialise numbering
            number = _next_number(panel, kind)
            subjects = []
            for offset, row in enumerate(rows):
                subject = Subject(
                    panel=panel, kind=kind, number=number + offset, created_by=actor, updated_by=actor, **row.values
                )
                subject.search_key = subject.compute_search_key()
                subjects.append(subject)
            created = Subject.objects.bulk_create(subjects, batch_size=500)
            fields = FIELDS_BY_KIND[kind]
            events = [
                {
                    "action": Action.CREATE,
                    "obj": subject,
                    "changes": _audit_changes(kind, {}, snapshot(subject, fields)),
                    "detail": {"import": imported.pk},
                    "partnership_id": panel.partnership_id,
                }
                for subject in created
            ]
        now = timezone.now()
        imported.status = ImportStatus.IMPORTED
        imported.imported_at = now
        imported.record_ids = [s.pk for s in created]
        imported.rows = []
        imported.updated_by = actor
        imported.save()
        record_many(events, actor=actor)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=imported,
            detail={
                "records": len(created),
                "rows_in_file": imported.row_count,
                "left_out_as_duplicates": imported.row_count - len(created),
                "kind": kind,
            },
        )
    return imported


def undo_blockers(imported: RegisterImport, *, now: datetime | None = None) -> list[str]:
    """Why this import can no longer be undone, in words (empty when it can)."""
    now = now or timezone.now()
    if imported.status == ImportStatus.UNDONE:
        return ["This import has already been undone"]
    if imported.status != ImportStatus.IMPORTED or imported.imported_at is None:
        return ["This import has not been confirmed, so there is nothing to undo"]
    if now > imported.imported_at + UNDO_WINDOW:
        hours = int(UNDO_WINDOW.total_seconds() // 3600)
        return [f"An import can be undone only within {hours} hours. Remove or merge the records one by one instead."]
    ids = imported.record_ids
    records = _model_for(imported.kind).objects.filter(pk__in=ids)
    importer = importer_for(imported.kind)
    if importer is not None:
        return importer.undo_blockers(imported, records)
    blockers = []
    changed = list(changed_since(records, imported).order_by("number")[:10])
    if changed:
        refs = ", ".join(s.reference for s in changed)
        blockers.append(f"Records have been changed since they were imported ({refs}). Undoing would lose that work.")
    linked = Link.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids)).count()
    if linked:
        blockers.append(f"{linked} link{'s have' if linked != 1 else ' has'} been added to imported records since.")
    referred = Subject.referrals.through.objects.filter(subject_id__in=ids).count()
    if referred:
        blockers.append("Imported records are named in referrals since.")
    if len(ids) != records.count():
        blockers.append("Some imported records are no longer on the register.")
    return blockers


def undo_import(*, actor: Any, imported_pk: int) -> RegisterImport:
    """Remove exactly the records an import added, if nobody has built on them yet."""
    with transaction.atomic():
        imported = RegisterImport.objects.select_for_update().select_related("panel").get(pk=imported_pk)
        import_policy.require(actor, "run", imported)
        blockers = undo_blockers(imported)
        if blockers:
            raise ImportRefused(" ".join(blockers))
        importer = importer_for(imported.kind)
        model = _model_for(imported.kind)
        related = importer.related if importer is not None else "panel"
        records = list(model.objects.filter(pk__in=imported.record_ids).select_related(related))
        record_many(
            [
                {
                    "action": Action.DELETE,
                    "obj": subject,
                    "detail": {"import": imported.pk, "undo": True},
                    "partnership_id": imported.panel.partnership_id,
                }
                for subject in records
            ],
            actor=actor,
        )
        try:
            with transaction.atomic():
                if importer is not None:
                    importer.remove(actor, imported)
                else:
                    for subject in records:
                        subject.harm_types.clear()
                    Subject.objects.filter(pk__in=imported.record_ids).delete()
        except ProtectedError as exc:
            raise ImportRefused("Other records now refer to imported records, so the import cannot be undone.") from exc
        imported.status = ImportStatus.UNDONE
        imported.undone_at = timezone.now()
        imported.updated_by = actor
        imported.save()
        record(action=Action.DELETE, actor=actor, obj=imported, detail={"records": len(records), "undo": True})
    return imported
