"""The report's file formats: which there are, their content types and the one file-name rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext as _

from ..models import ReportFormat
from . import csv, html, pdf, xlsx
from .rows import WeeklyReport

FORMATS: tuple[str, ...] = tuple(ReportFormat.values)
CONTENT_TYPES: dict[str, str] = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


class _Named(Protocol):
    file_stem: str


def file_name(report: _Named, fmt: str) -> str:
    """The name of a report's file in `fmt`, for a report being built or one issued earlier."""
    return f"{report.file_stem}.{fmt}"


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, validated, in the canonical order and without repeats."""
    wanted = {f.strip().lower() for f in formats if f and f.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(
            _("Unknown format %(formats)s: choose from %(choices)s.")
            % {"formats": ", ".join(unknown), "choices": ", ".join(FORMATS)}
        )
    if not wanted:
        raise ValueError(
            _("Choose at least one format: %(choices)s.") % {"choices": ", ".join(FORMATS)}
        )
    return [f for f in FORMATS if f in wanted]


def render_bytes(report: WeeklyReport, fmt: str) -> bytes:
    if fmt == ReportFormat.HTML:
        return html.render_html(report).encode("utf-8")
    if fmt == ReportFormat.PDF:
        return pdf.render_pdf(report)
    if fmt == ReportFormat.XLSX:
        return xlsx.render_xlsx(report)
    if fmt == ReportFormat.CSV:
        return b"".join(csv.iter_csv(report))
    raise ValueError(_("Unknown format %(format)s.") % {"format": fmt})
