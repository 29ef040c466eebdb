"""Reading the reports issued so far: the last revision of a week, and the archive's list."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import Division, IssuedReport, IssuedReportFile, Theme


def latest_issue(
    *, week: str, division: Division | None, theme: Theme | None
) -> IssuedReport | None:
    """The last issued revision of `week` with these filters, if any."""
    # filter(division=None) reads "all divisions" (IS NULL), as it was issued.
    return (
        IssuedReport.objects.filter(week=week, division=division, theme=theme)
        .select_related("issued_by", "division", "theme")
        .order_by("-revision")
        .first()
    )


def issued_reports() -> QuerySet[IssuedReport]:
    """Every issued report, newest first, with its files but not their bytes."""
    return IssuedReport.objects.select_related("issued_by", "division", "theme").prefetch_related(
        Prefetch("files", queryset=IssuedReportFile.objects.defer("content").order_by("format"))
    )
