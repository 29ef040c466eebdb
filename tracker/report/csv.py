"""The CSV writer: the full table of open commitments, streamed."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from .columns import Cells, cell, columns_open
from .rows import WeeklyReport, cyclic_gc_paused

CSV_BOM = "\ufeff"
CSV_BATCH = 500


def _format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _format_datetime(value: datetime.datetime | None) -> str:
    # strftime("%Y-%m-%d %H:%M") at a fraction of its cost per row.
    if not value:
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def iter_csv(report: WeeklyReport) -> Iterator[bytes]:
    """The full table of open commitments as UTF-8 CSV with a BOM, a batch of lines at a time."""
    cells = Cells()
    # Each column's cell worked out by what the column holds, not by a test of each value's type:
    # `Cells.text` is `cell` for text; the dates are written as text, in the report's zone.
    text = cells.text
    status, confidence = cells.status, cells.confidence
    out = io.StringIO()
    writer = csv.writer(out)

    def written() -> bytes:
        chunk = out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
        return chunk

    writer.writerow([cell(str(label)) for label, _width in columns_open()])
    yield CSV_BOM.encode("utf-8") + written()
    rows = report.open_rows
    for begin in range(0, len(rows), CSV_BATCH):
        # A batch's rows are built and written with the cycle collector paused; it runs again
        # between batches, while the response sends them.
        with cyclic_gc_paused():
            writer.writerows(
                (
                    row.pk,
                    text(row.title),
                    text(row.themes_text),
                    text(row.origin_text),
                    text(row.owner),
                    text(row.division),
                    text(status.get(row.status, row.status)),
                    text(confidence.get(row.confidence, "")),
                    _format_date(row.target_date),
                    _format_datetime(row.last_update),
                    text(row.next_step),
                )
                for row in rows[begin : begin + CSV_BATCH]
            )
            chunk = written()
        yield chunk
