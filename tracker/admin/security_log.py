"""The security log in the admin: read-only, filtered by kind, user, dates and address, and
exported as CSV with the same filters.

Who may read it: superusers, and staff given the model's view permission ("Can view security
event"), e.g. an auditor's account. Nobody may add, change or delete an event here.
"""

from __future__ import annotations

import csv
import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import QueryDict, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..cells import safe_cell
from ..models import SecurityEvent, SecurityEventKind
from ..services.security_log import record_security_event
from .labels import NamedRelatedOnlyFilter

CSV_COLUMNS = (
    ("at", gettext_lazy("time")),
    ("kind", gettext_lazy("event")),
    ("username", gettext_lazy("user name typed")),
    ("user", gettext_lazy("user")),
    ("ip_address", gettext_lazy("IP address")),
    ("user_agent", gettext_lazy("browser")),
    ("path", gettext_lazy("address")),
    ("target_type", gettext_lazy("object type")),
    ("target_id", gettext_lazy("object id")),
    ("target_repr", gettext_lazy("object")),
    ("detail", gettext_lazy("detail")),
)


class InputFilter(admin.ListFilter):
    """A filter typed into inputs (dates, an address) instead of chosen from a list."""

    template = "admin/tracker/securityevent/input_filter.html"
    # (query parameter, label, input type)
    inputs: tuple[tuple[str, str, str], ...] = ()

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.request = request
        self.values = {}
        for name, _label, _type in self.inputs:
            if name in params:
                value = params.pop(name)
                value = value[-1] if isinstance(value, list) else value
                self.values[name] = str(value).strip()[:100]

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [name for name, _label, _type in self.inputs]

    def choices(self, changelist):
        names = self.expected_parameters()
        others = QueryDict(changelist.get_query_string(remove=[*names, "p"])[1:])
        yield {
            "hidden": [(key, value) for key, values in others.lists() for value in values],
            "inputs": [
                (name, label, kind, self.values.get(name, "")) for name, label, kind in self.inputs
            ],
            "reset": changelist.get_query_string(remove=[*names, "p"]),
            "active": bool(self.values),
        }


class DateRangeFilter(InputFilter):
    title = gettext_lazy("date range")
    inputs = (
        ("at_from", gettext_lazy("from"), "date"),
        ("at_to", gettext_lazy("to (inclusive)"), "date"),
    )

    def _date(self, name: str) -> datetime.date | None:
        value = self.values.get(name)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            messages.warning(
                self.request,
                _("“%(value)s” is not a date: write it as YYYY-MM-DD. The filter was ignored.")
                % {"value": value},
            )
            return None

    def _start_of(self, day: datetime.date) -> datetime.datetime:
        # Days in the interface's time zone: "to 28 November" ends at midnight in Tokyo.
        return datetime.datetime.combine(
            day, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    def queryset(self, request, queryset):
        start, end = self._date("at_from"), self._date("at_to")
        if start:
            queryset = queryset.filter(at__gte=self._start_of(start))
        if end:
            queryset = queryset.filter(at__lt=self._start_of(end + datetime.timedelta(days=1)))
        return queryset


class AddressFilter(InputFilter):
    title = gettext_lazy("IP address")
    inputs = (("ip", gettext_lazy("address"), "text"),)

    def queryset(self, request, queryset):
        if address := self.values.get("ip"):
            return queryset.filter(ip_address=address)
        return queryset


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    change_list_template = "admin/tracker/securityevent/change_list.html"
    list_display = ("at", "kind", "username", "ip_address", "target_repr", "path")
    list_filter = (
        "kind",
        ("user", NamedRelatedOnlyFilter),
        DateRangeFilter,
        AddressFilter,
    )
    list_select_related = ("user",)
    search_fields = ("username", "ip_address", "target_repr", "path")
    date_hierarchy = "at"
    ordering = ("-at", "-pk")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_csv),
                name="tracker_securityevent_export",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "export_url": reverse("admin:tracker_securityevent_export")
            + ("?" + request.GET.urlencode() if request.GET else ""),
        }
        return super().changelist_view(request, extra_context)

    def export_csv(self, request):
        """The events the list shows (same filters and search), as CSV, newest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_changelist_instance(request).get_queryset(request)
        record_security_event(
            kind=SecurityEventKind.EXPORT,
            request=request,
            detail={"source": "admin", "model": SecurityEvent._meta.label, "format": "csv"},
        )
        response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="security-log-{stamp}.csv"'
        return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(events):
    writer = csv.writer(_Echo())
    # A byte-order mark, so that spreadsheet programs read the Japanese as UTF-8.
    yield "\ufeff" + writer.writerow([str(label) for _name, label in CSV_COLUMNS])
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                timezone.localtime(event.at).isoformat(),
                event.get_kind_display(),
                safe_cell(event.username),
                safe_cell(event.user.get_username() if event.user else ""),
                safe_cell(event.ip_address),
                safe_cell(event.user_agent),
                safe_cell(event.path),
                safe_cell(event.target_type),
                safe_cell(event.target_id),
                safe_cell(event.target_repr),
                safe_cell(_detail_text(event.detail)),
            ]
        )


def _detail_text(detail) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    return "; ".join(f"{key}={value}" for key, value in sorted(detail.items()))
