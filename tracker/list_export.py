"""The commitment list as a file: every row the filters match, in the list's order, with the
columns the list shows (tracker/list_columns.py), as CSV or XLSX.

Cells go through the report's `cell` (tracker/cells.py's `safe_cell`, the XLSX length limit and
local time): a title typed as "=1+1" is text in the file, never a formula.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.utils import translation
from django.utils.translation import gettext as _

from .list_columns import COLUMNS, EXPORT_WIDTHS
from .models import Commitment
from .names import display_name
from .report.columns import Cells, cell
from .xlsx_rows import RowsWorksheet

CSV_BOM = "\ufeff"
# Rows per query of the export (and per query of the themes, when they are a column): memory
# stays flat however many rows match.
EXPORT_CHUNK = 2_000
CSV_BATCH = 500
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def export_rows(queryset, columns: tuple[str, ...]) -> Iterator[Commitment]:
    """The rows to write, read a chunk at a time; the themes only when they are a column."""
    queryset = queryset.prefetch_related(None)
    if "themes" in columns:
        queryset = queryset.prefetch_related("themes")
    return queryset.iterator(chunk_size=EXPORT_CHUNK)


def _headings(columns: tuple[str, ...]) -> list[str]:
    labels = {column.key: column.label for column in COLUMNS}
    return [_("ID"), _("Commitment"), *(str(labels[key]) for key in columns)]


class _Values:
    """A row's values for the chosen columns, through the report's `Cells` (escaping, the
    length limit, local time). What repeats across rows (the labels of statuses, the names of
    owners and divisions) is worked out once per file: ten thousand rows share a few dozen."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.cells = Cells()
        self.names: dict[tuple[type, int], str] = {}
        labels = self.cells.status, self.cells.confidence
        getters = {
            "meeting": lambda c: c.origin_meeting.title,
            "status": lambda c: labels[0].get(c.status, c.status),
            "confidence": lambda c: labels[1].get(c.confidence, c.confidence),
            "owner": lambda c: self.name(c.owner),
            "division": lambda c: self.name(c.lead_division),
            "themes": lambda c: ", ".join(self.name(theme) for theme in c.themes.all()),
            "target": lambda c: c.target_date,
            "updated": lambda c: c.last_update_at,
            "next_step": lambda c: c.next_step,
        }
        self.getters = [getters[key] for key in columns]

    def name(self, obj) -> str:
        if obj is None:
            return ""
        key = (obj.__class__, obj.pk)
        if key not in self.names:
            self.names[key] = display_name(obj)
        return self.names[key]

    def __call__(self, row: Commitment) -> list:
        value = self.cells.value
        return [row.pk, value(row.title), *(value(get(row)) for get in self.getters)]


class _Line:
    """Hands back what csv.writer writes, so that lines can be streamed."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def iter_csv(rows: Iterable[Commitment], columns: tuple[str, ...]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads Japanese right), a batch of lines at a time.

    Written in the language that was active when it was made: the lines are produced while the
    response streams, after the request's language handling is done."""
    language = translation.get_language()
    writer = csv.writer(_Line())
    header = [_csv_text(cell(label)) for label in _headings(columns)]
    yield (CSV_BOM + writer.writerow(header)).encode("utf-8")
    batch: list[str] = []
    with translation.override(language):
        values = _Values(columns)
        for row in rows:
            batch.append(writer.writerow([_csv_text(v) for v in values(row)]))
            if len(batch) >= CSV_BATCH:
                yield "".join(batch).encode("utf-8")
                batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def write_xlsx(target, rows: Iterable[Commitment], columns: tuple[str, ...]) -> None:
    """One sheet, a bold frozen header, an autofilter, real dates; written to `target` (a path
    or a file) in XlsxWriter's constant-memory mode, a row at a time."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            # Text is text: never a formula, a link or a number, whatever it starts with.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": _DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": _DATETIME_FORMAT})
    sheet = workbook.add_worksheet(_("Commitments")[:31], worksheet_class=RowsWorksheet)
    widths = [8, 48, *(EXPORT_WIDTHS[key] for key in columns)]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    headings = _headings(columns)
    sheet.write_row(0, 0, [cell(label) for label in headings], bold)
    last = 0
    values = _Values(columns)
    for last, row in enumerate(rows, start=1):  # noqa: B007
        sheet.write_values(
            last, values(row), date_format=date_format, datetime_format=datetime_format
        )
    sheet.autofilter(0, 0, last, len(headings) - 1)
    workbook.close()
