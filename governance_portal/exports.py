"""CSV and XLSX downloads of list pages.

Every export goes through ``export_response``: values that a spreadsheet would run as a formula
(starting with ``= + - @``, tab or carriage return) are neutralised with a leading apostrophe,
and callers pass already-masked personal values (``governance_portal.masking``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def neutralise(value) -> str | int | float | Decimal:
    """A cell value that no spreadsheet will execute."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = ILLEGAL_CHARACTERS.sub("", str(value))  # control characters break XLSX files
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its tab name, header row and rows (raw values: cells are
    neutralised when written)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]


# Excel refuses these in sheet names, and names longer than 31 characters.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def _workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        title = SHEET_TITLE_FORBIDDEN.sub(" ", str(sheet.title))[:31] or None
        written = workbook.create_sheet(title=title)
        written.append([neutralise(str(column)) for column in sheet.header])
        for row in sheet.rows:
            written.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(
    response: HttpResponse, filename: str, extension: str, dated: bool = True
) -> HttpResponse:
    """``dated``: today's date follows the name (lists change; a month's ledger is named by
    its month instead)."""
    if dated:
        filename = f"{filename}-{timezone.localdate().isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def workbook_response(
    *, filename: str, sheets: Iterable[Sheet], dated: bool = True
) -> HttpResponse:
    """An XLSX file with several sheets; ``filename`` without extension (ASCII: it goes into
    a header)."""
    response = HttpResponse(_workbook_bytes(sheets), content_type=XLSX_TYPE)
    return _attachment(response, filename, "xlsx", dated)


def export_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence], file_format: str
) -> HttpResponse:
    """``filename`` without extension; ``file_format`` is ``csv`` or ``xlsx``."""
    if file_format == "xlsx":
        return workbook_response(filename=filename, sheets=[Sheet("", header, rows)])
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([str(title) for title in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    # UTF-8 with BOM: Excel on Chinese Windows then reads the Chinese correctly.
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename, "csv")
