"""An XlsxWriter worksheet that writes a row of plain values as its XML in one go.

In constant-memory mode XlsxWriter keeps each cell as a tuple until the next row begins, then
writes it through a call per attribute and three regular expressions: about 9 µs a cell, most
of the time a 10,000-row XLSX takes. `RowsWorksheet.write_values` writes the XML XlsxWriter
writes for the same calls (tests/test_xlsx_rows.py compares the files byte for byte) for the
values our files hold: text, whole numbers, dates and times. One difference, on purpose: text
that starts with "<r>" and ends with "</r>" is escaped like any other, where XlsxWriter would
copy it into the file unescaped as a "rich string" and a title like "<r><x></r>" would make
the file unreadable.
"""

from __future__ import annotations

import datetime
import re

from xlsxwriter.worksheet import Worksheet

# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was (as XlsxWriter does).
_EPOCH = datetime.datetime(1899, 12, 31)
_EPOCH_DATE = _EPOCH.date()
_FALSE_LEAP_DAY = 59
_DAY = datetime.timedelta(days=1)
# Excel's limit for the text of one cell, in UTF-16 units.
_TEXT_LIMIT = 32_767
# What XlsxWriter escapes in text (xlsxwriter.xmlwriter, xlsxwriter.utility): a literal "_xHHHH_"
# (Excel's escape of a control character) gets its underscore escaped, control characters become
# "_xHHHH_", leading or trailing white space is kept with xml:space="preserve".
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_XML_SPECIAL = re.compile("[&<>]")
_LEADING_SPACE = re.compile(r"^\s")
_TRAILING_SPACE = re.compile(r"\s$")


def excel_serial(value: datetime.date | datetime.datetime) -> float:
    """A naive date or time as Excel's day number (the 1900 date system)."""
    if value.__class__ is datetime.date:
        days = (value - _EPOCH_DATE).days
    else:
        days = (value - _EPOCH) / _DAY
    return days + 1 if days > _FALSE_LEAP_DAY else days


def column_letters(col: int) -> str:
    """A column's letters, 0 → A."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _utf16_cut(text: str) -> str:
    # As XlsxWriter cuts: at Excel's limit in UTF-16 units, never inside a character.
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > _TEXT_LIMIT:
            return text[:index]
    return text


def _inline_text(ref: str, text: str) -> str:
    if "\r" in text:
        # A carriage return reads as a line feed in XML text; XlsxWriter would keep an escape
        # that some readers show as "_x000D_".
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > _TEXT_LIMIT // 2:
        text = _utf16_cut(text)
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    preserve = (
        ' xml:space="preserve"'
        if _LEADING_SPACE.search(text) or _TRAILING_SPACE.search(text)
        else ""
    )
    if _XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


class RowsWorksheet(Worksheet):
    """A worksheet of a constant-memory workbook (`workbook.add_worksheet(name,
    worksheet_class=RowsWorksheet)`) whose body rows are written by `write_values`; the header
    and everything else through XlsxWriter's own calls. Rows must come in order, after the
    header, as constant-memory mode requires anyway."""

    def __init__(self) -> None:
        super().__init__()
        self._letters: list[str] = []

    def write_values(self, row: int, values: list, *, date_format, datetime_format) -> None:
        """One row: text, int, naive datetime, date, or None and "" for an empty cell; anything
        else as its text. Text must hold legal XML characters only (`tracker.cells.safe_text`
        gives such text): there is no cell for a lone surrogate."""
        if not self.constant_memory:
            raise ValueError("RowsWorksheet writes rows only in constant-memory mode.")
        if row > self.previous_row:
            # The row XlsxWriter still holds (the header) goes out first, as its next call would.
            self._write_single_row(row)
        letters = self._letters
        while len(letters) < len(values):
            letters.append(column_letters(len(letters)))
        number = str(row + 1)
        cells = []
        first = last = None
        for col, value in enumerate(values):
            kind = value.__class__
            if value is None or value == "":
                continue
            ref = letters[col] + number
            if kind is str:
                cells.append(_inline_text(ref, value))
            elif kind is int:
                cells.append(f'<c r="{ref}"><v>{value:.16G}</v></c>')
            elif kind is datetime.datetime or kind is datetime.date:
                style = (date_format if kind is datetime.date else datetime_format)._get_xf_index()
                cells.append(f'<c r="{ref}" s="{style}"><v>{excel_serial(value):.16G}</v></c>')
            else:
                cells.append(_inline_text(ref, str(value)))
            if first is None:
                first = col
            last = col
        if first is None:
            return
        # The sheet's used range, as XlsxWriter's own calls would have widened it; a row past
        # the sheet's last is left out, as XlsxWriter leaves out its cells.
        if self._check_dimensions(row, first) or self._check_dimensions(row, last):
            return
        self.fh.write(f'<row r="{number}">{"".join(cells)}</row>')
