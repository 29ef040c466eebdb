"""Export what you see: the commitment list, as filtered, sorted and laid out, as CSV or XLSX.

Every matching row, not only the page. The CSV streams as it is written; the XLSX is written to
a temporary file in constant-memory mode (a zip archive is finished only at its end) and then
streamed from it.
"""

from __future__ import annotations

import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..forms import CommitmentFilterForm
from ..list_columns import ListLayout
from ..list_export import export_rows, iter_csv, write_xlsx
from ..models import Commitment, SecurityEventKind
from ..permissions import require
from ..services.security_log import record_security_event

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def commitment_export(request, fmt: str):
    require(request, "tracker.view_workspace")
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Unknown export format."))
    today = timezone.localdate()
    form = CommitmentFilterForm(request.GET or None)
    layout = ListLayout.from_params(request.GET)
    # The list's own query: a filter the form refuses is left out here as it is on the page.
    queryset = layout.apply(form.filter(Commitment.objects.for_list().active(), today=today))
    rows = export_rows(queryset, layout.columns)
    name = f"commitments-{today.isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(iter_csv(rows, layout.columns))
        response["Content-Type"] = CONTENT_TYPES[fmt]
    else:
        # Not a `with` block: FileResponse closes it once sent, and closing deletes it.
        file = tempfile.TemporaryFile()  # noqa: SIM115
        write_xlsx(file, rows, layout.columns)
        file.seek(0)
        response = FileResponse(file, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    record_security_event(
        kind=SecurityEventKind.EXPORT,
        request=request,
        detail={"source": "commitment list", "format": fmt, "query": request.GET.urlencode()},
    )
    return response
