"""The XLSX writer: one sheet per section of the report, plus the parameters it was built with."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.utils.translation import gettext as _

from ..cells import safe_text
from .columns import cell, columns_open, open_values
from .rows import MeetingRow, WeeklyReport

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(report: WeeklyReport) -> bytes:
    """One sheet per section, with a bold frozen header, an autofilter and real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    names: set[str] = set()

    def sheet(title: str, columns: list[tuple[str, float]], rows: Iterable[list]) -> None:
        name = _SHEET_NAME_BAD.sub(" ", title)[:31]
        while name in names:
            name = name[:29] + "_" + str(len(names))
        names.add(name)
        ws = workbook.create_sheet(name)
        for index, (_label, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for label, _width in columns:
            heading = WriteOnlyCell(ws, value=cell(str(label)))
            heading.font = bold
            header.append(heading)
        ws.append(header)
        count = 0
        for values in rows:
            ws.append([cell(v) for v in values])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

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
                str(c.status_from_label),
                str(c.status_to_label),
                str(c.confidence_from_label),
                str(c.confidence_to_label),
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
        _upcoming_rows(report.upcoming),
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
        ],
    )
    workbook.properties.title = safe_text(str(report.filters_text))
    buffer = BytesIO()
    workbook.save(buffer)
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


def _upcoming_rows(meetings: list[MeetingRow]) -> Iterator[list]:
    blank = [None] * len(columns_open())
    for m in meetings:
        head = [m.starts_at, m.title, m.series, m.place]
        if not m.briefing:
            yield [*head, *blank]
        for r in m.briefing:
            yield [*head, *open_values(r)]
