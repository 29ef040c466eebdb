"""The weekly status report: the page, its downloads, issuing, and the issued reports.

Thin: the form reads the parameters, `tracker.reports` builds and writes the report. Every view
checks its permission on the server; only managers and superusers see any of it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import reports
from ..models import Division, IssuedReport, IssuedReportFile, ReportFormat, Theme
from ..permissions import require
from ..templatetags.tracker_tags import local_name

DOWNLOAD_FORMATS = (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.CSV)
PAGE_SIZE = 50
# What the report page reads; a redirect back to it carries these and nothing else.
REPORT_PARAMETERS = ("week", "division", "theme")


# The form lives with its only user: forms.py belongs to the workspace.
class ReportForm(forms.Form):
    week = forms.CharField(
        label=gettext_lazy("Week"),
        max_length=10,
        help_text=gettext_lazy("ISO week, e.g. 2026-W48 (Monday to Sunday)."),
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W48"}),
    )
    division = forms.ModelChoiceField(
        Division.objects.all(),
        label=gettext_lazy("Division"),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All divisions"),
    )
    theme = forms.ModelChoiceField(
        Theme.objects.all(),
        label=gettext_lazy("Theme"),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All themes"),
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()
        for name in ("division", "theme"):
            self.fields[name].label_from_instance = local_name

    def clean_week(self) -> str:
        try:
            start, _end = reports.parse_iso_week(self.cleaned_data["week"])
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_week") from None
        if start > self.now:
            raise ValidationError(
                _("This week has not begun yet: choose a week up to the current one."),
                code="future_week",
            )
        return reports.week_label(start.date())

    def query_string(self) -> str:
        params = {"week": self.cleaned_data["week"]}
        for name in ("division", "theme"):
            if self.cleaned_data.get(name):
                params[name] = self.cleaned_data[name].code
        return urlencode(params)


class IssueForm(ReportForm):
    # The revision the user confirmed; none on the first issue. A re-issue nobody confirmed, or
    # one confirmed while someone else issued that number, is asked about again.
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=32_767, widget=forms.HiddenInput
    )


def _report_page_url(data) -> str:
    """The report page with the parameters a form was sent, for it to show what is wrong."""
    # Cut, so that pasted junk cannot make the address longer than a redirect may be.
    params = {name: data[name][:100] for name in REPORT_PARAMETERS if data.get(name)}
    return f"{reverse('report')}?{urlencode(params)}" if params else reverse("report")


def _report_form(request, data) -> ReportForm:
    data = data.copy()
    if not data.get("week"):
        data["week"] = reports.last_complete_week()
    return ReportForm(data)


def _build(form: ReportForm) -> reports.WeeklyReport:
    return reports.build_report(
        week=form.cleaned_data["week"],
        division=form.cleaned_data["division"],
        theme=form.cleaned_data["theme"],
    )


def _latest_issue(form: ReportForm) -> IssuedReport | None:
    return reports.latest_issue(
        week=form.cleaned_data["week"],
        division=form.cleaned_data["division"],
        theme=form.cleaned_data["theme"],
    )


@require_GET
def report(request):
    require(request, "tracker.issue_report")
    form = _report_form(request, request.GET)
    context = {"form": form, "report": None}
    if form.is_valid():
        context["report"] = _build(form)
        context["query"] = form.query_string()
        context["download_formats"] = DOWNLOAD_FORMATS
        # Shown by the Issue button, so that nobody issues a week twice without knowing.
        context["latest_issue"] = _latest_issue(form)
    return render(request, "tracker/report.html", context)


@require_GET
def report_download(request, fmt: str):
    require(request, "tracker.issue_report")
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404(_("Unknown report format."))
    form = _report_form(request, request.GET)
    if not form.is_valid():
        # The page shows what is wrong next to the field.
        return redirect(_report_page_url(request.GET))
    weekly = _build(form)
    name = reports.file_name(weekly.file_stem, fmt)
    if fmt == ReportFormat.CSV:
        response = StreamingHttpResponse(
            reports.iter_csv(weekly), content_type=reports.CONTENT_TYPES[fmt]
        )
    else:
        response = HttpResponse(
            reports.render_bytes(weekly, fmt), content_type=reports.CONTENT_TYPES[fmt]
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def report_issue(request):
    require(request, "tracker.issue_report")
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The report was not issued: correct the parameters."))
        # Only the report's own parameters: the POST also carries the CSRF token, which must not
        # end up in a URL (history, logs, Referer).
        return redirect(_report_page_url(request.POST))
    try:
        issued = reports.report_issue(
            week=form.cleaned_data["week"],
            division=form.cleaned_data["division"],
            theme=form.cleaned_data["theme"],
            user=request.user,
            formats=reports.FORMATS,
            # Unconfirmed, the POST asks for the first issue: a week issued already is asked about.
            revision=form.cleaned_data["revision"] or 1,
        )
    except reports.AlreadyIssued as already:
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
    if issued.revision > 1:
        message = _("Report %(week)s, revision %(revision)s, issued; its files are kept below.")
    else:
        message = _("Report %(week)s issued; its files are kept below.")
    messages.success(request, message % {"week": issued.week, "revision": issued.revision})
    return redirect("issued-report-list")


@require_GET
def issued_report_list(request):
    require(request, "tracker.view_issued_reports")
    issued = IssuedReport.objects.select_related("issued_by", "division", "theme").prefetch_related(
        Prefetch("files", queryset=IssuedReportFile.objects.defer("content").order_by("format"))
    )
    page = Paginator(issued, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tracker/issuedreport_list.html", {"page": page})


@require_GET
def issued_report_download(request, pk: int, fmt: str):
    require(request, "tracker.view_issued_reports")
    if fmt not in reports.FORMATS:
        raise Http404(_("Unknown report format."))
    stored = get_object_or_404(
        IssuedReportFile.objects.select_related("report__division", "report__theme"),
        # report__pk, not report_id: the lookup on the primary key knows its range, so a number
        # too large for the database finds nothing instead of overflowing the SQLite driver.
        report__pk=pk,
        format=fmt,
    )
    response = HttpResponse(bytes(stored.content), content_type=reports.CONTENT_TYPES[fmt])
    name = reports.file_name(stored.report.file_stem, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = stored.sha256
    return response
