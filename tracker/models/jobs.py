"""Background work: each scheduled run of a periodic job, the processes' heartbeats, and the
weekly report's schedules that managers set in the app.

The queue itself is django-tasks-db's table; these rows are what the tracker adds on top of it:
a run record per job and due time (its uniqueness is what makes a run happen once, whatever the
number of schedulers), and when the worker and the scheduler were last seen alive.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import once_per, optional_key
from .meetings import JAPAN_TIME_ZONE, validate_time_zone
from .reference import Division, Theme

MAX_RECIPIENTS = 50
RECIPIENTS_MAX_LENGTH = 5_000


class RunStatus(models.TextChoices):
    ENQUEUED = "enqueued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Failed, will be tried again")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (missed while the scheduler was down)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ScheduledRunQuerySet(models.QuerySet):
    def for_job(self, job: str) -> ScheduledRunQuerySet:
        return self.filter(job=job)

    def latest_per_job(self, jobs) -> dict[str, ScheduledRun]:
        """The most recent run (by due time) of each of `jobs`, in one query."""
        latest: dict[str, ScheduledRun] = {}
        for run in (
            self.filter(job__in=list(jobs))
            .exclude(status=RunStatus.SKIPPED)
            .order_by("job", "-due_at")
        ):
            latest.setdefault(run.job, run)
        return latest

    def failed_since(self, since: datetime.datetime) -> ScheduledRunQuerySet:
        return self.filter(status=RunStatus.FAILED, finished_at__gte=since)


class ScheduledRun(models.Model):
    """One due time of one periodic job. Inserting it is claiming it: the unique constraint lets
    exactly one scheduler win, and only the winner enqueues the job."""

    job = models.CharField(_("job"), max_length=200)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.ENQUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True, editable=False)
    result = models.JSONField(
        _("progress"),
        default=dict,
        blank=True,
        help_text=_("What the run has done so far, so that a retry does not do it twice."),
    )
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScheduledRunQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "job"]
        constraints = [once_per("job", "due_at", name="scheduledrun_once_per_due_time")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M %Z}"


class JobHeartbeat(models.Model):
    """When a background process ("worker", "scheduler") last showed it was alive."""

    name = models.CharField(_("process"), max_length=50, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("job heartbeat")
        verbose_name_plural = _("job heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"


def split_recipients(value: str) -> list[str]:
    """The addresses in a text of addresses separated by commas, semicolons or line breaks."""
    return [part.strip() for part in value.replace(";", ",").replace("\n", ",").split(",")]


def validate_recipients(value: str) -> None:
    addresses = [address for address in split_recipients(value) if address]
    if not addresses:
        raise ValidationError(_("Give at least one e-mail address."), code="no_recipients")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(
            _("At most %(limit)d addresses; use a distribution list for more."),
            params={"limit": MAX_RECIPIENTS},
            code="too_many_recipients",
        )
    check = EmailValidator()
    bad = []
    for address in addresses:
        try:
            check(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            _("Not an e-mail address: %(addresses)s."),
            params={"addresses": ", ".join(bad)[:200]},
            code="invalid_recipient",
        )


class ReportSchedule(models.Model):
    """The weekly report issued and mailed by itself: to whom, which rows, on which day and time."""

    recipients = models.TextField(
        _("recipients"),
        max_length=RECIPIENTS_MAX_LENGTH,
        validators=[MaxLengthValidator(RECIPIENTS_MAX_LENGTH), validate_recipients],
        help_text=_("E-mail addresses, one per line or separated by commas."),
    )
    division = optional_key(
        Division, _("division"), related_name="report_schedules", on_delete=models.CASCADE
    )
    theme = optional_key(
        Theme, _("theme"), related_name="report_schedules", on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    time = models.TimeField(_("time"), default=datetime.time(8, 0))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=JAPAN_TIME_ZONE, validators=[validate_time_zone]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = optional_key(
        settings.AUTH_USER_MODEL,
        _("created by"),
        related_name="report_schedules",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    changed_at = models.DateTimeField(
        _("changed"),
        default=timezone.now,
        help_text=_("Due times before this are not run: a change takes effect from the next one."),
    )

    class Meta:
        ordering = ["weekday", "time", "pk"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M} {self.time_zone}"

    @property
    def job_name(self) -> str:
        return f"report-schedule:{self.pk}"

    def recipient_list(self) -> list[str]:
        return [address for address in split_recipients(self.recipients) if address]
