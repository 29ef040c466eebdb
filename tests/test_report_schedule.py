"""The weekly report by itself: managers' schedules page, and the scheduler issuing and mailing
the report for the last complete week, retried on failure and shown when it fails."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import DivisionFactory, aware
from tracker import scheduling, services
from tracker.models import IssuedReport, ReportSchedule, RunStatus, ScheduledRun
from tracker.scheduling import tick

pytestmark = pytest.mark.django_db

VALID = {
    "recipients": "desk@example.org\nchief@example.org",
    "division": "",
    "theme": "",
    "weekday": "0",
    "time": "08:30",
    "time_zone": "Asia/Tokyo",
    "enabled": "on",
}


@pytest.fixture(autouse=True)
def only_report_jobs(monkeypatch):
    # The static jobs (pruning) are tested in test_jobs; here only the schedules' jobs run.
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [])


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _schedule(**data) -> ReportSchedule:
    return services.report_schedule_create(
        user=None, data={"recipients": "desk@example.org", **data}
    )


# The page -----------------------------------------------------------------------------------------


def test_a_manager_adds_edits_and_deletes_a_schedule(manager, division):
    client = _client(manager)
    response = client.post(
        reverse("report-schedule-create"), VALID | {"division": str(division.pk)}
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert schedule.recipient_list() == ["desk@example.org", "chief@example.org"]
    assert (schedule.division, schedule.created_by, schedule.time) == (
        division,
        manager,
        datetime.time(8, 30),
    )
    page = client.get(reverse("report-schedule-list")).content.decode()
    assert "chief@example.org" in page and "Not run yet" in page

    changed_at = schedule.changed_at
    response = client.post(
        reverse("report-schedule-update", args=[schedule.pk]),
        VALID | {"weekday": "4", "recipients": "a@example.org; b@example.org"},
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.weekday == 4
    assert schedule.recipients == "a@example.org\nb@example.org"
    assert schedule.changed_at > changed_at  # the change takes effect from the next due time

    response = client.post(reverse("report-schedule-delete", args=[schedule.pk]))
    assert response.status_code == 302
    assert not ReportSchedule.objects.exists()


def test_an_editor_is_refused(editor):
    client = _client(editor)
    assert client.get(reverse("report-schedule-list")).status_code == 403
    assert client.post(reverse("report-schedule-create"), VALID).status_code == 403
    schedule = _schedule()
    assert client.post(reverse("report-schedule-delete", args=[schedule.pk])).status_code == 403
    assert ReportSchedule.objects.count() == 1


def test_the_delete_needs_the_csrf_token(manager):
    schedule = _schedule()
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.post(reverse("report-schedule-delete", args=[schedule.pk])).status_code == 403
    assert ReportSchedule.objects.filter(pk=schedule.pk).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipients", "desk@example.org, not-an-address", "Not an e-mail address: not-an-address"),
        ("recipients", " , ;\n", "Give at least one e-mail address"),
        ("recipients", "a@example.org\n" * 1_000, "at most 5000 characters"),
        ("recipients", ",".join(f"u{i}@example.org" for i in range(60)), "At most 50 addresses"),
        ("recipients", "<script>@example.org", "Not an e-mail address"),
        ("time_zone", "Mars/Olympus", "is not an IANA time zone"),
        ("time_zone", "A" * 10_000, "at most 64 characters"),
        ("weekday", "9", "Select a valid choice"),
        ("weekday", "9" * 40, "Select a valid choice"),
        ("time", "25:99", "Enter a valid time"),
        ("division", "9" * 30, "Select a valid choice"),
        ("division", "-1", "Select a valid choice"),
    ],
)
def test_hostile_input_gets_form_errors_not_a_crash(manager, field, value, message):
    response = _client(manager).post(reverse("report-schedule-create"), VALID | {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode() or "<script>" not in value
    assert not ReportSchedule.objects.exists()


def test_a_null_character_is_refused_without_a_crash(manager):
    response = _client(manager).post(
        reverse("report-schedule-create"), VALID | {"recipients": "desk@exam\x00ple.org"}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_the_list_reads_a_fixed_number_of_queries(manager, django_assert_num_queries):
    client = _client(manager)
    division = DivisionFactory(code="third")
    for i in range(2):
        _schedule(division=division, weekday=i)
    client.get(reverse("report-schedule-list"))  # session and permissions cached as they are
    with django_assert_num_queries(6) as few:
        client.get(reverse("report-schedule-list"))
    for i in range(4):
        _schedule(division=division, weekday=i)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(reverse("report-schedule-list")).status_code == 200


# The scheduled report -----------------------------------------------------------------------------


def _next_monday_9(after: datetime.datetime) -> datetime.datetime:
    """Monday 09:00 Tokyo time of the first week whose Monday 08:00 comes after `after`."""
    day = timezone.localtime(after).date()
    while not (day.weekday() == 0 and aware(f"{day} 08:00") > after):
        day += datetime.timedelta(days=1)
    return aware(f"{day} 09:00")


def test_the_scheduler_issues_the_last_weeks_report_and_mails_it(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    schedule = _schedule(weekday=0, time=datetime.time(8), recipients="desk@example.org")
    monday = _next_monday_9(schedule.changed_at)
    tick(monday - datetime.timedelta(hours=2))  # 07:00: not due yet
    assert not IssuedReport.objects.exists()
    tick(monday)
    tick(monday + datetime.timedelta(hours=1))  # a second tick, or a second scheduler: nothing
    issued = IssuedReport.objects.get()
    last_week = (monday.date() - datetime.timedelta(days=7)).isocalendar()
    assert issued.week == f"{last_week.year}-W{last_week.week:02d}"
    assert issued.issued_by is None and issued.division is None
    assert set(issued.files.values_list("format", flat=True)) >= {"pdf", "xlsx"}
    [message] = mail.outbox
    assert message.to == ["desk@example.org"]
    assert sorted(name.rsplit(".", 1)[1] for name, _c, _t in message.attachments) == [
        "pdf",
        "xlsx",
    ]
    run = ScheduledRun.objects.exclude(status=RunStatus.SKIPPED).get(job=schedule.job_name)
    assert run.status == RunStatus.SUCCEEDED
    assert run.result["issued_report"] == issued.pk


def test_a_failed_send_is_retried_without_issuing_twice(monkeypatch, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    real_send = services.report_schedules.report_send
    attempts = []

    def flaky_send(**kwargs):
        attempts.append(kwargs)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        real_send(**kwargs)

    monkeypatch.setattr(services.report_schedules, "report_send", flaky_send)
    schedule = _schedule()
    tick(_next_monday_9(schedule.changed_at))
    assert IssuedReport.objects.count() == 1
    assert len(attempts) == 2 and len(mail.outbox) == 1
    run = ScheduledRun.objects.exclude(status=RunStatus.SKIPPED).get(job=schedule.job_name)
    assert (run.status, run.attempts) == (RunStatus.SUCCEEDED, 2)


def test_a_failure_that_persists_is_shown_to_managers(monkeypatch, settings, manager):
    settings.JOB_MAX_ATTEMPTS = 3

    def down(**kwargs):
        raise smtplib.SMTPServerDisconnected("Connection <unexpectedly> closed")

    monkeypatch.setattr(services.report_schedules, "report_send", down)
    schedule = _schedule()
    tick(_next_monday_9(schedule.changed_at))
    run = ScheduledRun.objects.exclude(status=RunStatus.SKIPPED).get(job=schedule.job_name)
    assert (run.status, run.attempts) == (RunStatus.FAILED, 3)
    assert IssuedReport.objects.count() == 1  # kept once, whatever the retries
    page = _client(manager).get(reverse("report-schedule-list")).content.decode()
    assert "Failed" in page
    assert "SMTPServerDisconnected: Connection &lt;unexpectedly&gt; closed" in page


def test_a_new_schedule_does_not_run_for_a_due_time_before_it_existed():
    now = timezone.now()
    earlier_today = timezone.localtime(now - datetime.timedelta(hours=1))
    schedule = _schedule(weekday=earlier_today.weekday(), time=earlier_today.time())
    tick(now)  # its latest due time (an hour ago) is before it was set up
    assert not ScheduledRun.objects.filter(job=schedule.job_name).exists()
    tick(now + datetime.timedelta(days=7))  # a week later it is due
    assert ScheduledRun.objects.get(job=schedule.job_name).status == RunStatus.SUCCEEDED


def test_a_disabled_schedule_does_not_run():
    schedule = _schedule(enabled=False)
    tick(_next_monday_9(schedule.changed_at))
    assert not ScheduledRun.objects.exists()
    assert not IssuedReport.objects.exists()
