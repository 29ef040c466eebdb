"""The weekly report sent by itself: managers' schedules, and the scheduled job that issues the
report for the last complete week (kept as an issued report, like any other) and mails it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation

from ..models import IssuedReport, ReportSchedule, ScheduledRun, split_recipients
from ..report.weeks import last_complete_week
from .jobs import scheduled_run_progress
from .records import only
from .reports import report_issue, report_send

REPORT_SCHEDULE_FIELDS = (
    "recipients",
    "division",
    "theme",
    "weekday",
    "time",
    "time_zone",
    "enabled",
)


def _normalised(data: dict[str, Any]) -> dict[str, Any]:
    if "recipients" in data and isinstance(data["recipients"], str):
        # One address a line, whatever separated them on the way in.
        data["recipients"] = "\n".join(a for a in split_recipients(data["recipients"]) if a)
    return data


@transaction.atomic
def report_schedule_create(
    *, user: AbstractBaseUser | None, data: Mapping[str, Any]
) -> ReportSchedule:
    schedule = ReportSchedule(created_by=user, **_normalised(only(data, REPORT_SCHEDULE_FIELDS)))
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def report_schedule_update(
    *, schedule: ReportSchedule, user: AbstractBaseUser | None, data: Mapping[str, Any]
) -> ReportSchedule:
    """Apply `data` to the schedule as it is now (locked). Any change moves `changed_at`, so the
    new day and time take effect from their next due time, never retroactively."""
    current = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
    changed = {
        name: value
        for name, value in _normalised(only(data, REPORT_SCHEDULE_FIELDS)).items()
        if getattr(current, name) != value
    }
    if not changed:
        return current
    for name, value in changed.items():
        setattr(current, name, value)
    current.changed_at = timezone.now()
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def report_schedule_delete(*, schedule: ReportSchedule, user: AbstractBaseUser | None) -> None:
    ReportSchedule.objects.filter(pk=schedule.pk).delete()


def report_schedule_jobs() -> Iterator[Any]:
    """The scheduler's job source: one weekly job per enabled schedule."""
    from ..scheduling import Job, Weekly

    for schedule in ReportSchedule.objects.filter(enabled=True).order_by("pk"):
        yield Job(
            name=schedule.job_name,
            when=Weekly(weekday=schedule.weekday, at=schedule.time, time_zone=schedule.time_zone),
            function="tracker.services.report_schedules.report_schedule_run",
            kwargs={"schedule_id": schedule.pk},
            since=schedule.changed_at,
        )


def report_schedule_run(*, run: ScheduledRun, schedule_id: int) -> None:
    """Issue the report for the week before the due date and mail its PDF and XLSX.

    The issued report's number is kept on the run before mailing, so a retry after a failed
    send mails the same issue again instead of issuing another revision.
    """
    schedule = ReportSchedule.objects.select_related("division", "theme").get(pk=schedule_id)
    with translation.override(settings.LANGUAGE_CODE):
        issued_pk = run.result.get("issued_report")
        if issued_pk:
            issued = IssuedReport.objects.get(pk=issued_pk)
        else:
            issued = report_issue(
                week=last_complete_week(run.due_at),
                division=schedule.division,
                theme=schedule.theme,
                user=None,
                # Issued at its due time at the earliest (a clock given to the scheduler).
                now=max(timezone.now(), run.due_at),
            )
            scheduled_run_progress(run=run, data={"issued_report": issued.pk})
        report_send(issued=issued, recipients=schedule.recipient_list())
        scheduled_run_progress(run=run, data={"sent_to": len(schedule.recipient_list())})
