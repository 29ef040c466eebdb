"""Periodic jobs: what is due when, and the tick that enqueues each due run exactly once.

Registering a job is one line in `PERIODIC_JOBS`: a name, when it is due, and the dotted path of a
function the worker calls as `function(run=run, **kwargs)` (`run` is the `ScheduledRun`, whose
`due_at` says which occurrence it is and whose `result` keeps progress across retries)::

    Job("weekly-digest", Weekly(Weekday.MONDAY, datetime.time(8)), "tracker.services.digests.send"),

Jobs that come from the database (one per report schedule) are listed by a function named in
`JOB_SOURCES`, which returns `Job`s, each with `since` set to when it was last changed.

How a tick decides (`tick`, run by `manage.py run_scheduler` every half minute):

- Each job's latest due time at or before `now` is computed. If the job already has a run
  recorded for that time or a later one, nothing happens.
- Otherwise the run is claimed by inserting `ScheduledRun(job, due_at)`; the pair is unique, so
  of several schedulers at once exactly one insert succeeds, and only that scheduler enqueues the
  job (in the same transaction). The others find the row and move on.
- Catching up after downtime: only the most recent missed due time runs, once. Older due times
  missed while no scheduler was up are recorded as `skipped` and never run: a digest or a report
  sent three times on restart would be worse than one sent late.
- A job seen for the first time with no `since` (a newly deployed static job) records its
  latest due time as skipped and runs from the next one; a job with `since` (a report schedule)
  runs its latest due time only if that time is after `since`, so a schedule created or edited
  on Wednesday for Mondays first runs next Monday.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import signal
import threading
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JAPAN_TIME_ZONE, JobHeartbeat, ScheduledRun, Weekday
from .services.jobs import heartbeat_record, scheduled_run_claim, scheduled_runs_skip

logger = logging.getLogger(__name__)

# How often the worker is asked to show it is alive, and how old a heartbeat may be.
HEARTBEAT_EVERY = datetime.timedelta(seconds=60)
ALIVE_WITHIN = datetime.timedelta(minutes=5)
# A task that could have run this long ago and still waits means no worker is taking tasks.
BACKLOG_LIMIT = datetime.timedelta(minutes=10)
# Missed due times recorded as skipped at most, after a very long downtime.
MAX_SKIPPED_RECORDED = 100


@dataclasses.dataclass(frozen=True)
class Weekly:
    """Due every week on `weekday` at `at` (wall-clock time in `time_zone`)."""

    weekday: int
    at: datetime.time
    time_zone: str = JAPAN_TIME_ZONE
    period_days = 7

    def latest_due(self, now: datetime.datetime) -> datetime.datetime:
        zone = zoneinfo.ZoneInfo(self.time_zone)
        today = now.astimezone(zone).date()
        day = today - datetime.timedelta(days=(today.weekday() - self.weekday) % 7)
        due = datetime.datetime.combine(day, self.at, tzinfo=zone)
        return due if due <= now else self.previous_due(due)

    def previous_due(self, due: datetime.datetime) -> datetime.datetime:
        zone = zoneinfo.ZoneInfo(self.time_zone)
        day = due.astimezone(zone).date() - datetime.timedelta(days=self.period_days)
        # Combined from the date, so a due time stays on the wall clock across DST changes.
        return datetime.datetime.combine(day, self.at, tzinfo=zone)


@dataclasses.dataclass(frozen=True)
class Daily(Weekly):
    """Due every day at `at` in `time_zone`."""

    weekday: int = 0
    at: datetime.time = datetime.time(0, 0)
    period_days = 1

    def latest_due(self, now: datetime.datetime) -> datetime.datetime:
        zone = zoneinfo.ZoneInfo(self.time_zone)
        due = datetime.datetime.combine(now.astimezone(zone).date(), self.at, tzinfo=zone)
        return due if due <= now else self.previous_due(due)


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    when: Weekly
    function: str
    kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    since: datetime.datetime | None = None

    def call(self, run: ScheduledRun) -> Any:
        return import_string(self.function)(run=run, **self.kwargs)


PERIODIC_JOBS: list[Job] = [
    # Finished tasks' rows (heartbeats above all) would otherwise grow the queue table forever.
    Job("prune-task-results", Daily(at=datetime.time(3, 30)), "tracker.tasks.prune_task_results"),
    # Security events older than SECURITY_LOG_RETENTION_DAYS.
    Job(
        "prune-security-log",
        Daily(at=datetime.time(3, 45)),
        "tracker.services.security_log.security_log_prune_job",
    ),
    # SQLite's query planner statistics (PostgreSQL's autovacuum keeps its own).
    Job(
        "query-statistics",
        Daily(at=datetime.time(4)),
        "tracker.tasks.refresh_query_statistics",
    ),
    # Due, overdue, review-date and stale reminders, then the day's digest mail.
    Job("reminders", Daily(at=datetime.time(7)), "tracker.services.notifications.reminders_job"),
    Job("daily-digest", Daily(at=datetime.time(8)), "tracker.services.notifications.digests_job"),
    Job(
        "weekly-digest",
        Weekly(Weekday.MONDAY, settings.WEEKLY_DIGEST_TIME),
        "tracker.services.digests.weekly_digests_job",
    ),
]
JOB_SOURCES: list[str] = [
    "tracker.services.report_schedules.report_schedule_jobs",
]


def all_jobs() -> Iterator[Job]:
    yield from PERIODIC_JOBS
    for source in JOB_SOURCES:
        yield from import_string(source)()


def find_job(name: str) -> Job | None:
    return next((job for job in all_jobs() if job.name == name), None)


@dataclasses.dataclass
class TickOutcome:
    enqueued: list[ScheduledRun] = dataclasses.field(default_factory=list)
    skipped: int = 0


def tick(now: datetime.datetime | None = None) -> TickOutcome:
    """Enqueue every job due at `now` (default: the current time) that no scheduler has yet."""
    now = now or timezone.now()
    outcome = TickOutcome()
    heartbeat_record(name="scheduler", now=now)
    for job in all_jobs():
        try:
            _tick_job(job, now, outcome)
        except Exception:
            # One broken job (a source that fails, a bad zone) must not stop the others.
            logger.exception("Scheduling %s failed", job.name)
    _ask_worker_for_heartbeat(now)
    return outcome


def _tick_job(job: Job, now: datetime.datetime, outcome: TickOutcome) -> None:
    latest = job.when.latest_due(now)
    last = ScheduledRun.objects.for_job(job.name).order_by("-due_at").first()
    if last is not None and last.due_at >= latest:
        return
    if last is None and job.since is None:
        outcome.skipped += scheduled_runs_skip(
            job=job.name, due_times=[latest], reason="Due before the job was first scheduled."
        )
        return
    if job.since is not None and latest < job.since:
        return
    floor = max(t for t in (last.due_at if last else None, job.since) if t is not None)
    missed = []
    due = job.when.previous_due(latest)
    while due > floor and len(missed) < MAX_SKIPPED_RECORDED:
        missed.append(due)
        due = job.when.previous_due(due)
    if missed:
        outcome.skipped += scheduled_runs_skip(
            job=job.name,
            due_times=missed,
            reason="Missed while no scheduler was running; only the latest due time ran.",
        )
    run = scheduled_run_claim(job=job.name, due_at=latest, enqueue=_enqueue)
    if run is not None:
        logger.info("Enqueued %s", run)
        outcome.enqueued.append(run)


def _enqueue(run: ScheduledRun) -> None:
    from .tasks import run_job

    run_job.enqueue(run_id=run.pk, attempt=1)


def _ask_worker_for_heartbeat(now: datetime.datetime) -> None:
    """Queue a heartbeat task when the worker's last one is old and none is waiting, so the
    worker's heartbeat proves it takes tasks from the queue, not merely that it runs."""
    from .tasks import worker_heartbeat

    seen = JobHeartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    if seen is not None and now - seen < HEARTBEAT_EVERY:
        return
    if _queued().filter(task_path=worker_heartbeat.module_path).exists():
        return
    worker_heartbeat.enqueue()


