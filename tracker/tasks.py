"""The tasks the worker (`manage.py db_worker`) runs: scheduled jobs, with retries, and heartbeats.

Django's tasks framework has no retries, so `run_job` adds them: a failed attempt records its
error on the `ScheduledRun`, queues the next attempt after a pause that doubles each time, and
fails its own task (the admin's "Task results" list shows the traceback). After
`JOB_MAX_ATTEMPTS` attempts the run stays failed, shown to admins and, for a report schedule, to
managers on the schedules page.

Idempotent: an attempt of a run that already succeeded (or was superseded by a later attempt)
returns at once, and a job keeps its progress in `run.result` so that a retry skips what is done.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.tasks import default_task_backend, task
from django.utils import timezone

from .models import RunStatus, ScheduledRun
from .scheduling import find_job
from .services.jobs import (
    heartbeat_record,
    scheduled_run_finish,
    scheduled_run_start,
    task_results_prune,
)


@task
def run_job(*, run_id: int, attempt: int = 1) -> str:
    run = ScheduledRun.objects.filter(pk=run_id).first()
    if run is None:
        return "gone"
    if run.status in (RunStatus.SUCCEEDED, RunStatus.SKIPPED) or attempt < run.attempts:
        return "already done"
    job = find_job(run.job)
    if job is None:
        # The job was removed (a report schedule deleted or disabled) after it was queued.
        scheduled_run_finish(
            run=run, status=RunStatus.SKIPPED, error="The job no longer exists or is disabled."
        )
        return "skipped"
    scheduled_run_start(run=run, attempt=attempt)
    try:
        job.call(run)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        if attempt < settings.JOB_MAX_ATTEMPTS:
            scheduled_run_finish(
                run=run,
                status=RunStatus.RETRYING,
                error=message,
                retry=lambda: _retry(run_id=run_id, attempt=attempt + 1),
            )
        else:
            scheduled_run_finish(run=run, status=RunStatus.FAILED, error=message)
        raise
    scheduled_run_finish(run=run, status=RunStatus.SUCCEEDED)
    return "done"


def retry_delay(attempt: int) -> datetime.timedelta:
    """The pause before `attempt` (2, 3, …): JOB_RETRY_DELAY_SECONDS, doubled each time."""
    return datetime.timedelta(seconds=settings.JOB_RETRY_DELAY_SECONDS * 2 ** (attempt - 2))


def _retry(*, run_id: int, attempt: int) -> None:
    retry = run_job
    # The immediate backend (tests, DEBUG without a worker) cannot defer: it retries at once.
    if default_task_backend.supports_defer:
        retry = run_job.using(run_after=timezone.now() + retry_delay(attempt))
    retry.enqueue(run_id=run_id, attempt=attempt)


@task
def worker_heartbeat() -> None:
    heartbeat_record(name="worker")


def prune_task_results(*, run: ScheduledRun) -> None:
    """Delete finished task rows: successes after a week, failures after a month."""
    task_results_prune(now=run.due_at)


def refresh_query_statistics(*, run: ScheduledRun) -> None:
    """SQLite: `ANALYZE`, the statistics its query planner chooses indexes by.

    PostgreSQL's autovacuum gathers them as tables change; SQLite has nothing of the kind, and
    a database that never had them is planned blind. At 10,000 commitments the list page's
    queries took 16 ms instead of 2, the dashboard's 21-24 instead of 9 (docs/benchmarks.md).
    A full pass, not `analysis_limit`'s sample: sampled statistics once sent the dashboard's
    recent activity through a 220 ms plan. It took 0.15 s over 100,000 journal entries."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
