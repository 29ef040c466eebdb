"""Weekly reports as they were issued, kept byte for byte."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ReportFormat
from .fields import once_per, optional_key
from .reference import Division, Theme


def report_file_stem(
    *, week: str, division: Division | None, theme: Theme | None, revision: int = 1
) -> str:
    """The name of a weekly report's files, without the extension: what the filters and the
    revision make it ("weekly-report-2026-W48-security-r2"), wherever it is written."""
    parts = ["weekly-report", week]
    if division:
        parts.append(division.code)
    if theme:
        parts.append(theme.code)
    if revision > 1:
        parts.append(f"r{revision}")
    return "-".join(parts)


class IssuedReport(models.Model):
    """A weekly report as it was circulated: who issued it, for what, and the very bytes sent.

    The files live in the database, not on a disk, because the app keeps no state in its processes
    and PostgreSQL is the one store that is backed up.
    """

    issued_by = optional_key(
        settings.AUTH_USER_MODEL,
        _("issued by"),
        related_name="issued_reports",
        help_text=_("Empty when the report was issued by the scheduled command."),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2026-W48."))
    division = optional_key(Division, _("division"), related_name="issued_reports")
    theme = optional_key(Theme, _("theme"), related_name="issued_reports")
    revision = models.PositiveSmallIntegerField(
        _("revision"),
        default=1,
        help_text=_(
            "1 for the first issue of a week with these filters; 2, 3 … for each re-issue."
        ),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        constraints = [
            # "All divisions" and "all themes" are NULL, and NULLs never collide in a unique
            # index: 0, which no primary key takes, stands for them.
            models.UniqueConstraint(
                F("week"),
                Coalesce("division", Value(0)),
                Coalesce("theme", Value(0)),
                F("revision"),
                name="issuedreport_revision_once",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="issuedreport_revision_1"),
        ]

    def __str__(self) -> str:
        revision = f" r{self.revision}" if self.revision > 1 else ""
        return f"{self.week}{revision} ({self.issued_at:%Y-%m-%d %H:%M})"

    @property
    def file_stem(self) -> str:
        return report_file_stem(
            week=self.week, division=self.division, theme=self.theme, revision=self.revision
        )


class IssuedReportFile(models.Model):
    """One format of an issued report, kept byte for byte with its SHA-256 checksum."""

    report = models.ForeignKey(
        IssuedReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files"
    )
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["report", "format"]
        verbose_name = _("issued report file")
        verbose_name_plural = _("issued report files")
        constraints = [once_per("report", "format", name="issuedreportfile_once")]

    def __str__(self) -> str:
        return f"{self.report.file_stem}.{self.format}"
