"""The weekly status report: rows as of the end of an ISO week, then one writer per format.

- `weeks`: ISO weeks (parsing, the last complete week) in the configured time zone.
- `rows`: the dataclasses a report is made of (`WeeklyReport` and its rows).
- `building`: `build_report`, the state of every commitment at the end of a week.
- `sections`: each section's rows, chosen and ordered from those states.
- `formats`: the formats, their content types, the file name, `render_bytes`.
- `html`, `pdf`, `xlsx`, `csv`: one writer per format; `columns`: what XLSX and CSV share.
- `issued`: reading the reports issued so far.
- `forms`: the report page's parameters.

Issuing a report and e-mailing it are writes: `tracker.services.reports`. WeasyPrint and XlsxWriter
are imported only when a PDF or an XLSX is written, so importing this package stays light.
"""

from .building import build_report
from .columns import XLSX_CELL_LIMIT
from .csv import iter_csv
from .formats import CONTENT_TYPES, FORMATS, check_formats, file_name, render_bytes
from .html import render_html
from .issued import latest_issue
from .pdf import render_pdf
from .rows import AttentionGroup, CountRow, ThemeGroup, WeeklyReport
from .sections import UPCOMING_DAYS
from .weeks import (
    FIRST_YEAR,
    LAST_YEAR,
    last_complete_week,
    normalise_week,
    parse_iso_week,
    report_time_zone,
    week_label,
)
from .xlsx import render_xlsx

__all__ = [
    "CONTENT_TYPES",
    "FIRST_YEAR",
    "FORMATS",
    "LAST_YEAR",
    "UPCOMING_DAYS",
    "XLSX_CELL_LIMIT",
    "AttentionGroup",
    "CountRow",
    "ThemeGroup",
    "WeeklyReport",
    "build_report",
    "check_formats",
    "file_name",
    "iter_csv",
    "last_complete_week",
    "latest_issue",
    "normalise_week",
    "parse_iso_week",
    "render_bytes",
    "render_html",
    "render_pdf",
    "render_xlsx",
    "report_time_zone",
    "week_label",
]
