"""Background work: the scheduler across a frozen week, restarts, two schedulers at once, the
worker command running what was enqueued, retries with a limit, and the health reports."""

from __future__ import annotations

import datetime
import json
import threading

import pytest
from asgiref.local import Local
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import task_backends
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, aware
from tracker import scheduling
from tracker.models import JobHeartbeat, RunStatus, ScheduledRun, Weekday
from tracker.scheduling import Daily, Job, Weekly, jobs_health, tick
from tracker.tasks import run_job

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, datetime.datetime]] = []
FAILURES: dict[str, int] = {}
_calls_lock = threading.Lock()


def record_call(*, run, label: str = "") -> None:
    """A job for the tests: notes which due time of which job ran."""
    with _calls_lock:
        CALLS.append((run.job, run.due_at))


def fail_first(*, run, times: int) -> None:
    """Fails `times` times for a run, then succeeds."""
    FAILURES[run.job] = FAILURES.get(run.job, 0) + 1
    if FAILURES[run.job] <= times:
        raise RuntimeError(f"mail server down (attempt {FAILURES[run.job]})")
    record_call(run=run)


WEEKLY = Job(
    "weekly", Weekly(Weekday.MONDAY, datetime.time(8), "Asia/Tokyo"), "tests.test_jobs.record_call"
)
DAILY = Job(
    "daily", Daily(at=datetime.time(9), time_zone="Asia/Tokyo"), "tests.test_jobs.record_call"
)

# The jobs the app registers, before each test replaces them with its own.
REGISTERED = {job.name: job for job in scheduling.PERIODIC_JOBS}


@pytest.fixture(autouse=True)
def jobs(monkeypatch):
    CALLS.clear()
    FAILURES.clear()
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [WEEKLY, DAILY])
    return [WEEKLY, DAILY]


def _reset_task_backends() -> None:
    task_backends.__dict__.pop("settings", None)
    task_backends._settings = None
    task_backends._connections = Local(False)


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue and wait for `manage.py db_worker`, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reset_task_backends()
    yield
    _reset_task_backends()


def _every(start: datetime.datetime, end: datetime.datetime, step: datetime.timedelta):
    now = start
    while now < end:
        yield now
        now += step


def _runs(job: str, status: str | None = None) -> list[datetime.datetime]:
    runs = ScheduledRun.objects.for_job(job).order_by("due_at")
    if status:
        runs = runs.filter(status=status)
    return list(runs.values_list("due_at", flat=True))


def _work(**options) -> None:
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0, **options)


# Due times ----------------------------------------------------------------------------------------


def test_weekly_due_time_is_the_latest_at_or_before_now():
    monday_8 = Weekly(Weekday.MONDAY, datetime.time(8), "Asia/Tokyo")
    assert monday_8.latest_due(aware("2026-03-02 08:00")) == aware("2026-03-02 08:00")
    assert monday_8.latest_due(aware("2026-03-02 07:59")) == aware("2026-02-23 08:00")
    assert monday_8.latest_due(aware("2026-03-08 23:59")) == aware("2026-03-02 08:00")
    # Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    assert monday_8.latest_due(aware("2026-03-01 23:30", "UTC")) == aware("2026-03-02 08:00")


def test_due_times_keep_the_wall_clock_across_daylight_saving():
    london_9 = Daily(at=datetime.time(9), time_zone="Europe/London")
    # 29 March 2026: the clocks go forward; 09:00 stays 09:00 local, 08:00 UTC after.
    assert london_9.latest_due(aware("2026-03-30 12:00", "UTC")) == aware(
        "2026-03-30 09:00", "Europe/London"
    )
    assert london_9.previous_due(aware("2026-03-30 09:00", "Europe/London")) == aware(
        "2026-03-29 09:00", "Europe/London"
    )


# The scheduler with a frozen clock ----------------------------------------------------------------

MONDAY = aware("2026-03-02 00:00")
HALF_HOUR = datetime.timedelta(minutes=30)


def test_across_a_week_each_due_time_runs_exactly_once():
    for now in _every(MONDAY, MONDAY + datetime.timedelta(days=7), HALF_HOUR):
        tick(now)
    assert _runs("weekly", RunStatus.SUCCEEDED) == [aware("2026-03-02 08:00")]
    assert _runs("daily", RunStatus.SUCCEEDED) == [
        aware(f"2026-03-0{day} 09:00") for day in range(2, 9)
    ]
    assert sorted(CALLS) == sorted(
        [("weekly", aware("2026-03-02 08:00"))]
        + [("daily", aware(f"2026-03-0{day} 09:00")) for day in range(2, 9)]
    )
    # The due times before the scheduler first ran are recorded, not run.
    assert _runs("weekly", RunStatus.SKIPPED) == [aware("2026-02-23 08:00")]
    assert _runs("daily", RunStatus.SKIPPED) == [aware("2026-03-01 09:00")]


