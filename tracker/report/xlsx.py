"""The XLSX writer: one sheet per section of the report, plus the parameters it was built with.

XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as the next one
starts, so a report of 10,000 commitments takes a few megabytes, not the hundreds openpyxl's
object per cell needed, and writes in a fraction of the time (docs/reports.md, "Speed").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.utils.translation import gettext as _

from ..cells import safe_text
from ..xlsx_rows import RowsWorksheet, column_letters
from .columns import Cells, cell, columns_open
from .rows import MeetingRow, WeeklyReport, without_cyclic_gc

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Local wall-clock time, as the report prints it; a date alone for a date.
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


_DIGIT_PIXELS = 7


@without_cyclic_gc
def render_xlsx(report: WeeklyReport) -> bytes:
    """One sheet per section, with a bold frozen header, an autofilter and real dates.

    The bytes depend only on the report: the workbook's creation time is the report's own
    generation time (XlsxWriter would write the clock's), and the archive's entries carry a fixed
    time, so an issued file is reproducible from the same report.
    """
    import xlsxwriter

    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            # Text is text: never a formula, a link or a number, whatever it starts with.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": DATE_FORMAT})
    datetime_format = workbook.add_format({"num_format": DATETIME_FORMAT})
    names: set[str] = set()
    cells = Cells()
    open_values = cells.open_values
    status, confidence = cells.status, cells.confidence

    def sheet(title: str, columns: list[tuple[str, float]], rows: Iterable[list]) -> None:
        name = _SHEET_NAME_BAD.sub(" ", title)[:31]
        while name in names:
            name = name[:29] + "_" + str(len(names))
        names.add(name)
        ws = workbook.add_worksheet(name, worksheet_class=RowsWorksheet)
        for index, (_label, width) in enumerate(columns):
            # In pixels of a 7-pixel digit, so that the file holds the width itself, as before:
            # XlsxWriter's set_column() would add Excel's cell padding to it.
            ws.set_column_pixels(index, index, round(width * _DIGIT_PIXELS))
        ws.freeze_panes(1, 0)
        ws.write_row(0, 0, [cell(str(label)) for label, _width in columns], bold)
        count = 0
        for count, values in enumerate(rows, start=1):  # noqa: B007
            # Each value as `cell` makes it (text escaped and cut, times in the file's zone).
            ws.write_values(
                count, cells.row(values), date_format=date_format, datetime_format=datetime_format
            )
        ws.autofilter(f"A1:{column_letters(len(columns) - 1)}{count + 1}")

    counts = [
        *((_("Status"), r) for r in report.status_counts),
        *((_("Confidence (open items)"), r) for r in report.confidence_counts),
        (_("Total"), report.open_total),
        (_("Total"), report.total),
    ]
    sheet(
        _("Summary"),
        [
            (_("Measure"), 26),
            (_("Item"), 24),
            (_("This week"), 12),
            (_("Previous week"), 14),
            (_("Change"), 10),
        ],
        ([str(m), str(r.label), r.count, r.previous, r.change] for m, r in counts),
    )
    sheet(
        _("What changed"),
        [
            (_("Time"), 17),
            (_("ID"), 8),
            (_("Commitment"), 48),
            (_("Status from"), 14),
            (_("Status to"), 14),
            (_("Confidence from"), 18),
            (_("Confidence to"), 18),
            (_("Author"), 18),
            (_("Note"), 60),
        ],
        (
            [
                c.at,
                c.commitment.pk,
                c.commitment.title,
                # The labels in the reader's language, looked up once per file (`Cells`).
                status.get(c.status_from, c.status_from),
                status.get(c.status_to, c.status_to),
                confidence.get(c.confidence_from, c.confidence_from),
                confidence.get(c.confidence_to, c.confidence_to),
                c.author,
                c.note,
            ]
            for c in report.changes
        ),
    )
    sheet(
        _("New commitments"),
        [(_("Created"), 17), *columns_open()],
        ([r.created_at, *open_values(r)] for r in report.new_commitments),
    )
    sheet(
        _("Meetings held"),
        [
            (_("Start"), 17),
            (_("Meeting"), 44),
            (_("Series"), 30),
            (_("Place"), 18),
            (_("ID"), 8),
            (_("Commitment followed up"), 48),
            (_("Outcome"), 18),
            (_("Note"), 48),
            (_("Recorded by"), 18),
        ],
        _meeting_rows(report.meetings_held),
    )
    sheet(
        _("Needs attention"),
        [(_("Reason"), 26), *columns_open()],
        ([str(g.label), *open_values(r)] for g in report.attention for r in g.rows),
    )
    sheet(
        _("Coming up"),
        [
            (_("Start"), 17),
            (_("Meeting"), 44),
            (_("Series"), 30),
            (_("Place"), 18),
            *columns_open(),
        ],
        _upcoming_rows(report.upcoming, cells),
    )
    sheet(_("Open commitments"), columns_open(), (open_values(r) for r in report.open_rows))
    sheet(
        _("About"),
        [(_("Parameter"), 20), (_("Value"), 60)],
        [
            [_("Week"), report.week],
            [_("From"), report.first_day],
            [_("To"), report.last_day],
            [_("Division"), report.division.name if report.division else _("All divisions")],
            [_("Theme"), report.theme.name if report.theme else _("All themes")],
            [_("Generated"), report.generated_at],
            [_("State as of"), report.end],
            [_("Revision"), report.revision],
            [_("Journal entries"), report.journal_seq],
            [_("Journal chain head"), report.journal_hash],
        ],
    )
    workbook.set_properties(
        {
            "title": safe_text(str(report.filters_text)),
            # XlsxWriter writes the clock's time unless told; the report's time keeps the bytes
            # the same for the same report.
            "created": report.generated_at.astimezone(datetime.UTC).replace(tzinfo=None),
        }
    )
    workbook.close()
    return buffer.getvalue()


def _meeting_rows(meetings: list[MeetingRow]) -> Iterator[list]:
    for m in meetings:
        head = [m.starts_at, m.title, m.series, m.place]
        if not m.follow_ups:
            yield [*head, None, "", "", "", ""]
        for f in m.follow_ups:
            yield [
                *head,
                f.commitment.pk,
                f.commitment.title,
                str(f.outcome_label),
                f.note,
                f.recorded_by,
            ]


def _upcoming_rows(meetings: list[MeetingRow], cells: Cells) -> Iterator[list]:
    blank = [None] * len(columns_open())
    for m in meetings:
        head = [m.starts_at, m.title, m.series, m.place]
        if not m.briefing:
            yield [*head, *blank]
        for r in m.briefing:
            yield [*head, *cells.open_values(r)]
