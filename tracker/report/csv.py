"""The CSV writer: the full table of open commitments, streamed."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from .columns import Cells, cell, columns_open
from .rows import WeeklyReport

CSV_BOM = "\ufeff"
CSV_BATCH = 500


class _Line:
    """A file-like object that hands back what csv.writer writes, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


def _format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _format_datetime(value: datetime.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def iter_csv(report: WeeklyReport) -> Iterator[bytes]:
    """The full table of open commitments as UTF-8 CSV with a BOM, a batch of lines at a time."""
    writer = csv.writer(_Line())
    header = [str(label) for label, _width in columns_open()]
    yield (CSV_BOM + writer.writerow([cell(v) for v in header])).encode("utf-8")
    cells = Cells()
    value = cells.value
    batch: list[str] = []
    for row in report.open_rows:
        values = cells.open_values(row)
        values[8] = _format_date(row.target_date)
        values[9] = _format_datetime(row.last_update)
        batch.append(writer.writerow([value(v) for v in values]))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")
