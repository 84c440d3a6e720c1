"""Uploaded files: checked by their content, stored outside the web root, served only
through permission-checked views.

* :class:`UploadField` — a form field that refuses files that are too big, of a type not on
  the allow-list, or whose content does not match their name (an HTML page renamed .pdf).
* :func:`store` — writes the file under a random name and returns a :class:`StoredFile`.
* :func:`serve` — streams it back as a download, after the caller's policy check, and
  records the download in the audit trail.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import magic
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

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


def max_upload_bytes() -> int:
    return int(getattr(settings, "MACEHUB_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def _human(size: int) -> str:
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
        raise forms.ValidationError(f"The selected file must be smaller than {_human(max_upload_bytes())}.")
    if extension not in allowed_extensions:
        raise forms.ValidationError(
            "The selected file must be a "
            + ", ".join(e.lstrip(".").upper() for e in allowed_extensions[:-1])
            + f" or {allowed_extensions[-1].lstrip('.').upper()}."
        )
    detected = detect_type(upload)
    if detected in _ZIP_FAMILY and extension in _OFFICE_EXTENSIONS:
        detected = next(t for t, exts in ALLOWED_TYPES.items() if extension in exts)
    if detected not in ALLOWED_TYPES or extension not in ALLOWED_TYPES[detected]:
        raise forms.ValidationError(
            f"The selected file is not really a {extension.lstrip('.').upper()} file. Save it in that format and try again."
        )
    return detected


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
    from macehub.audit.models import Action
    from macehub.audit.services import record

    record(action=Action.DOWNLOAD, actor=actor, obj=obj or stored, detail={"file": stored.original_name})
    response = FileResponse(
        (upload_root() / stored.storage_name).open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
