"""The weekly report through the API: as JSON, and as the files the report page offers.

The same parameters as the report page (`week`, `division` and `theme` codes), the same builder
(`tracker.report.build_report`) and writers; managers only, as on the page.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ReportFormat
from ..report import (
    CONTENT_TYPES,
    WeeklyReport,
    build_report,
    file_name,
    iter_csv,
    last_complete_week,
    render_bytes,
)
from ..report.forms import ReportForm
from ..report.rows import LazyRows
from .permissions import require_api

FILE_FORMATS = (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.CSV)
PARAMETERS = [
    OpenApiParameter("week", str, description="ISO week, e.g. 2026-W48 (default: last week)."),
    OpenApiParameter("division", str, description="A division's code."),
    OpenApiParameter("theme", str, description="A theme's code."),
]


def _weekly(request) -> WeeklyReport:
    require_api(request, "tracker.issue_report")
    data = {name: request.query_params.get(name, "") for name in ("week", "division", "theme")}
    data["week"] = data["week"] or last_complete_week()
    form = ReportForm(data)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return build_report(
        week=form.cleaned_data["week"],
        division=form.cleaned_data["division"],
        theme=form.cleaned_data["theme"],
    )


def _jsonable(value):
    """A report's rows as plain JSON: dataclasses and named tuples by public field, records by
    code, times in ISO."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = [f.name for f in dataclasses.fields(value) if not f.name.startswith("_")]
        # A report's parts are worked out when read, not fields (`WeeklyReport.PARTS`).
        names += getattr(value, "PARTS", ())
        return {name: _jsonable(getattr(value, name)) for name in names}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {name: _jsonable(item) for name, item in value._asdict().items()}
    if isinstance(value, datetime.date):
        return value.isoformat()
    # A report's sections are `LazyRows`: its rows are built as they are read here.
    if isinstance(value, list | tuple | frozenset | set | LazyRows):
        items = [_jsonable(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    if hasattr(value, "_meta"):
        return getattr(value, "code", value.pk)
    return value


def report_json(weekly: WeeklyReport) -> dict:
    data = _jsonable(weekly)
    data["filters"] = weekly.filters_text
    data["file_stem"] = weekly.file_stem
    return data


class WeeklyReportJson(APIView):
    """The weekly report for a week, as of its end: counts, changes, attention, open items."""

    @extend_schema(
        operation_id="reports_weekly_json",
        parameters=PARAMETERS,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        return Response(report_json(_weekly(request)))


class FileNegotiation(BaseContentNegotiation):
    """A file is what it is, whatever `Accept` says; errors are still JSON problems."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), "application/problem+json"


class WeeklyReportFile(APIView):
    """The weekly report as a file: pdf, xlsx or csv."""

    content_negotiation_class = FileNegotiation

    @extend_schema(
        operation_id="reports_weekly_file",
        parameters=PARAMETERS,
        responses={
            (200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiResponse(
                OpenApiTypes.BINARY, description=f"The report as {fmt.upper()}."
            )
            for fmt in FILE_FORMATS
        },
    )
    def get(self, request, fmt: str):
        if fmt not in FILE_FORMATS:
            raise NotFound(_("Unknown report format: choose pdf, xlsx or csv."))
        weekly = _weekly(request)
        if fmt == ReportFormat.CSV:
            response = StreamingHttpResponse(iter_csv(weekly), content_type=CONTENT_TYPES[fmt])
        else:
            response = HttpResponse(render_bytes(weekly, fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{file_name(weekly, fmt)}"'
        return response
