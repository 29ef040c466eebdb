"""The HTML writer, and the layout the report's templates share with the page and the PDF.

The page in the app, the standalone HTML file and the PDF render the same section templates
(templates/tracker/report/); they differ in their wrapper and in the `Layout` they pass, which says
how much of each table to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..cells import safe_text
from .rows import WeeklyReport

# The tables the PDF may cut, by the name the templates use.
TABLES = ("changes", "new_commitments", "attention", "briefing", "open")


@dataclass(frozen=True, slots=True)
class Layout:
    """What the templates print of the report: on a screen and in the HTML file, all of it."""

    pdf: bool = False
    # Per table, the rows shown as a `slice` filter argument (":" is every row), and how many
    # rows are left out.
    rows: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TABLES, ":"))
    more: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    limit: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(TABLES))
    # Notes and next steps are cut at this length; 0 keeps them whole.
    text_limit: int = 0
    texts_cut: bool = False
    # False when the open commitments are too many to list: their count per theme instead.
    full_table: bool = True
    # The page in the app: each long table shows its first rows, with a link for more (the query
    # string of the page with more rows of that table); the downloads hold every row.
    paged: bool = False
    links: dict[str, str] = field(default_factory=dict)


FULL = Layout()

# The page shows this many rows of each long table, and as many more at each "Show more".
PAGE_ROWS = 50
# Past this a table is for the XLSX and the CSV: a page of thousands of rows took 13 s and 11 MB.
MAX_PAGE_ROWS = 1000
# The page's parameter for the rows shown of each table, and the section template it is in (the
# fragment that "Show more" asks for).
PAGED_TABLES = {
    "changes": ("changes", "changes"),
    "new_commitments": ("new", "changes"),
    "attention": ("attention", "attention"),
    "briefing": ("briefing", "coming_up"),
    "open": ("open", "open"),
}
SECTIONS = ("changes", "attention", "coming_up", "open")


def shown_rows(data) -> dict[str, int]:
    """The rows of each table the page is asked to show (`?open=100`), in steps, capped."""
    shown = {}
    for table, (parameter, _section) in PAGED_TABLES.items():
        text = str(data.get(parameter, ""))[:6]
        number = int(text) if text.isascii() and text.isdigit() else PAGE_ROWS
        shown[table] = min(max(PAGE_ROWS, number - number % PAGE_ROWS), MAX_PAGE_ROWS)
    return shown


# The length of each table: its longest list of rows.
_LONGEST = {
    "changes": lambda report: len(report.changes),
    "new_commitments": lambda report: len(report.new_commitments),
    "attention": lambda report: max((len(group.rows) for group in report.attention), default=0),
    "briefing": lambda report: max((len(m.briefing) for m in report.upcoming), default=0),
    "open": lambda report: max((len(group.rows) for group in report.open_by_theme), default=0),
}


def page_layout(
    report: WeeklyReport, *, shown: dict[str, int], query: str, section: str = ""
) -> Layout:
    """The page in the app: the first rows of each long table, and the link to more of them.

    With `section`, the layout of that section's tables alone, for its fragment: the report's
    other parts are then never worked out, and the other tables show no row.
    """
    tables = [t for t, (_p, in_section) in PAGED_TABLES.items() if section in ("", in_section)]
    longest = {table: _LONGEST[table](report) for table in tables}
    links = {}
    for table in tables:
        if shown[table] < min(longest[table], MAX_PAGE_ROWS + 1):
            more = {PAGED_TABLES[t][0]: n for t, n in shown.items() if n != PAGE_ROWS}
            more[PAGED_TABLES[table][0]] = shown[table] + PAGE_ROWS
            extra = "&".join(f"{name}={number}" for name, number in sorted(more.items()))
            links[table] = f"{query}&{extra}"
            links[f"{table}_section"] = PAGED_TABLES[table][1]
    return Layout(
        rows={table: f":{shown[table]}" if table in longest else ":0" for table in TABLES},
        more={table: max(0, longest.get(table, 0) - shown[table]) for table in TABLES},
        limit=dict(shown),
        paged=True,
        links=links,
    )


def page_context(report: WeeklyReport, *, layout: Layout = FULL) -> dict:
    """What the report's templates read, whichever wrapper renders them."""
    return {"report": report, "layout": layout}


def _report_css() -> str:
    # The downloaded HTML file must stand alone (it is archived and mailed), so it carries its CSS.
    path = Path(__file__).parent.parent / "static" / "tracker" / "report.css"
    return path.read_text(encoding="utf-8")


def render_html(report: WeeklyReport) -> str:
    """A standalone HTML document of the report, for download and for the issued archive."""
    # The CSS is our own static file, never user data, so it may go in unescaped.
    html = render_to_string(
        "tracker/report/standalone.html",
        {**page_context(report), "report_css": mark_safe(_report_css())},  # noqa: S308
    )
    # The markup holds no illegal character, so cleaning the whole document cleans the user text
    # in it, wherever a template puts it (a lone surrogate would not even encode as UTF-8).
    return safe_text(html)
