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


def export_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence], file_format: str
) -> HttpResponse:
    """``filename`` without extension; ``file_format`` is ``csv`` or ``xlsx``."""
    cleaned = ([neutralise(value) for value in row] for row in rows)
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([str(title) for title in header])
        for row in cleaned:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        extension = "xlsx"
    else:
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow([str(title) for title in header])
        writer.writerows(cleaned)
        # UTF-8 with BOM: Excel on Chinese Windows then reads the Chinese correctly.
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
        extension = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{extension}"'
    return response
