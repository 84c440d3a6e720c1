"""Writes for the library. Each checks the library policy, validates, runs in one
transaction and records its audit event there, last."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core import uploads
from macehub.core.models import StoredFile
from macehub.core.services import ConcurrentEditError, field_changes, snapshot, update_versioned

from .models import Adoption, ItemVersion, LibraryItem, PendingUpload, ProtocolArea, Tag
from .policies import policy

DETAIL_FIELDS = ["title", "summary", "kind", "licence", "protocol_clauses"]
#: Kept uploads nobody came back for are removed after this long.
PENDING_UPLOAD_LIFETIME = timedelta(days=1)


def _file_detail(stored: StoredFile) -> dict[str, Any]:
    return {
        "file": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


def upload_keep(*, actor: Any, upload: UploadedFile[bytes], partnership_id: int | None = None) -> PendingUpload:
    """Store a checked file someone chose while the rest of their form is not finished (or
    while they decide about a possible duplicate), so they do not have to choose it again."""
    if not policy.can(actor, "create_item"):
        raise PermissionDenied
    with transaction.atomic():
        stored = uploads.store(upload, actor=actor, partnership_id=partnership_id)
        pending = PendingUpload.objects.create(file=stored, created_by=actor)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=pending,
            partnership_id=partnership_id,
            detail={**_file_detail(stored), "stage": "uploaded, waiting for the form to be completed"},
        )
    return pending


def _consume(pending: PendingUpload, *, actor: Any, partnership_id: int | None) -> StoredFile:
    """Take the kept file for a version. Refuses someone else's, or one used already (a
    second click on the same button)."""
    deleted, _ = PendingUpload.objects.filter(pk=pending.pk, created_by=actor).delete()
    if deleted != 1:
        raise ValidationError({"file": "This file has already been used. Choose the file again."})
    stored = pending.file
    if stored.partnership_id != partnership_id:
        StoredFile.objects.filter(pk=stored.pk).update(partnership_id=partnership_id)
        stored.partnership_id = partnership_id
    return stored


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        cleaned = " ".join(name.split())[:40]
        if cleaned:
            tags.append(Tag.objects.get_or_create(key=cleaned.lower(), defaults={"name": cleaned})[0])
    return tags


def _related_snapshot(item: LibraryItem) -> dict[str, Any]:
    return {
        **snapshot(item, DETAIL_FIELDS),
        "owner": item.owner_label,
        "tags": sorted(t.name for t in item.tags.all()),
        "protocol_areas": sorted(a.name for a in item.protocol_areas.all()),
    }


def item_create(
    *,
    actor: Any,
    owner: Any,
    pending: PendingUpload,
    change_note: str,
    tags: Iterable[str] = (),
    protocol_areas: Iterable[ProtocolArea] = (),
    duplicates_acknowledged: Iterable[int] = (),
    **values: Any,
) -> LibraryItem:
    """Share a new item with its first version. ``owner`` is a Partnership, or None for a
    London-wide item. ``duplicates_acknowledged`` lists items the person was warned this
    may duplicate and chose to go ahead anyway (kept in the audit trail, for take-up work)."""
    item = LibraryItem(owner=owner, created_by=actor, updated_by=actor, **values)
    if not policy.can(actor, "manage_item", item):
        raise PermissionDenied
    item.full_clean(exclude=["current_version"])
    with transaction.atomic():
        item.save()
        item.tags.set(_tags(tags))
        item.protocol_areas.set(list(protocol_areas))
        stored = _consume(pending, actor=actor, partnership_id=item.owner_id)
        version = ItemVersion(item=item, number=1, file=stored, change_note=change_note.strip(), created_by=actor)
        version.full_clean()
        version.save()
        item.current_version = version
        item.save(update_fields=["current_version"])
        record(
            action=Action.CREATE,
            actor=actor,
            obj=item,
            changes=_related_snapshot(item),
            detail={
                "version": 1,
                **_file_detail(stored),
                "possible_duplicates_acknowledged": sorted(set(duplicates_acknowledged)),
            },
        )
    return item


def version_add(
    *,
    actor: Any,
    item: LibraryItem,
    pending: PendingUpload,
    change_note: str,
    expected_version: int,
    duplicates_acknowledged: Iterable[int] = (),
) -> ItemVersion:
    """Upload a new version of an item; it becomes the latest. Refused as a concurrent edit
    if someone changed the item (or added a version) since the person opened the form, and
    refused if the file is one of this item's versions already."""
    if not policy.can(actor, "manage_item", item):
        raise PermissionDenied
    with transaction.atomic():
        locked = LibraryItem.objects.select_for_update().get(pk=item.pk)
        if locked.version != expected_version:
            raise ConcurrentEditError(locked)
        same = ItemVersion.objects.filter(item=locked, file__sha256=pending.file.sha256).first()
        if same is not None:
            raise ValidationError({"file": f"This file is the same as version {same.number}. Choose the changed file."})
        stored = _consume(pending, actor=actor, partnership_id=locked.owner_id)
        number = (ItemVersion.objects.filter(item=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        version = ItemVersion(
            item=locked, number=number, file=stored, change_note=change_note.strip(), created_by=actor
        )
        version.full_clean()
        version.save()
        previous = locked.current_version_id
        locked.current_version = version
        update_versioned(locked, expected_version=expected_version, actor=actor, fields=["current_version"])
        record(
            action=Action.CREATE,
            actor=actor,
            obj=version,
            partnership_id=locked.owner_id,
            changes={"current_version": [previous, version.pk]},
            detail={
                "item": locked.pk,
                "version": number,
                **_file_detail(stored),
                "possible_duplicates_acknowledged": sorted(set(duplicates_acknowledged)),
            },
        )
    item.current_version = version
    item.version = locked.version
    return version


def item_update(
    *,
    actor: Any,
    item: LibraryItem,
    expected_version: int,
    tags: Iterable[str],
    protocol_areas: Iterable[ProtocolArea],
    **values: Any,
) -> LibraryItem:
    """Change an item's details (not its owner or files). A stale form is refused."""
    if not policy.can(actor, "manage_item", item):
        raise PermissionDenied
    before = _related_snapshot(item)
    for name in DETAIL_FIELDS:
        if name in values:
            setattr(item, name, values[name])
    with transaction.atomic():
        update_versioned(item, expected_version=expected_version, actor=actor, fields=DETAIL_FIELDS)
        item.tags.set(_tags(tags))
        item.protocol_areas.set(list(protocol_areas))
        changes = field_changes(before, _related_snapshot(item))
        if changes:
            record(action=Action.UPDATE, actor=actor, obj=item, changes=changes)
    return item


def adopt(*, actor: Any, item: LibraryItem, partnership: Any) -> Adoption:
    """Record that ``partnership`` uses the latest version of ``item``. If it used an older
    version, that record ends and a new one starts (the history is kept)."""
    if not policy.can(actor, "adopt_for", partnership):
        raise PermissionDenied
    with transaction.atomic():
        locked = LibraryItem.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=item.pk)
        latest = locked.current_version
        if latest is None:
            raise ValidationError("This item has no file to use yet.")
        current = (
            Adoption.objects.select_for_update(of=("self",))
            .select_related("version")
            .filter(item=locked, partnership=partnership, ended_at__isnull=True)
            .first()
        )
        if current is not None and current.version_id == latest.pk:
            raise ValidationError(f"{partnership.short_name} already uses version {latest.number}, the latest.")
        now = timezone.now()
        if current is not None:
            Adoption.objects.filter(pk=current.pk).update(ended_at=now, ended_by=actor)
        adoption = Adoption(item=locked, partnership=partnership, version=latest, adopted_at=now, adopted_by=actor)
        adoption.full_clean()
        adoption.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=adoption,
            detail={
                "event": "moved to a newer version" if current is not None else "adopted",
                "item": locked.pk,
                "from_version": current.version.number if current is not None else None,
                "to_version": latest.number,
            },
        )
    return adoption