def test_a_restart_runs_the_latest_missed_time_once_and_skips_older_ones():
    for now in _every(MONDAY, aware("2026-03-02 07:30"), HALF_HOUR):
        tick(now)
    assert CALLS == []
    # Down from Monday 07:30 to Thursday 12:00: Monday 08:00 (weekly) and four 09:00s missed.
    for now in _every(aware("2026-03-05 12:00"), MONDAY + datetime.timedelta(days=7), HALF_HOUR):
        tick(now)
    assert _runs("weekly", RunStatus.SUCCEEDED) == [aware("2026-03-02 08:00")]
    assert _runs("daily", RunStatus.SUCCEEDED) == [
        aware(f"2026-03-0{day} 09:00") for day in range(5, 9)
    ]
    assert _runs("daily", RunStatus.SKIPPED) == [
        aware(f"2026-03-0{day} 09:00") for day in (1, 2, 3, 4)
    ]
    assert len(CALLS) == len(set(CALLS)) == 5


def test_two_schedulers_one_after_the_other_run_each_job_once():
    for now in _every(MONDAY, MONDAY + datetime.timedelta(days=7), HALF_HOUR):
        first, second = tick(now), tick(now)
        assert not (first.enqueued and second.enqueued)
    assert len(CALLS) == len(set(CALLS)) == 8


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_each_job_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the threaded race needs PostgreSQL")
    times = list(_every(MONDAY, MONDAY + datetime.timedelta(days=7), HALF_HOUR))
    barrier = threading.Barrier(2)
    errors = []

    def scheduler():
        try:
            for now in times:
                barrier.wait(timeout=30)
                tick(now)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(CALLS) == len(set(CALLS)) == 8
    assert ScheduledRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 8


# Retries and idempotency --------------------------------------------------------------------------


def test_a_failing_job_is_retried_until_it_succeeds(monkeypatch):
    flaky = Job("flaky", WEEKLY.when, "tests.test_jobs.fail_first", kwargs={"times": 2})
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [flaky])
    tick(aware("2026-03-02 07:00"))
    tick(aware("2026-03-02 08:00"))
    run = ScheduledRun.objects.get(job="flaky", due_at=aware("2026-03-02 08:00"))
    assert (run.status, run.attempts, run.error) == (RunStatus.SUCCEEDED, 3, "")
    assert [("flaky", aware("2026-03-02 08:00"))] == CALLS


def test_a_job_that_keeps_failing_stops_at_the_limit_with_its_error(
    monkeypatch, settings, admin_user
):
    settings.JOB_MAX_ATTEMPTS = 3
    broken = Job("broken", WEEKLY.when, "tests.test_jobs.fail_first", kwargs={"times": 99})
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [broken])
    tick(aware("2026-03-02 07:00"))
    tick(aware("2026-03-02 08:00"))
    run = ScheduledRun.objects.get(job="broken", due_at=aware("2026-03-02 08:00"))
    assert (run.status, run.attempts) == (RunStatus.FAILED, 3)
    assert run.error == "RuntimeError: mail server down (attempt 3)"
    assert FAILURES["broken"] == 3
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:tracker_scheduledrun_changelist") + "?status=failed")
    assert "mail server down (attempt 3)" in page.content.decode()


def test_running_a_finished_run_again_does_nothing():
    tick(aware("2026-03-02 07:00"))
    tick(aware("2026-03-02 08:00"))
    run = ScheduledRun.objects.get(job="weekly", status=RunStatus.SUCCEEDED)
    assert run_job.call(run_id=run.pk, attempt=1) == "already done"
    assert [("weekly", aware("2026-03-02 08:00"))] == CALLS


# The real worker ----------------------------------------------------------------------------------


# Committed transactions: the worker closes and reopens its connection as in production.
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_what_the_scheduler_enqueued(database_tasks, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    recent = Job(
        "recent", DAILY.when, "tests.test_jobs.record_call", since=now - datetime.timedelta(days=2)
    )
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [recent])
    outcome = tick(now)
    [run] = outcome.enqueued
    assert CALLS == []  # queued, not run while the scheduler waits
    assert ScheduledRun.objects.get(pk=run.pk).status == RunStatus.ENQUEUED
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # the job and a heartbeat

    _work()

    assert [("recent", run.due_at)] == CALLS
    assert ScheduledRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert JobHeartbeat.objects.filter(name="worker").exists()
    health = jobs_health()
    assert health["healthy"] and health["queue"]["length"] == 0
    call_command("worker_status", verbosity=0)  # healthy: no error


