"""The columns and cells the spreadsheet formats share: the XLSX sheets and the CSV table."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from ..cells import safe_cell
from .rows import CommitmentRow
from .weeks import report_time_zone

# Excel's limit for the text of one cell: a longer cell makes it "repair" an XLSX and cut a CSV.
# Only text stored before the length limits can be this long.
XLSX_CELL_LIMIT = 32_767


def columns_open() -> list[tuple[str, float]]:
    """The columns of a commitment row, with their XLSX widths."""
    return [
        (_("ID"), 8),
        (_("Title"), 48),
        (_("Themes"), 24),
        (_("Origin meeting"), 36),
        (_("Owner"), 18),
        (_("Division"), 24),
        (_("Status"), 14),
        (_("Confidence"), 18),
        (_("Target date"), 12),
        (_("Last update"), 17),
        (_("Next step"), 48),
    ]


def open_values(row: CommitmentRow) -> list:
    return [
        row.pk,
        row.title,
        row.themes_text,
        row.origin_text,
        row.owner,
        row.division,
        str(row.status_label),
        str(row.confidence_label),
        row.target_date,
        row.last_update,
        row.next_step,
    ]


def _naive(value):
    # Spreadsheets have no time zones: write local wall-clock time, as printed in the report.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value, report_time_zone()).replace(tzinfo=None)
    return value


def cell(value):
    """A value for the XLSX or the CSV: never a formula, only legal characters, fits a cell."""
    value = safe_cell(_naive(value))
    if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - 1] + "…"
    return value
