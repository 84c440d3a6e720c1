"""Spreadsheet-safe exports.

Two rules apply to every cell of every CSV and XLSX download:

* text that a spreadsheet would run as a formula is prefixed with an apostrophe (OWASP CSV
  injection), and
* a cell that is entirely a number (``24``, ``-2``, ``+0``, ``44.5``, ``12.5%``) cannot be a
  formula, so it is written as it is — in a CSV as the plain text, in an XLSX as a real number
  that can be summed and charted (with a number format that shows it as the text did).

Disclosure symbols (``c``, ``z``, ``:``), dashes and other text stay text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

# A cell starting with one of these is treated as a formula by Excel and LibreOffice.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# Entirely a number: optionally signed, optionally decimal, optionally a trailing percent sign.
# ASCII digits only; nothing else (no spaces, no thousands separators, no exponents).
_NUMBER = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]+)(?:\.(?P<places>[0-9]+))?(?P<percent>%?)")

# Beyond this many significant digits a float no longer holds the figure exactly.
_MAX_DIGITS = 15


def is_number_text(value: Any) -> bool:
    """Whether ``value`` is a string that is entirely a number, such as ``-2``, ``+0`` or ``44.5%``."""
    return isinstance(value, str) and _NUMBER.fullmatch(value) is not None


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection).

    A string that is entirely a number (``-2``, ``+0``, ``-1.5%``) is not a formula and is
    returned unchanged; ``-1+2`` or ``+cmd|...`` are still neutralised."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not is_number_text(value):
        return "'" + value
    return value


def number_cell(value: Any) -> tuple[Any, str | None]:
    """For an XLSX cell: a figure given as text becomes a number, with the Excel number format
    that displays it as the text did (decimal places, an explicit ``+``, a percentage).

    Returns ``(value, number_format)``; the format is None when the value is left as it was.
    Text that is not a plain number — and numbers written with leading zeros (``007``, likely a
    reference) or with more digits than a float holds — is returned unchanged."""
    if not isinstance(value, str):
        return value, None
    match = _NUMBER.fullmatch(value)
    if match is None:
        return value, None
    whole, places = match["whole"], match["places"] or ""
    if (len(whole) > 1 and whole.startswith("0")) or len(whole.lstrip("0")) + len(places) > _MAX_DIGITS:
        return value, None
    amount = Decimal(f"{match['sign']}{whole}.{places}" if places else f"{match['sign']}{whole}")
    pattern = "0" + ("." + "0" * len(places) if places else "")
    if match["percent"]:
        number: int | float = float(amount / 100)
        pattern += "%"
    elif places:
        number = float(amount)
    else:
        number = int(amount)
    if match["sign"] == "+":
        number_format = f"+{pattern};-{pattern};{pattern}"
    elif places or match["percent"]:
        number_format = pattern
    else:
        number_format = "General"
    return number, number_format


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> StreamingHttpResponse:
    """Stream a CSV download row by row (large exports never sit in memory)."""
    writer = csv.writer(_Echo())

    def generate() -> Iterable[str]:
        yield "\ufeff"  # so Excel reads UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([neutralise(v) for v in row])

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: list[tuple[str, list[str], Iterable[Iterable[Any]]]]) -> HttpResponse:
    """An Excel workbook with one sheet per (title, header, rows); figures given as text become
    numeric cells, and text that would run as a formula is neutralised."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row_number, row in enumerate(rows, start=2):
            values, formats = [], []
            for column, raw in enumerate(row, start=1):
                value, number_format = number_cell(raw)
                values.append(neutralise(value))
                if number_format is not None and number_format != "General":
                    formats.append((column, number_format))
            sheet.append(values)
            for column, number_format in formats:
                sheet.cell(row=row_number, column=column).number_format = number_format
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