# Committed transactions: the worker closes and reopens its connection as in production.
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_a_failed_job_later_and_admins_see_the_error(
    database_tasks, monkeypatch, settings, admin_user
):
    from django_tasks_db.models import DBTaskResult

    settings.JOB_MAX_ATTEMPTS = 2
    now = timezone.now()
    broken = Job(
        "broken",
        DAILY.when,
        "tests.test_jobs.fail_first",
        kwargs={"times": 99},
        since=now - datetime.timedelta(days=2),
    )
    monkeypatch.setattr(scheduling, "PERIODIC_JOBS", [broken])
    [run] = tick(now).enqueued
    _work()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RETRYING, 1)
    retry = DBTaskResult.objects.get(status="READY", task_path="tracker.tasks.run_job")
    assert retry.args_kwargs["kwargs"] == {"run_id": run.pk, "attempt": 2}
    assert retry.run_after > timezone.now()  # after a pause, not in a tight loop

    settings.JOB_RETRY_DELAY_SECONDS = 0
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _work()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.FAILED, 2)
    assert FAILURES["broken"] == 2
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert failed.count() == 2 and not DBTaskResult.objects.filter(status="READY").exists()

    client = Client()
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.first().pk])
    )
    assert page.status_code == 200
    assert "mail server down" in page.content.decode()
    assert jobs_health()["failed_runs_last_day"] == 1


# Health -------------------------------------------------------------------------------------------


def test_worker_status_fails_when_nothing_has_been_seen():
    with pytest.raises(CommandError) as refused:
        call_command("worker_status", verbosity=0)
    assert refused.value.returncode == 1


def test_worker_status_fails_when_the_worker_is_silent_and_the_queue_waits(database_tasks):
    from io import StringIO

    tick(timezone.now())  # the scheduler beats and queues a heartbeat nobody takes
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("worker_status", "--json", stdout=out)
    health = json.loads(out.getvalue())
    assert health["scheduler"]["alive"] and not health["worker"]["alive"]
    assert health["queue"]["length"] == 1


def test_the_health_view_is_for_staff_only(admin_user, manager):
    url = reverse("health-jobs")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    client = Client()
    client.force_login(manager)
    assert client.get(url).status_code == 403
    staff = Client()
    staff.force_login(UserFactory(username="ops", is_staff=True))
    response = staff.get(url)
    assert response.status_code == 503  # nothing alive yet
    assert response.json()["worker"]["alive"] is False
    tick(timezone.now())  # the immediate backend runs the heartbeat at once
    response = staff.get(url)
    assert response.status_code == 200
    assert response.json()["healthy"] is True


def test_run_scheduler_once_enqueues_and_reports(monkeypatch):
    out = __import__("io").StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "recorded as skipped" in out.getvalue()
    assert JobHeartbeat.objects.filter(name="scheduler").exists()


def test_run_scheduler_stops_when_asked():
    stop = threading.Event()
    stop.set()
    scheduling.run_forever(interval=1, stop=stop)  # returns at once: no tick after a stop
    assert not JobHeartbeat.objects.exists()


def _planner_statistics(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchall()


@pytest.fixture
def planner_statistics_dropped():
    """Statistics of this test's few rows would steer the plans of the tests after it."""
    yield
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")


# Committed: the worker closes and reopens its connection between tasks, as in production.
@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_gathers_the_query_planners_statistics(
    database_tasks, monkeypatch, planner_statistics_dropped
):
    """SQLite keeps no statistics unless asked (PostgreSQL's autovacuum gathers its own); the
    scheduled job, run by the worker, asks."""
    from tests.factories import CommitmentFactory

    CommitmentFactory.create_batch(3)
    job = REGISTERED["query-statistics"]
    assert job.when == Daily(at=datetime.time(4))
    now = timezone.now()
    monkeypatch.setattr(
        scheduling,
        "PERIODIC_JOBS",
        [Job(job.name, job.when, job.function, since=now - datetime.timedelta(days=2))],
    )
    if connection.vendor == "sqlite":
        assert _planner_statistics("tracker_commitment") == []
    [run] = tick(now).enqueued

    _work()

    assert ScheduledRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED
    if connection.vendor == "sqlite":
        indexes = {index for index, _stat in _planner_statistics("tracker_commitment")}
        assert {"commitment_open_target", "commitment_active_counts"} <= indexes
