"""Uploaded files: checked by their content, stored outside the web root, served only
through permission-checked views.

* :class:`UploadField` — a form field that refuses files that are too big, of a type not on
  the allow-list, or whose content does not match their name (an HTML page renamed .pdf).
* :func:`store` — writes the file under a random name and returns a :class:`StoredFile`.
* :func:`serve` — streams it back as a download, after the caller's policy check, and
  records the download in the audit trail.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import magic
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from . import auditing
from .models import StoredFile

#: Content types we accept, with the file extensions each may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
    "application/vnd.oasis.opendocument.text": (".odt",),
    "application/vnd.oasis.opendocument.spreadsheet": (".ods",),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
# Office files are zip archives; libmagic sometimes reports only that.
_ZIP_FAMILY = {"application/zip", "application/octet-stream"}
_OFFICE_EXTENSIONS = {".docx", ".xlsx", ".pptx", ".odt", ".ods"}
#: What the archive must declare to be what its name says: the main part's content type in
#: ``[Content_Types].xml`` (Office Open XML), or the ``mimetype`` entry (OpenDocument).
_OFFICE_MAIN_PART = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_OPENDOCUMENT = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
#: An Office file expands when opened; these bound what opening one may cost (a "zip bomb"
#: of 1 MB that expands to 1 GB is refused long before that).
MAX_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_ENTRY_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 5000
MAX_RATIO = 100
#: Text files (CSV, TXT) are read in these encodings, in this order.
_TEXT_ENCODINGS = ("utf-8-sig", "cp1252")


def max_upload_bytes() -> int:
    return int(getattr(settings, "MACEHUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def human_size(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def detect_type(upload: UploadedFile[bytes]) -> str:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    return str(magic.from_buffer(head, mime=True))


def check_upload(upload: UploadedFile[bytes]) -> str:
    """The file's real content type, or a ValidationError saying in plain words what is wrong."""
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    allowed_extensions = sorted({e for exts in ALLOWED_TYPES.values() for e in exts})
    if upload.size is None or upload.size == 0:
        raise forms.ValidationError("The selected file is empty.")
    if upload.size > max_upload_bytes():
        raise forms.ValidationError(f"The selected file must be smaller than {human_size(max_upload_bytes())}.")
    if extension not in allowed_extensions:
        raise forms.ValidationError(
            "The selected file must be a "
            + ", ".join(e.lstrip(".").upper() for e in allowed_extensions[:-1])
            + f" or {allowed_extensions[-1].lstrip('.').upper()}."
        )
    detected = detect_type(upload)
    if extension in _OFFICE_EXTENSIONS:
        _check_office(upload, extension)
        return next(t for t, exts in ALLOWED_TYPES.items() if extension in exts)
    if extension in (".csv", ".txt") and (detected.startswith("text/") or detected == "application/csv"):
        _check_text(upload, extension)
        return "text/csv" if extension == ".csv" else "text/plain"
    if detected not in ALLOWED_TYPES or extension not in ALLOWED_TYPES[detected]:
        raise forms.ValidationError(_not_really(extension))
    if detected == "application/pdf":
        _check_pdf(upload)
    return detected


def _not_really(extension: str) -> str:
    return (
        f"The selected file is not really a {extension.lstrip('.').upper()} file. Save it in that format and try again."
    )


_BOMB = (
    "The selected file expands to far more than it looks (it may be a ‘zip bomb’). "
    "Save it again from the program that made it and try again."
)


def _check_office(upload: UploadedFile[bytes], extension: str) -> None:
    """An Office file is a zip archive that says what it is, and opening it costs a bounded
    amount: its entries are decompressed (not trusting the sizes they declare) up to the limits."""
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise forms.ValidationError("The selected file is too complex to check. Save it again and try again.")
        names = {e.filename for e in entries}
        if extension in _OFFICE_MAIN_PART:
            if "[Content_Types].xml" not in names:
                raise forms.ValidationError(_not_really(extension))
            declared = archive.read("[Content_Types].xml")[:1_000_000].decode("utf-8", "replace")
            if _OFFICE_MAIN_PART[extension] not in declared:
                raise forms.ValidationError(_not_really(extension))
        else:
            if (
                "mimetype" not in names
                or archive.read("mimetype")[:200].decode("ascii", "replace").strip() != (_OPENDOCUMENT[extension])
            ):
                raise forms.ValidationError(_not_really(extension))
        # What the archive declares first (cheap); then what it really holds, as it is read.
        declared_total = sum(e.file_size for e in entries)
        if declared_total > MAX_EXPANDED_BYTES or any(
            e.file_size > MAX_ENTRY_BYTES or e.file_size > MAX_RATIO * max(e.compress_size, 1024) for e in entries
        ):
            raise forms.ValidationError(_BOMB)
        total = 0
        for entry in entries:
            size = 0
            with archive.open(entry) as member:
                while chunk := member.read(1024 * 1024):
                    size += len(chunk)
                    total += len(chunk)
                    too_big = size > MAX_ENTRY_BYTES or total > MAX_EXPANDED_BYTES
                    if too_big or size > MAX_RATIO * max(entry.compress_size, 1024):
                        raise forms.ValidationError(_BOMB)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise forms.ValidationError(_not_really(extension)) from exc
    finally:
        upload.seek(0)


def _check_pdf(upload: UploadedFile[bytes]) -> None:
    """A PDF is read by a PDF parser (pypdf): it must open and have pages."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise forms.ValidationError(
                "The selected PDF is protected by a password. Save a copy without the password and try again."
            )
        len(reader.pages)  # reads the document's page tree: a broken file fails here
    except forms.ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        raise forms.ValidationError(_not_really(".pdf")) from exc
    finally:
        upload.seek(0)


def _check_text(upload: UploadedFile[bytes], extension: str) -> None:
    """A CSV or text file is text: it decodes (UTF-8, or Windows' own encoding), holds no NUL
    bytes, and a CSV reads as rows."""
    upload.seek(0)
    content = upload.read(max_upload_bytes() + 1)
    upload.seek(0)
    text = None
    for encoding in _TEXT_ENCODINGS:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise forms.ValidationError(_not_really(extension))
    if extension == ".csv":
        try:
            rows = list(csv.reader(io.StringIO(text[:1_000_000])))
        except csv.Error as exc:
            raise forms.ValidationError(_not_really(extension)) from exc
        if not rows:
            raise forms.ValidationError(_not_really(extension))


class UploadField(forms.FileField):
    """A file upload checked by size, extension and actual content."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            upload.macehub_content_type = check_upload(upload)  # type: ignore[attr-defined]
        return upload


def upload_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def store(upload: UploadedFile[bytes], *, actor: Any, partnership_id: int | None = None) -> StoredFile:
    """Write a checked upload to private storage. Call inside the owning service's transaction."""
    content_type = getattr(upload, "macehub_content_type", None) or check_upload(upload)
    digest = hashlib.sha256()
    stored = StoredFile(
        original_name=Path(upload.name or "file").name[:255],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        partnership_id=partnership_id,
    )
    path = upload_root() / stored.storage_name
    with path.open("xb") as handle:
        for chunk in upload.chunks():
            digest.update(chunk)
            handle.write(chunk)
    stored.sha256 = digest.hexdigest()
    stored.save()
    return stored


def serve(stored: StoredFile, *, actor: Any, obj: Any = None) -> FileResponse:
    """Stream a stored file as a download. The caller has already checked its policy."""
    auditing.record(auditing.DOWNLOAD, actor=actor, obj=obj or stored, detail={"file": stored.original_name})
    response = FileResponse(
        (upload_root() / stored.storage_name).open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
