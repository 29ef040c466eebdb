"""An uploaded CSV or XLSX read into a table, and refused before any of its rows is read when it
cannot be one.

Clerks save files from Excel on Japanese Windows: a CSV may be UTF-8 (with or without a BOM) or
Shift_JIS (cp932), and the format picked on the form is often not the file's. So the format and
the encoding are read from the file's content. A file is refused, with a message that says what to
do, if it is larger than IMPORT_MAX_BYTES, holds more than IMPORT_MAX_ROWS rows, would unzip to
more than a workbook of that size can (a zip bomb), or is neither CSV nor XLSX. Reading stops at
the cap, so a huge file costs no more than a file at the cap.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from typing import Any

import openpyxl
import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from ..cells import unescape_cell

logger = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# Workbook XML compresses about tenfold; what unzips to more than this is not a table of the
# allowed size but a zip bomb.
UNZIP_FACTOR = 10
# openpyxl reads the shared strings and the styles whole, at some 25 µs an element: a part may
# hold as many tags as a sheet at the row cap could need (32 columns, 8 tags a cell).
TAGS_PER_ROW = 32 * 8
# Empty (formatted) rows below the data are skipped; a sheet may have this many rows per allowed
# row before it is refused, so that a million empty rows cannot hold a worker either.
BLANK_ROWS_FACTOR = 10


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 1000)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(count)s KB") % {"count": max(1, round(size / 1024))}
    return _("%(count)s MB") % {"count": f"{size / (1024 * 1024):.1f}".removesuffix(".0")}


class ImportFileError(ValueError):
    """A file refused before its rows are read; the message tells the clerk what to do."""


def size_error(size: int) -> str:
    return _(
        "The file is %(size)s; an import takes at most %(max)s. Split it into several files."
    ) % {"size": size_text(size), "max": size_text(max_bytes())}


def read_table(data: bytes) -> tablib.Dataset:
    """The first sheet of an XLSX, or a CSV, as a dataset of at most IMPORT_MAX_ROWS rows."""
    if len(data) > max_bytes():
        raise ImportFileError(size_error(len(data)))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        rows = _xlsx_rows(data)
    elif data.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _(
                "This is an Excel 97-2003 workbook (.xls). Save it as “Excel Workbook (.xlsx)” "
                "or “CSV UTF-8” and import that."
            )
        )
    else:
        rows = _csv_rows(data)
    return _dataset(rows)


def _xlsx_rows(data: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(
            _("The file looks like an XLSX workbook but cannot be opened: save it again in Excel.")
        ) from None
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise ImportFileError(
            _("This is a zip file, not an Excel workbook: import an .xlsx or a CSV file.")
        )
    # The sizes in the zip's directory bound what unzipping can produce: zipfile stops at the
    # declared size and checks the CRC.
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > max_bytes() * UNZIP_FACTOR or len(entries) > 1000:
        raise ImportFileError(
            _(
                "The workbook unzips to %(size)s, far more than a table of this size holds. "
                "Save the data alone as a new workbook or as CSV UTF-8."
            )
            % {"size": size_text(unzipped)}
        )
    for entry in entries:
        if _WORKSHEET.fullmatch(entry.filename):
            _check_sheet_size(archive, entry)
        elif entry.filename.endswith((".xml", ".rels")):
            _check_part_size(archive, entry)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a damaged workbook fails in many ways inside openpyxl
        logger.info("Unreadable XLSX import", exc_info=True)
        raise ImportFileError(
            _("The workbook cannot be read: open it in Excel, save it again and import it.")
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet of cells."))
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - as above, for the sheet's XML
        logger.info("Unreadable XLSX sheet", exc_info=True)
        raise ImportFileError(
            _("The workbook cannot be read: open it in Excel, save it again and import it.")
        ) from None
    finally:
        workbook.close()


_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# <dimension ref="A1:M2001"/>: the last row of the used range, written near the top of the sheet.
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')


def _check_sheet_size(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse a sheet by its declared size, before openpyxl reads it.

    Excel states the used range at the top of each sheet. A sheet without it would be read to
    its end by openpyxl just to learn its size, so it may only be as large as a file may be.
    """
    with archive.open(entry) as sheet:
        head = sheet.read(16_384)
    head = head.split(b"<sheetData", 1)[0]
    if match := _DIMENSION.search(head):
        if int(match.group(1)) > max_rows() * BLANK_ROWS_FACTOR:
            raise ImportFileError(too_many_rows_error(int(match.group(1))))
    elif entry.file_size > max_bytes():
        raise ImportFileError(
            _(
                "The workbook's sheet does not state its size and is too large to read through "
                "(%(size)s). Open it in Excel, save it again and import it."
            )
            % {"size": size_text(entry.file_size)}
        )


