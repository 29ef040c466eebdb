"""The XLSX row writer (tracker/xlsx_rows.py) writes what XlsxWriter's own calls write."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
import xlsxwriter
from openpyxl import load_workbook

from tracker.xlsx_rows import RowsWorksheet

CREATED = datetime.datetime(2026, 1, 15, 12, 0)
TEXTS = [
    "plain",
    " leading space",
    "trailing space ",
    "\u3000全角の空白",
    "tab\tinside",
    "line\nbreak\n",
    "carriage\r\nreturn\rs",
    "a & b < c > d \"quoted\" 'single'",
    "_x0041_ is Excel's own escape, _x00e9_ too",
    "control \x01\x1f characters",
    "=1+1",
    "日米同盟の抑止力・対処力の強化",
    "emoji 🇯🇵 and 𠮷",
    "<b>not markup</b>",
    "𠮷" * 20_000,  # past Excel's limit in UTF-16 units: cut there, never inside a character
]
VALUES = [
    0,
    7,
    -3,
    10**12,
    datetime.date(2026, 3, 31),
    datetime.date(1900, 2, 28),
    datetime.date(1900, 3, 1),
    datetime.datetime(2025, 11, 26, 15, 0),
    datetime.datetime(2026, 1, 1, 0, 0),
    datetime.datetime(2026, 7, 29, 14, 43, 17, 123456),
    None,
    "",
]


def _workbook(buffer, rows, write_row):
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    formats = (
        book.add_format({"num_format": "yyyy-mm-dd"}),
        book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    sheet = book.add_worksheet("Rows", worksheet_class=RowsWorksheet)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, ["Heading", "Value", "Third"], bold)
    for number, values in enumerate(rows, start=1):
        write_row(sheet, number, values, *formats)
    sheet.autofilter(0, 0, len(rows), 2)
    book.set_properties({"created": CREATED})
    book.close()
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def _fast(sheet, row, values, date_format, datetime_format):
    sheet.write_values(row, values, date_format=date_format, datetime_format=datetime_format)


def _by_xlsxwriter(sheet, row, values, date_format, datetime_format):
    # What the writers called before, one public call per cell.
    for col, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            sheet.write_string(row, col, value.replace("\r\n", "\n").replace("\r", "\n"))
        elif isinstance(value, datetime.datetime):
            sheet.write_datetime(row, col, value, datetime_format)
        elif isinstance(value, datetime.date):
            sheet.write_datetime(row, col, value, date_format)
        else:
            sheet.write_number(row, col, value)


def _rows():
    # Every text and value in every column, with gaps, so that used ranges differ by row.
    rows = [[text, value, text] for text, value in zip(TEXTS, VALUES * 2, strict=False)]
    rows += [[None, value, None] for value in VALUES]
    rows += [[None, None, None], ["only the first"], ["", "", "last only"]]
    return rows


def test_the_rows_are_the_bytes_xlsxwriter_writes():
    rows = _rows()
    fast = _workbook(io.BytesIO(), rows, _fast)
    reference = _workbook(io.BytesIO(), rows, _by_xlsxwriter)
    assert fast.namelist() == reference.namelist()
    for name in reference.namelist():
        assert fast.read(name) == reference.read(name), name


def test_text_framed_like_markup_is_text():
    # XlsxWriter would copy "<r>…</r>" into the file unescaped: an unreadable file.
    markup = ["<r><x></r>", "<r>a & b</r>", "<r><t>x</t></r>"]
    buffer = io.BytesIO()
    _workbook(buffer, [[text] for text in markup], _fast)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Rows"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == markup


def test_rows_need_constant_memory():
    book = xlsxwriter.Workbook(io.BytesIO())
    sheet = book.add_worksheet(worksheet_class=RowsWorksheet)
    with pytest.raises(ValueError, match="constant-memory"):
        sheet.write_values(1, ["x"], date_format=None, datetime_format=None)
    book.close()