def _queued():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY")


def run_forever(*, interval: float, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until SIGINT/SIGTERM (or `stop`), finishing the tick."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_args: stop.set())
    try:
        while not stop.is_set():
            close_old_connections()
            try:
                tick()
            except Exception:
                # A database restart must not end the scheduler: it tries again next time.
                logger.exception("Scheduler tick failed")
            stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def jobs_health(now: datetime.datetime | None = None) -> dict[str, Any]:
    """Whether the worker and the scheduler are alive, the queue's length and the failures of
    the last day: what `manage.py worker_status` prints and /health/jobs/ returns."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    beats = dict(JobHeartbeat.objects.values_list("name", "seen_at"))
    queued = _queued().aggregate(length=Count("pk"), oldest=Min("run_after"))
    day_ago = now - datetime.timedelta(days=1)
    oldest = queued["oldest"]
    backlog = oldest is not None and now - oldest > BACKLOG_LIMIT
    processes = {name: _alive(beats.get(name), now) for name in ("worker", "scheduler")}
    return {
        "healthy": all(p["alive"] for p in processes.values()) and not backlog,
        **processes,
        "queue": {
            "length": queued["length"],
            "oldest_waiting_seconds": max(0, int((now - oldest).total_seconds())) if oldest else 0,
            "backlog": backlog,
        },
        "failed_tasks_last_day": DBTaskResult.objects.failed()
        .filter(finished_at__gte=day_ago)
        .count(),
        "failed_runs_last_day": ScheduledRun.objects.failed_since(day_ago).count(),
        "tasks_backend": settings.TASKS["default"]["BACKEND"],
    }


def _alive(seen: datetime.datetime | None, now: datetime.datetime) -> dict[str, Any]:
    return {
        "alive": seen is not None and now - seen <= ALIVE_WITHIN,
        "last_seen": seen.isoformat() if seen else None,
    }


__all__ = [
    "JOB_SOURCES",
    "PERIODIC_JOBS",
    "Daily",
    "Job",
    "Weekday",
    "Weekly",
    "all_jobs",
    "find_job",
    "jobs_health",
    "run_forever",
    "tick",
]