def _check_part_size(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse a part (shared strings, styles) that holds more XML than a table at the caps."""
    limit, tags = (max_rows() + 1) * TAGS_PER_ROW, 0
    with archive.open(entry) as part:
        while chunk := part.read(1 << 20):
            tags += chunk.count(b"<")
            if tags > limit:
                raise ImportFileError(
                    _(
                        "The workbook holds far more text or formatting than %(max)s rows need. "
                        "Copy the data alone to a new workbook or save it as CSV UTF-8."
                    )
                    % {"max": max_rows()}
                )


def too_many_rows_error(count: int) -> str:
    return _(
        "The sheet has %(count)s rows; an import takes at most %(max)s. Split it into several "
        "files, or delete the empty rows below the data."
    ) % {"count": count, "max": max_rows()}


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _("The file is saved as Unicode text (UTF-16): save it as “CSV UTF-8” and import it.")
        )
    # cp932 is Shift_JIS as Windows writes it: what Excel's plain "CSV" means in Japan.
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _(
            "The file is neither an XLSX workbook nor a CSV in UTF-8 or Shift_JIS. Save it from "
            "Excel as “CSV UTF-8” or “Excel Workbook (.xlsx)” and import that."
        )
    )


def _csv_rows(data: bytes):
    text = _decode(data)
    if "\x00" in text:
        raise ImportFileError(
            _(
                "The file contains NUL characters, so it is not a CSV text file. Save it from "
                "Excel as “CSV UTF-8” or “Excel Workbook (.xlsx)” and import that."
            )
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None


def _dataset(rows) -> tablib.Dataset:
    rows = iter(rows)
    header_row = next(rows, None)
    if header_row is None:
        raise ImportFileError(_("The file is empty."))
    headers = ["" if cell is None else str(cell).strip() for cell in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_("The first row must name the columns; it is empty."))
    if len(set(headers)) != len(headers):
        twice = sorted({name for name in headers if headers.count(name) > 1})
        raise ImportFileError(
            _("These columns are in the first row more than once: %(columns)s.")
            % {"columns": ", ".join(twice) or _("(empty name)")}
        )
    width, cap = len(headers), max_rows()
    kept: list[list[Any]] = []
    blanks = scanned = 0
    for number, row in enumerate(rows, start=2):
        scanned += 1
        if scanned > cap * BLANK_ROWS_FACTOR:
            raise ImportFileError(
                _(
                    "The sheet has more than %(count)s rows, most of them empty. Delete the empty "
                    "rows below the data (or copy the data to a new sheet) and import again."
                )
                % {"count": cap * BLANK_ROWS_FACTOR}
            )
        cells = [unescape_cell(cell) for cell in row]
        if any(not _empty(cell) for cell in cells[width:]):
            raise ImportFileError(
                _("Row %(row)s has values in columns that the first row does not name.")
                % {"row": number}
            )
        cells = (cells[:width] + [None] * width)[:width]
        if all(_empty(cell) for cell in cells):
            blanks += 1
            continue
        kept.extend([[None] * width] * blanks)
        blanks = 0
        kept.append(cells)
        if len(kept) > cap:
            raise ImportFileError(
                _(
                    "The file has more than %(max)s rows; an import takes at most %(max)s. "
                    "Split it into several files."
                )
                % {"max": cap}
            )
    dataset = tablib.Dataset(headers=headers)
    for cells in kept:
        dataset.append(cells)
    return dataset


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class CSVFile(base_formats.CSV):
    """CSV in and out. Read as bytes whatever the choice on the form, decoded from its content;
    written with a BOM, so that Excel in Japanese opens it as UTF-8."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        return read_table(in_stream)

    def export_data(self, dataset, **kwargs):
        return super().export_data(dataset, **kwargs).encode("utf-8-sig")


class XLSXFile(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return read_table(in_stream)


def detected_format(data: bytes) -> type[base_formats.Format]:
    return XLSXFile if data.startswith(ZIP_MAGIC) else CSVFile
