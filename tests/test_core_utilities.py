"""Shared building blocks: uploads, PDFs, dates, spreadsheets."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from pypdf import PdfReader

from macehub.core.exports import xlsx_response
from macehub.core.forms import GovukDateField, GovukForm
from macehub.core.pdf import render_pdf
from macehub.core.uploads import UploadField, serve, store
from tests.factories.personas import minimal_pdf

PDF = minimal_pdf()


class UploadForm(GovukForm):
    document = UploadField(label="Evidence")


def _clean(name: str, content: bytes) -> forms.Form:
    form = UploadForm(files={"document": SimpleUploadedFile(name, content)}, data={})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "not really a PDF file"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "must be a"),
        ("shell.php", b"<?php system($_GET['c']); ?>", "must be a"),
        ("photo.jpg.php", b"\xff\xd8\xff\xe0" + b"0" * 100, "must be a"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_uploads_are_refused_with_a_plain_reason(name: str, content: bytes, message: str) -> None:
    form = _clean(name, content)
    assert not form.is_valid()
    assert message in str(form.errors["document"])


def test_an_oversized_upload_is_refused(settings) -> None:
    settings.MACEHUB_MAX_UPLOAD_BYTES = 1024
    form = _clean("big.pdf", PDF + b"0" * 2048)
    assert "must be smaller than 1 KB" in str(form.errors["document"])


def test_a_real_pdf_is_stored_privately_and_served_as_an_attachment(db, tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path
    form = _clean("minutes.pdf", PDF)
    assert form.is_valid(), form.errors
    stored = store(form.cleaned_data["document"], actor=None, partnership_id=7)
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert stored.storage_name != "minutes.pdf" and (tmp_path / stored.storage_name).read_bytes() == PDF
    response = serve(stored, actor=None)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[arg-type]  # a file: not async
    from macehub.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="download", partnership_id=7).exists()


def test_a_pdf_renders_with_its_text_and_marking() -> None:
    from django.template import engines

    engines["django"]  # templates are loaded from macehub/templates
    pdf = render_pdf("pdf/base.html", {"title": "Minutes", "marking": "OFFICIAL-SENSITIVE"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "OFFICIAL-SENSITIVE" in text and "Page 1 of 1" in text


class DateForm(GovukForm):
    born = GovukDateField(label="Date of birth")


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter date of birth"),
        (("12", "", "2010"), "Date of birth must include a month"),
        (("31", "2", "2010"), "Date of birth must be a real date"),
        (("1", "2", "10"), "Year must include 4 numbers"),
        (("a", "b", "c"), "must be a real date, in numbers"),
    ],
)
def test_dates_explain_what_is_wrong_and_keep_what_was_typed(parts: tuple[str, str, str], message: str) -> None:
    form = DateForm(data=dict(zip(("born_day", "born_month", "born_year"), parts, strict=True)))
    assert not form.is_valid()
    assert message in str(form.errors["born"])
    html = str(form)
    for part in parts:
        assert f'value="{part}"' in html


def test_a_real_date_is_accepted() -> None:
    form = DateForm(data={"born_day": "29", "born_month": "2", "born_year": "2012"})
    assert form.is_valid() and form.cleaned_data["born"] == date(2012, 2, 29)


def test_spreadsheets_neutralise_formulas() -> None:
    response = xlsx_response(
        "x.xlsx", [("Actions", ["Owner", "Note"], [["=cmd|' /C calc'!A0", "+1+1"], ["Police", 3]])]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0" and sheet["B2"].value == "'+1+1"
    assert sheet["B3"].value == 3
