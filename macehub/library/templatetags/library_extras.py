"""Small template helpers for library pages."""

from __future__ import annotations

from django import template

register = template.Library()

_FILE_KINDS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint presentation",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "text/plain": "Text file",
    "text/csv": "CSV file",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}


@register.filter
def file_kind(content_type: str) -> str:
    """ "application/pdf" → "PDF" """
    return _FILE_KINDS.get(content_type, "File")
