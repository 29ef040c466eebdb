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


FULL = Layout()


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
