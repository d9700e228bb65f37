"""CSV and XLSX exports: no cell a spreadsheet would run as a formula, values kept as values."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from governance_portal.exports import XLSX_TYPE, export_response, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x")',
        "+8613800000001",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["恒大社区", "a=b", "1+1", "", "'already quoted", " =1"])
def test_ordinary_text_is_unchanged(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("number", [0, 42, -5, 3.5, -0.25, Decimal("100.00"), Decimal("-7.50")])
def test_numbers_are_left_as_numbers(number):
    result = neutralise(number)

    assert result == number
    assert type(result) is type(number)


def test_dates_are_written_as_iso_dates():
    assert neutralise(date(2025, 3, 1)) == "2025-03-01"


def test_datetimes_are_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    assert neutralise(datetime(2025, 3, 1, 2, 30, tzinfo=UTC)) == "2025-03-01 10:30"


def test_empty_values_and_booleans():
    assert neutralise(None) == ""
    assert neutralise(True) == "✓"
    assert neutralise(False) == ""


def test_lazy_translations_become_text():
    result = neutralise(gettext_lazy("Social organisation"))

    assert isinstance(result, str)
    assert result


def test_any_object_is_neutralised_through_its_text():
    class Named:
        def __str__(self):
            return "=1+1"

    assert neutralise(Named()) == "'=1+1"


ROWS = [["=cmd", Decimal("12.50"), date(2025, 1, 2), None, True], ["恒大社区", 3, "-1", "", False]]


def test_a_csv_export_has_a_bom_and_neutralised_cells():
    response = export_response(
        filename="test", header=["名称", "b", "c", "d", "e"], rows=ROWS, file_format="csv"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="test-')
    assert response["Content-Disposition"].endswith('.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [
        ["名称", "b", "c", "d", "e"],
        ["'=cmd", "12.50", "2025-01-02", "", "✓"],
        ["恒大社区", "3", "'-1", "", ""],
    ]


def test_an_xlsx_export_keeps_numbers_and_neutralises_text():
    response = export_response(
        filename="test", header=["a", "b", "c", "d", "e"], rows=ROWS, file_format="xlsx"
    )

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "'=cmd"
    assert values[1][1] == 12.5
    assert values[1][2] == "2025-01-02"
    assert values[2][1] == 3
    assert values[2][2] == "'-1"
    # No cell was stored as a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_export_of_no_rows_has_just_the_header():
    response = export_response(filename="empty", header=["a"], rows=[], file_format="csv")

    assert response.content.decode("utf-8") == "\ufeffa\r\n"
