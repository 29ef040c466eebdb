"""Background work: scheduled runs, heartbeats and the weekly report's schedules."""

import datetime

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import tracker.models.jobs
import tracker.models.meetings


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0007_commitment_search_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="JobHeartbeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="process")),
                ("seen_at", models.DateTimeField(verbose_name="last seen")),
            ],
            options={
                "verbose_name": "job heartbeat",
                "verbose_name_plural": "job heartbeats",
            },
        ),
        migrations.CreateModel(
            name="ReportSchedule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "recipients",
                    models.TextField(
                        help_text="E-mail addresses, one per line or separated by commas.",
                        max_length=5000,
                        validators=[
                            django.core.validators.MaxLengthValidator(5000),
                            tracker.models.jobs.validate_recipients,
                        ],
                        verbose_name="recipients",
                    ),
                ),
                (
                    "weekday",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (0, "Monday"),
                            (1, "Tuesday"),
                            (2, "Wednesday"),
                            (3, "Thursday"),
                            (4, "Friday"),
                            (5, "Saturday"),
                            (6, "Sunday"),
                        ],
                        default=0,
                        verbose_name="weekday",
                    ),
                ),
                ("time", models.TimeField(default=datetime.time(8, 0), verbose_name="time")),
                (
                    "time_zone",
                    models.CharField(
                        default="Asia/Tokyo",
                        max_length=64,
                        validators=[tracker.models.meetings.validate_time_zone],
                        verbose_name="time zone",
                    ),
                ),
                ("enabled", models.BooleanField(default=True, verbose_name="enabled")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                (
                    "changed_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        help_text=(
                            "Due times before this are not run: a change takes effect from "
                            "the next one."
                        ),
                        verbose_name="changed",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="report_schedules",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "division",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_schedules",
                        to="tracker.division",
                        verbose_name="division",
                    ),
                ),
                (
                    "theme",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_schedules",
                        to="tracker.theme",
                        verbose_name="theme",
                    ),
                ),
            ],
            options={
                "verbose_name": "report schedule",
                "verbose_name_plural": "report schedules",
                "ordering": ["weekday", "time", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ScheduledRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("job", models.CharField(max_length=200, verbose_name="job")),
                ("due_at", models.DateTimeField(verbose_name="due at")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("enqueued", "Waiting for the worker"),
                            ("running", "Running"),
                            ("retrying", "Failed, will be tried again"),
                            ("succeeded", "Done"),
                            ("failed", "Failed"),
                            ("skipped", "Skipped (missed while the scheduler was down)"),
                        ],
                        default="enqueued",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("error", models.TextField(blank=True, editable=False, verbose_name="last error")),
                (
                    "result",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text=(
                            "What the run has done so far, so that a retry does not do it twice."
                        ),
                        verbose_name="progress",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="claimed at"
                    ),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
            ],
            options={
                "verbose_name": "scheduled run",
                "verbose_name_plural": "scheduled runs",
                "ordering": ["-due_at", "job"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("job", "due_at"), name="scheduledrun_once_per_due_time"
                    )
                ],
            },
        ),
    ]
