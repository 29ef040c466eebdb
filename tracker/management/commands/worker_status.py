"""Whether the worker and the scheduler are alive, and how long the queue is.

python manage.py worker_status          # human-readable; exit status 1 when unhealthy
python manage.py worker_status --json   # the same as /health/jobs/
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from tracker.scheduling import jobs_health


class Command(BaseCommand):
    help = (
        "Report the background jobs' health: worker and scheduler heartbeats, queue length, "
        "failures of the last day. Exits with status 1 when unhealthy (for monitoring)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the report as JSON."
        )

    def handle(self, *args, as_json: bool = False, **options):
        health = jobs_health()
        if as_json:
            self.stdout.write(json.dumps(health, indent=2, sort_keys=True))
        else:
            for name in ("worker", "scheduler"):
                process = health[name]
                state = "alive" if process["alive"] else "NOT ALIVE"
                seen = process["last_seen"] or "never"
                self.stdout.write(f"{name}: {state} (last seen {seen})")
            queue = health["queue"]
            self.stdout.write(
                f"queue: {queue['length']} waiting, oldest waiting "
                f"{queue['oldest_waiting_seconds']} s"
            )
            self.stdout.write(
                f"failed in the last day: {health['failed_tasks_last_day']} task(s), "
                f"{health['failed_runs_last_day']} scheduled run(s) given up"
            )
            self.stdout.write("healthy" if health["healthy"] else "UNHEALTHY")
        if not health["healthy"]:
            # Non-zero exit status for monitoring (systemd, cron, a load balancer's check).
            raise CommandError("The background jobs are unhealthy.", returncode=1)
