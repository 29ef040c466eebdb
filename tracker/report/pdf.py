"""The PDF writer: the report's HTML, capped for reading on paper, laid out by WeasyPrint."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from ..cells import safe_text
from .html import Layout, page_context
from .rows import WeeklyReport, cyclic_gc_paused

# The PDF is read, not searched: WeasyPrint lays out about 150 table rows a second, and no one reads
# thousands of rows on paper. Past these limits a table stops with "and N more", and the full
# lists are in the XLSX and CSV, which go out with the PDF.
PDF_ROW_LIMITS = {
    "changes": 150,
    "new_commitments": 60,
    "attention": 150,
    "briefing": 25,
    "open": 250,
}
# Layout time grows with the text: 150 changed commitments whose notes and next steps are at
# their length limits took 21 s to lay out with cells cut at 2,000 characters, 8 s cut at 500.
# A longer note or next step stops here with "…"; the XLSX has it in full.
PDF_TEXT_LIMIT = 500


def pdf_layout(report: WeeklyReport) -> Layout:
    """Per table: its limit and how many rows it leaves out."""
    sizes = {
        "changes": len(report.changes),
        "new_commitments": len(report.new_commitments),
        "attention": len(report.attention_rows),
        "open": len(report.open_rows),
    }
    limits = dict(PDF_ROW_LIMITS)
    texts = (
        *(change.note for change in report.changes),
        *(f.note for meeting in report.meetings_held for f in meeting.follow_ups),
        *(row.next_step for row in report.open_rows),
    )
    # The full table is all or nothing: cut per theme it would mislead; past its limit the PDF
    # gives the count per theme instead.
    return Layout(
        pdf=True,
        rows={name: f":{limit}" for name, limit in limits.items()},
        more={name: max(0, sizes.get(name, 0) - limits[name]) for name in limits},
        limit=limits,
        text_limit=PDF_TEXT_LIMIT,
        texts_cut=any(len(text) > PDF_TEXT_LIMIT for text in texts),
        full_table=sizes["open"] <= limits["open"],
    )


def _refuse_fetch(url: str, *args, **kwargs):
    # The PDF needs nothing from outside; refusing every fetch rules out a request to a URL that
    # user text might smuggle in.
    raise ValueError(f"The report PDF does not fetch {url!r}.")


def render_pdf(report: WeeklyReport) -> bytes:
    # WeasyPrint logs a line per page at INFO, which would flood the application log; set before
    # the import, which already logs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = render_to_string(
        "tracker/report_pdf.html", page_context(report, layout=pdf_layout(report))
    )
    # WeasyPrint allocates millions of objects, which set off full collections over the whole
    # heap, the report's states included: a quarter to a third of the PDF's time. Reference
    # counting frees them all the same (after three PDFs the collector found 43 objects left).
    with cyclic_gc_paused():
        return HTML(string=safe_text(html), url_fetcher=_refuse_fetch).write_pdf()
