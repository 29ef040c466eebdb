"""Issuing the weekly report (its files kept byte for byte) and sending it to its readers.

The report package renders; these functions write. WeasyPrint and openpyxl are imported by the
writers only when they run, so importing the services stays light.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Division, IssuedReport, IssuedReportFile, ReportFormat, Theme
from ..report.building import build_report
from ..report.formats import CONTENT_TYPES, FORMATS, check_formats, file_name, render_bytes
from ..report.issued import latest_issue
from ..report.rows import WeeklyReport
from ..report.weeks import normalise_week

# What goes out by mail: the PDF to read, the XLSX with every row.
EMAILED_FORMATS = (ReportFormat.PDF, ReportFormat.XLSX)
_REVISION_CONSTRAINT = "issuedreport_revision_once"


class AlreadyIssued(Exception):
    """The week was issued with these filters already, as a revision other than the one asked for.

    Issuing again is a decision (a revision goes out to the same readers), so the caller asks the
    user, showing who issued `previous` and when, and names the next revision if they confirm.
    """

    def __init__(self, previous: IssuedReport):
        self.previous = previous
        super().__init__(
            _("Report %(week)s was issued already (revision %(revision)s).")
            % {"week": previous.week, "revision": previous.revision}
        )

    @property
    def next_revision(self) -> int:
        return self.previous.revision + 1


def report_issue(
    *,
    week: str,
    division: Division | None,
    theme: Theme | None,
    user: AbstractBaseUser | None,
    formats: Iterable[str] = FORMATS,
    now: datetime.datetime | None = None,
    revision: int | None = None,
) -> IssuedReport:
    """Render the report in `formats` and keep who issued it, for what, and the files' bytes.

    Each issue of a week with the same filters is a numbered revision. `revision=None` (the
    scheduled command) takes the next number; a number (the page, after the user confirmed it)
    must be the next one, else AlreadyIssued says who issued the week meanwhile.
    """
    formats = check_formats(formats)
    week = normalise_week(week)
    report: WeeklyReport | None = None
    contents: dict[str, bytes] = {}
    # Two issues at the same moment may both read the same last revision: the one that finds its
    # number taken numbers again (or, confirmed for a number, asks again).
    for _attempt in range(5):
        latest = latest_issue(week=week, division=division, theme=theme)
        # Before the rendering, which takes seconds: a re-issue nobody confirmed stops at once.
        _check_revision(latest, revision)
        number = latest.revision + 1 if latest else 1
        if report is None:
            report = build_report(week=week, division=division, theme=theme, now=now)
        if not contents or report.revision != number:
            # The files print their revision, so a new number means rendering them again.
            report.revision = number
            # Rendering (the PDF above all) takes seconds: do it before the transaction, so that
            # writers are not kept waiting on the database while WeasyPrint lays out pages.
            contents = {fmt: render_bytes(report, fmt) for fmt in formats}
        try:
            with transaction.atomic():
                current = latest_issue(week=week, division=division, theme=theme)
                if (current.revision if current else 0) != number - 1:
                    continue  # issued meanwhile: number again
                return _keep(report, contents, division=division, theme=theme, user=user)
        except IntegrityError as error:
            if _REVISION_CONSTRAINT not in str(error):
                raise
    raise AlreadyIssued(latest_issue(week=week, division=division, theme=theme))


def _check_revision(latest: IssuedReport | None, revision: int | None) -> None:
    if revision is not None and latest is not None and revision != latest.revision + 1:
        raise AlreadyIssued(latest)


def _keep(
    report: WeeklyReport,
    contents: dict[str, bytes],
    *,
    division: Division | None,
    theme: Theme | None,
    user: AbstractBaseUser | None,
) -> IssuedReport:
    issued = IssuedReport(
        issued_by=user,
        issued_at=report.generated_at,
        week=report.week,
        division=division,
        theme=theme,
        revision=report.revision,
    )
    # The revision's uniqueness is the database's to enforce: two issues racing for one number
    # pass any check made before the insert, and the loser's IntegrityError numbers it again.
    issued.full_clean(validate_constraints=False)
    issued.save()
    files = [
        IssuedReportFile(
            report=issued,
            format=fmt,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
        for fmt, content in contents.items()
    ]
    for stored in files:
        # The report row was written a moment ago in this transaction, and the formats were
        # checked for repeats: nothing left for a query to find.
        stored.full_clean(exclude=["report"], validate_constraints=False)
    IssuedReportFile.objects.bulk_create(files)
    return issued


def report_send(
    *,
    issued: IssuedReport,
    recipients: Sequence[str],
    formats: Iterable[str] = EMAILED_FORMATS,
) -> None:
    """Mail the issued files in `formats` to `recipients`, as they were kept."""
    if not recipients:
        raise ValueError(_("The report has no recipients: set REPORT_RECIPIENTS."))
    formats = check_formats(formats)
    files = {f.format: f for f in issued.files.filter(format__in=formats)}
    missing = [fmt for fmt in formats if fmt not in files]
    if missing:
        raise ValueError(
            _("Report #%(pk)s was issued without %(formats)s.")
            % {"pk": issued.pk, "formats": ", ".join(missing)}
        )
    attached = " and ".join(fmt.upper() for fmt in formats)
    message = EmailMessage(
        subject=f"Weekly status report {issued.week}",
        body=(
            f"The weekly status report for {issued.week} is attached ({attached}).\n"
            f"Issued report #{issued.pk}; it can be downloaded again from the tracker.\n"
        ),
        to=list(recipients),
    )
    for fmt in formats:
        message.attach(
            file_name(issued, fmt),
            bytes(files[fmt].content),
            CONTENT_TYPES[fmt].split(";")[0],
        )
    message.send()
