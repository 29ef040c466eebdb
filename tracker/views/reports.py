"""The weekly status report: the page, its downloads, issuing, and the issued reports.

Thin: the form reads the parameters, `tracker.report` builds and writes the report, and the
`report_issue` service keeps an issue. Every view checks its permission on the server; only
managers and superusers see any of it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..models import IssuedReportFile, ReportFormat, SecurityEventKind
from ..permissions import require
from ..report import (
    CONTENT_TYPES,
    FORMATS,
    WeeklyReport,
    build_report,
    file_name,
    iter_csv,
    last_complete_week,
    latest_issue,
    render_bytes,
)
from ..report.forms import IssueForm, ReportForm
from ..report.html import SECTIONS, page_context, page_layout, shown_rows
from ..report.issued import issued_reports
from ..services.security_log import record_security_event
from .pagination import page_of

DOWNLOAD_FORMATS = (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.CSV)
# What the report page reads; a redirect back to it carries these and nothing else.
REPORT_PARAMETERS = ("week", "division", "theme")


def _report_page_url(data) -> str:
    """The report page with the parameters a form was sent, for it to show what is wrong."""
    # Cut, so that pasted junk cannot make the address longer than a redirect may be.
    params = {name: data[name][:100] for name in REPORT_PARAMETERS if data.get(name)}
    return f"{reverse('report')}?{urlencode(params)}" if params else reverse("report")


def _report_form(data) -> ReportForm:
    data = data.copy()
    if not data.get("week"):
        data["week"] = last_complete_week()
    return ReportForm(data)


def _build(form: ReportForm) -> WeeklyReport:
    return build_report(
        week=form.cleaned_data["week"],
        division=form.cleaned_data["division"],
        theme=form.cleaned_data["theme"],
    )


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def report(request):
    require(request, "tracker.issue_report")
    form = _report_form(request.GET)
    context = {"form": form, "report": None}
    template = "tracker/report.html"
    weekly = None
    if form.is_valid():
        weekly = _build(form)
        query = form.query_string()
        # The long tables show their first rows; "Show more" asks for more of one table, and
        # htmx for that table's section alone.
        part = request.GET.get("part", "")
        section = part if request.htmx and part in SECTIONS else ""
        layout = page_layout(weekly, shown=shown_rows(request.GET), query=query, section=section)
        context.update(page_context(weekly, layout=layout))
        if section:
            template = f"tracker/report/{section}.html"
            context["links"] = True
        else:
            context["query"] = query
            context["download_formats"] = DOWNLOAD_FORMATS
            # Shown by the Issue button, so that nobody issues a week twice without knowing.
            context["latest_issue"] = latest_issue(
                week=form.cleaned_data["week"],
                division=form.cleaned_data["division"],
                theme=form.cleaned_data["theme"],
            )
    response = render(request, template, context)
    if weekly is not None:
        weekly.release()
    return response


@require_GET
def report_download(request, fmt: str):
    require(request, "tracker.issue_report")
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404(_("Unknown report format."))
    form = _report_form(request.GET)
    if not form.is_valid():
        # The page shows what is wrong next to the field.
        return redirect(_report_page_url(request.GET))
    weekly = _build(form)
    record_security_event(
        kind=SecurityEventKind.REPORT_DOWNLOAD,
        request=request,
        detail={"format": fmt, "week": str(form.cleaned_data["week"]), "issued": False},
    )
    if fmt == ReportFormat.CSV:
        response = StreamingHttpResponse(iter_csv(weekly), content_type=CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(render_bytes(weekly, fmt), content_type=CONTENT_TYPES[fmt])
    return _attachment(response, file_name(weekly, fmt))


@require_POST
def issue_report_page(request):
    require(request, "tracker.issue_report")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report was not issued: correct the parameters."))
        # Only the report's own parameters: the POST also carries the CSRF token, which must not
        # end up in a URL (history, logs, Referer).
        return redirect(_report_page_url(request.POST))
    try:
        issued = services.report_issue(
            week=form.cleaned_data["week"],
            division=form.cleaned_data["division"],
            theme=form.cleaned_data["theme"],
            user=request.user,
            formats=FORMATS,
            # Unconfirmed, the POST asks for the first issue: a week issued already is asked about.
            revision=form.cleaned_data["revision"] or 1,
        )
    except services.AlreadyIssued as already:
        return render(
            request,
            "tracker/report_issue_confirm.html",
            {
                "form": form,
                "previous": already.previous,
                "next_revision": already.next_revision,
                "report_url": f"{reverse('report')}?{form.query_string()}",
            },
        )
    record_security_event(
        kind=SecurityEventKind.REPORT_ISSUE,
        request=request,
        target=issued,
        detail={"week": str(issued.week), "revision": issued.revision},
    )
    if issued.revision > 1:
        message = _("Report %(week)s, revision %(revision)s, issued; its files are kept below.")
    else:
        message = _("Report %(week)s issued; its files are kept below.")
    messages.success(request, message % {"week": issued.week, "revision": issued.revision})
    return redirect("issued-report-list")


@require_GET
def issued_report_list(request):
    require(request, "tracker.view_issued_reports")
    page = page_of(request, issued_reports())
    return render(request, "tracker/issuedreport_list.html", {"page": page})


@require_GET
def issued_report_download(request, pk: int, fmt: str):
    require(request, "tracker.view_issued_reports")
    if fmt not in FORMATS:
        raise Http404(_("Unknown report format."))
    stored = get_object_or_404(
        IssuedReportFile.objects.select_related("report__division", "report__theme"),
        # report__pk, not report_id: the lookup on the primary key knows its range, so a number
        # too large for the database finds nothing instead of overflowing the SQLite driver.
        report__pk=pk,
        format=fmt,
    )
    record_security_event(
        kind=SecurityEventKind.REPORT_DOWNLOAD,
        request=request,
        target=stored.report,
        detail={"format": fmt, "issued": True, "sha256": stored.sha256},
    )
    response = HttpResponse(bytes(stored.content), content_type=CONTENT_TYPES[fmt])
    response["X-Content-SHA256"] = stored.sha256
    return _attachment(response, file_name(stored.report, fmt))
