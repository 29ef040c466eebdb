"""Benchmark `manage.py verify_journal`: a journal of 100,000 entries, chained, then checked.

    python benchmarks/bench_journal.py                   # 100,000 entries (90 % status updates)
    python benchmarks/bench_journal.py --entries 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python benchmarks/bench_journal.py

SQLite: a fresh database file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates
a throw-away test database next to the named one and drops it afterwards. The entries are
written in bulk (not through the services: 100,000 service calls would take an hour) and then
sealed into the chain by the migration's own backfill, which gives the links the services would;
the command is then run as an operator runs it, and once more after one row was edited behind
the application's back, which it must name. Also prints the cost of sealing one entry.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import io
import random
import time

from throwaway_database import throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    with throwaway_database("bench-journal-") as connection:
        run(args, connection)


def run(args, connection) -> None:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command
    from django.db import transaction
    from django.utils import timezone

    from tracker.models import (
        Commitment,
        FollowUp,
        JournalHead,
        JournalLink,
        Meeting,
        StatusUpdate,
    )

    rng = random.Random(args.seed)
    start = timezone.now() - datetime.timedelta(days=3650)
    user = get_user_model().objects.create_user("bench", "bench@example.org", "x")
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting {n}",
            kind="foreign_ministers",
            starts_at=start + datetime.timedelta(days=n),
            time_zone="Asia/Tokyo",
            duration_minutes=60,
        )
        for n in range(2_000)
    )
    commitments = Commitment.objects.bulk_create(
        (
            Commitment(
                origin_meeting=meetings[n % 200],
                title=f"Agreed action {n}",
                quote=f"The two ministers agreed on action {n}.",
            )
            for n in range(args.commitments)
        ),
        batch_size=2_000,
    )
    follow_ups = args.entries // 10
    updates = args.entries - follow_ups
    t0 = time.perf_counter()
    StatusUpdate.objects.bulk_create(
        (
            StatusUpdate(
                commitment=commitments[n % len(commitments)],
                author=user,
                created_at=start + datetime.timedelta(minutes=50 * n),
                status_from="in_progress",
                status_to=rng.choice(["in_progress", "stalled", "completed"]),
                confidence_from="green",
                confidence_to=rng.choice(["green", "amber", "red"]),
                note=f"Progress note {n}: talks continued \u3000（進展）",
            )
            for n in range(updates)
        ),
        batch_size=2_000,
    )
    pairs = set()
    rows = []
    while len(rows) < follow_ups:
        pair = (rng.randrange(len(commitments)), rng.randrange(200, len(meetings)))
        if pair not in pairs:
            pairs.add(pair)
            rows.append(
                FollowUp(
                    commitment=commitments[pair[0]],
                    meeting=meetings[pair[1]],
                    outcome="reaffirmed",
                    note="Reaffirmed.",
                    recorded_by=user,
                    recorded_at=start + datetime.timedelta(minutes=500 * len(rows) + 7),
                )
            )
    FollowUp.objects.bulk_create(rows, batch_size=2_000)
    JournalLink.objects.all().delete()
    JournalHead.objects.all().delete()
    migration = importlib.import_module("tracker.migrations.0015_security_log")
    with transaction.atomic():
        migration.seal_existing_entries(apps, None)
    built = time.perf_counter() - t0
    print(f"{connection.vendor}: {updates:,} status updates + {follow_ups:,} follow-ups")
    print(f"  written and chained in {built:.1f} s")

    out = io.StringIO()
    t0 = time.perf_counter()
    call_command("verify_journal", stdout=out)
    elapsed = time.perf_counter() - t0
    print(f"  verify_journal (intact): {elapsed:.2f} s — {out.getvalue().strip()[:60]}…")

    victim = StatusUpdate.objects.order_by("pk")[updates // 2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tracker_statusupdate SET note = 'x' WHERE id = %s", [victim.pk])
    err = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.suppress(CommandError):
        call_command("verify_journal", stdout=io.StringIO(), stderr=err)
    elapsed = time.perf_counter() - t0
    print(f"  verify_journal (one row edited): {elapsed:.2f} s — {err.getvalue().splitlines()[0]}")

    from tracker import services

    commitment = Commitment.objects.get(pk=commitments[0].pk)
    t0 = time.perf_counter()
    for round_ in range(50):
        commitment = services.commitment_set_status(
            commitment=commitment,
            user=get_user_model().objects.create_superuser(f"m{round_}", "", "x"),
            status="stalled" if round_ % 2 == 0 else "in_progress",
            note=f"round {round_}",
            expected_version=commitment.version,
        )
    per_write = (time.perf_counter() - t0) / 50 * 1000
    print(f"  a status change with its seal: {per_write:.1f} ms (50 in a row)")


if __name__ == "__main__":
    main()
