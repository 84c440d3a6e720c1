"""C23: files are checked as what they are, and a request body over the limit is refused
before it is read."""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from macehub.core.forms import GovukForm
from macehub.core.uploads import UploadField
from tests.factories.personas import World, sign_in

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)


class UploadForm(GovukForm):
    document = UploadField(label="Evidence")


def _errors(name: str, content: bytes) -> str:
    form = UploadForm(files={"document": SimpleUploadedFile(name, content)}, data={})
    return "" if form.is_valid() else str(form.errors["document"])


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _docx(body: bytes = b"<w:document/>") -> bytes:
    return _zip({"[Content_Types].xml": DOCX_TYPES.encode(), "word/document.xml": body})


def test_a_real_office_document_is_accepted() -> None:
    assert _errors("minutes.docx", _docx()) == ""


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", os.urandom(4096)),  # 4 KB of random bytes called .docx
        ("report.docx", _zip({"notes.txt": b"just a zip"})),  # a zip, but not a Word document
        ("sheet.xlsx", _docx()),  # a Word document called .xlsx
        ("text.odt", _zip({"mimetype": b"application/zip"})),
    ],
)
def test_an_office_file_that_is_not_what_it_says_is_refused(name: str, content: bytes) -> None:
    assert "is not really a" in _errors(name, content)


def test_a_zip_bomb_is_refused_without_expanding_it() -> None:
    bomb = _docx(body=b"\0" * (120 * 1024 * 1024))  # ~120 KB that expands to 120 MB
    assert len(bomb) < 1024 * 1024
    assert "zip bomb" in _errors("minutes.docx", bomb)


def test_pdfs_are_parsed() -> None:
    assert "not really a PDF" in _errors("minutes.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    assert "not really a PDF" in _errors("minutes.pdf", b"<html><body>Hello</body></html>")


def test_a_valid_two_line_csv_is_accepted_and_binary_called_csv_is_not() -> None:
    assert _errors("attendance.csv", b"agency,attended\nPolice,yes\n") == ""
    assert _errors("attendance.csv", "agency,attended\r\nCSC,oui é\r\n".encode("cp1252")) == ""
    assert "is not really a CSV" in _errors("attendance.csv", b"agency\x00attended\n\x00\x01\x02")


def test_a_body_over_the_limit_is_refused_before_it_is_read(world: World, settings: Any) -> None:
    """The body is 10 bytes but says it is 50 MB: reading it would fail, so a 413 proves it
    was refused on the header alone."""
    client = sign_in(Client(), world.user("coordinator_a"))
    response = client.generic(
        "POST",
        "/account/access/request/",
        data=b"reason=x&",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "The file is too large" in response.content.decode()
    assert "larger than 25 MB" in response.content.decode()
    api = Client().generic("POST", "/api/releases/", data=b"{}", CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert api.status_code == 413 and api.json()["detail"].startswith("The request is larger")
    assert Client().post("/account/login/", {"login": "x@y.z", "password": "no"}).status_code == 200


def test_the_form_field_says_no_to_a_file_too_large(settings: Any) -> None:
    settings.MACEHUB_MAX_UPLOAD_BYTES = 1024
    assert "must be smaller than 1 KB" in _errors("notes.csv", b"a,b\n" * 600)
