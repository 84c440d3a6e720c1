"""PDF documents (minutes, meeting packs, reports) rendered from HTML templates by WeasyPrint.

Templates extend ``pdf/base.html``, which sets A4 pages, Arial-compatible fonts
(Liberation Sans from Debian's fonts-liberation), page numbers and an optional protective
marking (for example OFFICIAL-SENSITIVE) at the top and bottom of every page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF pages need

    html = render_to_string(template, {"service_name": settings.MACEHUB_SERVICE_NAME, **context})
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf())


def pdf_response(template: str, context: dict[str, Any], *, filename: str) -> HttpResponse:
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
