"""The CSV writer: the full table of open commitments, streamed."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from .columns import Cells, cell, columns_open
from .rows import WeeklyReport, cyclic_gc_paused

CSV_BOM = "\ufeff"
CSV_BATCH = 500


class _Line:
    """A file-like object that hands back what csv.writer writes, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def _format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _format_datetime(value: datetime.datetime | None) -> str:
    # strftime("%Y-%m-%d %H:%M") at a fraction of its cost per row.
    if not value:
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def iter_csv(report: WeeklyReport) -> Iterator[bytes]:
    """The full table of open commitments as UTF-8 CSV with a BOM, a batch of lines at a time."""
    writer = csv.writer(_Line())
    header = [str(label) for label, _width in columns_open()]
    yield (CSV_BOM + writer.writerow([cell(v) for v in header])).encode("utf-8")
    cells = Cells()
    value = cells.value
    open_values = cells.open_values
    rows = report.open_rows
    for begin in range(0, len(rows), CSV_BATCH):
        # A batch's rows are built and written with the cycle collector paused; it runs again
        # between batches, while the response sends them.
        with cyclic_gc_paused():
            lines = []
            for row in rows[begin : begin + CSV_BATCH]:
                values = open_values(row)
                values[8] = _format_date(row.target_date)
                values[9] = _format_datetime(row.last_update)
                lines.append(writer.writerow([value(v) for v in values]))
            chunk = "".join(lines).encode("utf-8")
        yield chunk
