"""Helpers for library tests: small real files, and items shared through the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from macehub.library import services
from macehub.library.models import ItemVersion, Kind, LibraryItem, Licence, ProtocolArea
from tests.factories.personas import minimal_pdf

#: The smallest PDF libmagic (and a PDF reader) accepts; ``pdf()`` makes each one unique.
MINIMAL_PDF = minimal_pdf()


def pdf(text: str = "") -> bytes:
    """A valid PDF whose bytes (and so SHA-256) differ for each ``text``."""
    return MINIMAL_PDF + f"% {text}\n".encode()


def upload(filename: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(filename, content)


def share_item(
    *,
    actor: Any,
    owner: Any,
    title: str,
    kind: str = Kind.AGENDA,
    content: bytes | None = None,
    filename: str | None = None,
    summary: str = "A tool for MACE panels.",
    tags: Iterable[str] = (),
    areas: Iterable[ProtocolArea] = (),
    licence: str = Licence.LONDON_MACE,
) -> LibraryItem:
    """Share an item the way the page does: keep the upload, then create the item."""
    pending = services.upload_keep(
        actor=actor,
        upload=upload(filename or f"{title}.pdf", content if content is not None else pdf(title)),
        partnership_id=owner.pk if owner is not None else None,
    )
    return services.item_create(
        actor=actor,
        owner=owner,
        pending=pending,
        change_note="First version.",
        title=title,
        summary=summary,
        kind=kind,
        licence=licence,
        tags=tags,
        protocol_areas=areas,
        protocol_clauses="",
    )


def add_version(
    *, actor: Any, item: LibraryItem, content: bytes, filename: str = "new.pdf", note: str = "Updated."
) -> ItemVersion:
    pending = services.upload_keep(actor=actor, upload=upload(filename, content), partnership_id=item.owner_id)
    item.refresh_from_db()
    return services.version_add(
        actor=actor, item=item, pending=pending, change_note=note, expected_version=item.version
    )
