"""Enqueue the periodic jobs when they are due (tracker/scheduling.py explains how).

python manage.py run_scheduler              # tick every 30 seconds until Ctrl-C or SIGTERM
python manage.py run_scheduler --once       # one tick, e.g. from cron or a test
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tracker.scheduling import run_forever, tick


class Command(BaseCommand):
    help = (
        "Enqueue each periodic job once per due time (safe with several schedulers at once); "
        "`manage.py db_worker` runs them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between ticks (default: 30).",
        )

    def handle(self, *args, once: bool, interval: float, **options):
        if not 1 <= interval <= 3600:
            raise CommandError("--interval must be between 1 and 3600 seconds.")
        if once:
            outcome = tick()
            for run in outcome.enqueued:
                self.stdout.write(f"Enqueued {run}")
            self.stdout.write(
                f"{len(outcome.enqueued)} run(s) enqueued, {outcome.skipped} missed due time(s) "
                "recorded as skipped."
            )
            return
        self.stdout.write(f"Scheduler running, ticking every {interval:g} seconds.")
        run_forever(interval=interval)