def end_adoption(*, actor: Any, adoption: Adoption) -> Adoption:
    """The partnership no longer uses this item."""
    if not policy.can(actor, "end_adoption", adoption):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        ended = Adoption.objects.filter(pk=adoption.pk, ended_at__isnull=True).update(ended_at=now, ended_by=actor)
        if ended != 1:
            raise ValidationError("This partnership had already stopped using it.")
        adoption.ended_at = now
        adoption.ended_by = actor
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=adoption,
            changes={"ended_at": [None, now.isoformat()]},
            detail={"event": "stopped using", "item": adoption.item_id, "version": adoption.version.number},
        )
    return adoption


def version_download(*, actor: Any, version: ItemVersion) -> FileResponse:
    """Stream a version's file; the download is recorded in the audit trail."""
    if not policy.can(actor, "download", version):
        raise PermissionDenied
    return uploads.serve(version.file, actor=actor, obj=version)


def discard_stale_pending_uploads(*, older_than: timedelta = PENDING_UPLOAD_LIFETIME) -> int:
    """Remove kept uploads nobody came back for (and their files). Returns how many."""
    cutoff = timezone.now() - older_than
    removed = 0
    for pending in PendingUpload.objects.filter(created_at__lt=cutoff).select_related("file"):
        stored = pending.file
        path = uploads.upload_root() / stored.storage_name
        with transaction.atomic():
            if PendingUpload.objects.filter(pk=pending.pk).delete()[0] != 1:
                continue
            StoredFile.objects.filter(pk=stored.pk).delete()
            record(
                action=Action.DELETE,
                actor=None,
                obj=stored,
                detail={"reason": "library upload never completed", "file": stored.original_name},
            )
            transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))  # type: ignore[misc]
        removed += 1
    return removed
