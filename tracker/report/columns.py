"""The columns and cells the spreadsheet formats share: the XLSX sheets and the CSV table."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from ..cells import _ILLEGAL, FORMULA_PREFIXES, safe_cell
from ..models import Confidence, Status
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


def _cut(value):
    if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - 1] + "…"
    return value


def cell(value):
    """A value for the XLSX or the CSV: never a formula, only legal characters, fits a cell."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: local wall-clock time, as printed in the report.
        value = value.astimezone(report_time_zone()).replace(tzinfo=None)
    return _cut(safe_cell(value))


class Cells:
    """The cells of one file: `cell` for every value, with what repeats worked out once.

    Ten thousand rows share a few dozen owners, divisions, themes and labels; the time zone and
    the labels in the reader's language are read once per file, not once per cell.
    """

    def __init__(self) -> None:
        self.zone = report_time_zone()
        self.status = {value: str(label) for value, label in Status.choices}
        self.confidence = {value: str(label) for value, label in Confidence.choices}
        self._texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        """`cell(value)` for a string."""
        try:
            return self._texts[value]
        except KeyError:
            pass
        if _ILLEGAL.search(value) or value.startswith(FORMULA_PREFIXES) or len(value) > 4096:
            result = cell(value)
        else:
            result = value  # nothing for `cell` to change, without its two passes
        if len(self._texts) < 50_000:
            self._texts[value] = result
        return result

    def value(self, value):
        """`cell(value)`, with the file's zone and its remembered texts."""
        kind = value.__class__
        if kind is str:
            return self.text(value)
        if kind is datetime.datetime and value.tzinfo is not None:
            return value.astimezone(self.zone).replace(tzinfo=None)
        if kind is datetime.date or kind is datetime.datetime or kind is int or value is None:
            return value
        return cell(value)

    def row(self, values: list) -> list:
        value = self.value
        return [value(v) for v in values]

    def open_values(self, row: CommitmentRow) -> list:
        """A commitment row's values in the order of `columns_open`, before `value`."""
        return [
            row.pk,
            row.title,
            row.themes_text,
            row.origin_text,
            row.owner,
            row.division,
            self.status.get(row.status, row.status),
            self.confidence.get(row.confidence, ""),
            row.target_date,
            row.last_update,
            row.next_step,
        ]
