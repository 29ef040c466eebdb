"""The weekly report's schedules (managers), and the background jobs' health (staff).

Thin: the form validates, the `report_schedule_*` services write, `scheduling.jobs_health` reads.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..models import ReportSchedule, ScheduledRun
from ..permissions import require
from ..scheduling import jobs_health
from ..service_errors import add_service_errors


class ReportScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportSchedule
        fields = services.REPORT_SCHEDULE_FIELDS
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 4}),
            "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "time_zone": gettext_lazy("An IANA time zone such as Asia/Tokyo or Europe/London."),
        }


def _schedules():
    return ReportSchedule.objects.select_related("division", "theme").order_by(
        "weekday", "time", "pk"
    )


@require_GET
def schedule_list(request):
    require(request, "tracker.issue_report")
    schedules = list(_schedules())
    latest = ScheduledRun.objects.latest_per_job(s.job_name for s in schedules)
    rows = [(schedule, latest.get(schedule.job_name)) for schedule in schedules]
    return render(request, "tracker/schedules/schedule_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def schedule_create(request):
    require(request, "tracker.issue_report")
    form = ReportScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_schedule_create(user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report schedule was added."))
            return redirect("report-schedule-list")
    return render(request, "tracker/schedules/schedule_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def schedule_update(request, pk: int):
    require(request, "tracker.issue_report")
    schedule = get_object_or_404(_schedules(), pk=pk)
    form = ReportScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.report_schedule_update(schedule=schedule, user=request.user, data=data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report schedule was saved."))
            return redirect("report-schedule-list")
    return render(
        request, "tracker/schedules/schedule_form.html", {"form": form, "schedule": schedule}
    )


@require_POST
def schedule_delete(request, pk: int):
    require(request, "tracker.issue_report")
    schedule = get_object_or_404(ReportSchedule, pk=pk)
    services.report_schedule_delete(schedule=schedule, user=request.user)
    messages.success(request, _("The report schedule was deleted."))
    return redirect("report-schedule-list")


@require_GET
def jobs_health_view(request):
    """The worker's and the scheduler's health as JSON, for staff and their monitoring."""
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied
    health = jobs_health()
    return JsonResponse(health, status=200 if health["healthy"] else 503)
