"""The scheduler's and the worker's writes: claiming a due run, recording how it went, heartbeats.

Claiming is an insert under a unique constraint (job, due time): of several schedulers that see
the same due time, the database lets exactly one insert it, and only that one enqueues the job,
in the same transaction, so a run is never claimed without being queued nor queued twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import JobHeartbeat, RunStatus, ScheduledRun

# An error message is kept for people to read, not the whole traceback (the task's row has it).
ERROR_MAX_LENGTH = 2_000


def scheduled_run_claim(
    *, job: str, due_at: datetime.datetime, enqueue: Callable[[ScheduledRun], Any]
) -> ScheduledRun | None:
    """Insert the run of `job` due at `due_at` and enqueue it; None when another scheduler did."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = ScheduledRun(job=job, due_at=due_at, status=RunStatus.ENQUEUED)
                run.full_clean(validate_constraints=False)
                run.save()
        except IntegrityError:
            return None
        enqueue(run)
    return run


def scheduled_runs_skip(*, job: str, due_times: Iterable[datetime.datetime], reason: str) -> int:
    """Record due times that will not run (missed while no scheduler was up); idempotent."""
    now = timezone.now()
    rows = [
        ScheduledRun(
            job=job, due_at=due_at, status=RunStatus.SKIPPED, error=reason, finished_at=now
        )
        for due_at in due_times
    ]
    for row in rows:
        row.full_clean(validate_constraints=False)
    # Another scheduler may record the same skips at the same moment: the first one stands.
    return len(ScheduledRun.objects.bulk_create(rows, ignore_conflicts=True))


def scheduled_run_start(*, run: ScheduledRun, attempt: int) -> None:
    ScheduledRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=attempt)
    run.status, run.attempts = RunStatus.RUNNING, attempt


def scheduled_run_progress(*, run: ScheduledRun, data: dict[str, Any]) -> None:
    """Keep what the run has done (e.g. the issued report), so that a retry does not redo it."""
    run.result = {**run.result, **data}
    ScheduledRun.objects.filter(pk=run.pk).update(result=run.result)


def scheduled_run_finish(
    *,
    run: ScheduledRun,
    status: str,
    error: str = "",
    retry: Callable[[], Any] | None = None,
) -> None:
    """Record the outcome; with `retry`, the next attempt is queued in the same transaction."""
    if status not in RunStatus.values:
        raise ValueError(f"Unknown run status {status!r}")
    finished = None if status == RunStatus.RETRYING else timezone.now()
    with transaction.atomic():
        ScheduledRun.objects.filter(pk=run.pk).update(
            status=status, error=error[:ERROR_MAX_LENGTH], finished_at=finished
        )
        if retry is not None:
            retry()
    run.status, run.error, run.finished_at = status, error[:ERROR_MAX_LENGTH], finished


def heartbeat_record(*, name: str, now: datetime.datetime | None = None) -> None:
    """Say that the process `name` ("worker", "scheduler") is alive at `now`."""
    seen_at = now or timezone.now()
    beat = JobHeartbeat(name=name, seen_at=seen_at)
    beat.full_clean(validate_unique=False)
    JobHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": seen_at})


def task_results_prune(
    *,
    now: datetime.datetime,
    keep: datetime.timedelta = datetime.timedelta(days=7),
    keep_failed: datetime.timedelta = datetime.timedelta(days=30),
) -> int:
    """Delete the queue's finished rows (heartbeats above all): successes older than `keep`,
    failures older than `keep_failed`, so that an admin has a month to read an error."""
    from django_tasks_db.models import DBTaskResult

    old = DBTaskResult.objects.filter(
        Q(status="SUCCESSFUL", finished_at__lt=now - keep)
        | Q(status="FAILED", finished_at__lt=now - keep_failed)
    )
    deleted, _by_model = old.delete()
    return deleted
