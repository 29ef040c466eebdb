"""Benchmark the weekly report: build a large data set, then time build_report and every format.

    python benchmarks/bench_report.py               # 10,000 commitments, 100,000 status updates
    python benchmarks/bench_report.py --commitments 1000 --updates 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python benchmarks/bench_report.py

SQLite: a fresh database file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates
a throw-away test database next to the named one and drops it afterwards, so real data is never
touched. Every status update also writes a history row, as the service does, so the history table
is as large as it would be in use.

Besides each step's time it prints the raw query (every commitment in the report with the columns
the CSV writes, `list(values_list(...))`, no as-of rules) and each download's time (build and
write, as the view does) as a multiple of it, and the report page through the test client.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import random
import time
import tracemalloc

from throwaway_database import throwaway_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commitments", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=48)
    parser.add_argument("--skip", default="", help="formats to skip, e.g. pdf")
    args = parser.parse_args()

    with throwaway_database("bench-report-") as connection:
        run(args, connection)


def run(args, connection) -> None:
    from django.contrib.auth import get_user_model
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tracker import report as reports

    now = timezone.now()
    week = reports.last_complete_week(now)
    _, week_end = reports.parse_iso_week(week)
    print(f"{connection.vendor}, week {week}, building data …", flush=True)
    started = time.perf_counter()
    counts = build_data(args, week_end=week_end, now=now, user_model=get_user_model())
    _settle(connection)
    print(
        f"built {counts} in {time.perf_counter() - started:.1f} s; timing (best of 3; the HTML "
        "and PDF files 1 run each):",
        flush=True,
    )

    results: list[tuple[str, float, str]] = []
    raw = _best(lambda: _raw_query(week_end))
    results.append(("raw query", raw, f"{len(_raw_query(week_end))} rows, the ratios' unit"))
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        report = reports.build_report(week=week, now=now)
    build = _best(lambda: reports.build_report(week=week, now=now))
    results.append(
        (
            "build_report",
            build,
            f"{len(queries)} queries, {len(report.open_rows)} open rows, {build / raw:.1f}× raw",
        )
    )

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if "pdf" not in skip:
        # A worker imports WeasyPrint once, with its first PDF; the time below is a PDF's own.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        import weasyprint  # noqa: F401
    writers = {
        "html": lambda r: reports.render_html(r).encode(),
        "pdf": reports.render_pdf,
        "xlsx": reports.render_xlsx,
        "csv": lambda r: b"".join(reports.iter_csv(r)),
    }
    for fmt, write in writers.items():
        if fmt in skip:
            continue
        # Each file from a report of its own: a report's rows are built when first written.
        if fmt in ("csv", "xlsx"):
            # The download as the view makes it: the build, then the file; best of 3.
            elapsed = _best(lambda write=write: write(reports.build_report(week=week, now=now)))
            content = write(report)
            note = f"{len(content) / 1e6:.1f} MB, build + write {elapsed / raw:.1f}× raw"
        else:
            fresh = reports.build_report(week=week, now=now)
            started = time.perf_counter()
            content = write(fresh)
            elapsed = time.perf_counter() - started
            note = f"{len(content) / 1e6:.1f} MB, the file alone (after the build)"
        results.append((fmt, elapsed, note))

    # Peak memory while streaming the CSV (the report rows are already in memory): chunks are
    # dropped as they go, as StreamingHttpResponse does.
    tracemalloc.start()
    size = 0
    for chunk in reports.iter_csv(report):
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    results.append(("csv stream", 0.0, f"peak {peak / 1024:.0f} KiB for {size / 1e6:.1f} MB"))
    results.extend(_page(week, connection))

    print(f"\n{'step':<14}{'seconds':>9}  notes")
    for name, elapsed, note in results:
        print(f"{name:<14}{elapsed:>9.2f}  {note}")


def _settle(connection) -> None:
    """The tables as they stand in use: statistics gathered, PostgreSQL's visibility map set.

    Freshly loaded, every index-only scan of the journal and the history would also read the
    table (autovacuum has not run yet), and the planner would guess the sizes of tables it has
    never analysed; a database in use has both, from autovacuum (or `ANALYZE` on SQLite).
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _best(run, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _raw_query(week_end) -> list:
    """The report's rows without its rules: each commitment with the columns the CSV writes."""
    from tracker.models import Commitment

    return list(
        Commitment.objects.filter(created_at__lt=week_end).values_list(
            "pk",
            "title",
            "origin_meeting__title",
            "origin_meeting__starts_at",
            "owner__first_name",
            "owner__last_name",
            "lead_division__name",
            "status",
            "confidence",
            "target_date",
            "updated_at",
            "next_step",
        )
    )


def _page(week, connection) -> list[tuple[str, float, str]]:
    """The report page and one "Show more" fragment, through the test client, as a manager."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tracker import two_factor

    # Not setup_test_environment(): its instrumented templates copy the context at every
    # include, which no server does. The test client's host is allowed instead.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = get_user_model().objects.create_superuser("bench-manager", "", "x")
    client = Client()
    client.force_login(user)
    # The benchmark times the report, not the log-in: the session owes no second factor, as in
    # the test suite's log-ins.
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.NONE
    session.save()
    client.get(reverse("report"), {"week": week})  # the session's first write
    results = []
    for name, params, headers in (
        ("page", {"week": week}, {}),
        ("page, more", {"week": week, "open": 100, "part": "open"}, {"HTTP_HX_REQUEST": "true"}),
    ):
        elapsed = float("inf")
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(reverse("report"), params, **headers)
                elapsed = min(elapsed, time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
        results.append((name, elapsed, f"{len(queries)} queries, {size / 1e6:.2f} MB"))
    return results


def build_data(args, *, week_end, now, user_model) -> str:
    from tracker.models import (
        Commitment,
        Confidence,
        Division,
        FollowUp,
        FollowUpOutcome,
        Meeting,
        MeetingKind,
        MeetingSeries,
        Status,
        StatusUpdate,
        Theme,
    )

    rng = random.Random(args.seed)
    history_model = Commitment.history.model
    users = user_model.objects.bulk_create(
        [
            user_model(username=f"officer{i}", first_name="Officer", last_name=str(i))
            for i in range(60)
        ]
    )
    divisions = Division.objects.bulk_create(
        [Division(code=f"div-{i}", name=f"Division {i}") for i in range(12)]
    )
    themes = Theme.objects.bulk_create(
        [Theme(code=f"theme-{i}", name=f"Theme {i}", name_ja=f"テーマ{i}") for i in range(12)]
    )
    series = MeetingSeries.objects.bulk_create(
        [MeetingSeries(name=f"Consultation {i}", kind=MeetingKind.DIALOGUE) for i in range(8)]
    )
    span = datetime.timedelta(days=730)
    first = week_end - span
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"Ministerial meeting {i}",
                kind=MeetingKind.FOREIGN_MINISTERS,
                series=rng.choice(series),
                starts_at=first + datetime.timedelta(days=i * 2.4),
                place="Tokyo",
            )
            for i in range(300)
        ]
        + [
            Meeting(
                title=f"Upcoming consultation {i}",
                kind=MeetingKind.DIALOGUE,
                series=series[i] if i % 2 == 0 else None,
                starts_at=week_end + datetime.timedelta(days=2 + 2 * i),
                place="Washington, D.C.",
            )
            for i in range(6)
        ]
    )
    past_meetings = [m for m in meetings if m.starts_at < week_end]

    # Each series deals with one or two themes, and commitments come up again at a series of their
    # theme, as in life; random follow-ups would put every commitment on every briefing list.
    series_of_theme = {theme.pk: series[i % len(series)] for i, theme in enumerate(themes)}

    open_statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING, Status.STALLED]
    moves = [*open_statuses, Status.IN_PROGRESS, Status.COMPLETED]
    commitments = []
    journal = []
    history = []
    for i in range(args.commitments):
        created = first + datetime.timedelta(seconds=rng.uniform(0, span.total_seconds() - 86400))
        commitments.append(
            Commitment(
                origin_meeting=rng.choice(past_meetings),
                title=f"Agreed action {i}: strengthen cooperation on item {rng.randint(1, 999)}",
                quote="The two ministers concurred to strengthen cooperation.",
                lead_division=rng.choice(divisions),
                owner=rng.choice(users) if rng.random() > 0.05 else None,
                target_date=(created + datetime.timedelta(days=rng.randint(60, 1200))).date(),
                next_step="Prepare talking points for the next consultation.",
                follow_up_venue=rng.choice(series) if rng.random() < 0.1 else None,
                created_at=created,
            )
        )
    Commitment.objects.bulk_create(commitments, batch_size=2000)

    per_commitment = [[] for _ in commitments]
    for _ in range(args.updates - len(commitments)):
        per_commitment[rng.randrange(len(commitments))].append(None)
    links = []
    for index, commitment in enumerate(commitments):
        author = rng.choice(users)
        status, confidence = Status.NOT_STARTED, Confidence.GREEN
        journal.append(
            StatusUpdate(
                commitment=commitment,
                author=author,
                created_at=commitment.created_at,
                status_to=status,
                confidence_to=confidence,
                note="Recorded.",
            )
        )
        history.append(_history_row(history_model, commitment, commitment.created_at, "+"))
        times = sorted(
            rng.uniform(commitment.created_at.timestamp(), now.timestamp())
            for _ in per_commitment[index]
        )
        for stamp in times:
            at = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
            new_status = rng.choice(moves)
            new_confidence = rng.choice(list(Confidence))
            journal.append(
                StatusUpdate(
                    commitment=commitment,
                    author=rng.choice(users),
                    created_at=at,
                    status_from=status,
                    status_to=new_status,
                    confidence_from=confidence,
                    confidence_to=new_confidence,
                    note="Progress reported at working level.",
                )
            )
            status, confidence = new_status, new_confidence
            commitment.status, commitment.confidence = status, confidence
            history.append(_history_row(history_model, commitment, at, "~"))
        # A second theme, when there is one, is one the same series deals with (see below).
        theme = rng.choice(themes)
        chosen = [theme]
        partners = [
            t
            for t in themes
            if t is not theme and series_of_theme[t.pk] == series_of_theme[theme.pk]
        ]
        if partners and rng.random() < 0.2:
            chosen.append(rng.choice(partners))
        for theme in chosen:
            links.append(Commitment.themes.through(commitment_id=commitment.pk, theme_id=theme.pk))
    Commitment.objects.bulk_update(commitments, ["status", "confidence"], batch_size=2000)
    StatusUpdate.objects.bulk_create(journal, batch_size=5000)
    history_model.objects.bulk_create(history, batch_size=5000)
    Commitment.themes.through.objects.bulk_create(links, batch_size=5000)
    meetings_of_series = {s.pk: [m for m in past_meetings if m.series_id == s.pk] for s in series}
    theme_of = {}
    for link in links:
        theme_of.setdefault(link.commitment_id, link.theme_id)
    follow_ups = []
    for commitment in rng.sample(commitments, min(2000, len(commitments))):
        candidates = meetings_of_series[series_of_theme[theme_of[commitment.pk]].pk]
        if not candidates:
            continue
        meeting = rng.choice(candidates)
        if meeting.starts_at >= commitment.created_at:
            follow_ups.append(
                FollowUp(
                    commitment=commitment,
                    meeting=meeting,
                    outcome=FollowUpOutcome.REAFFIRMED,
                    recorded_at=meeting.starts_at,
                )
            )
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    return (
        f"{len(commitments)} commitments, {len(journal)} status updates, "
        f"{len(history)} history rows, {len(follow_ups)} follow-ups"
    )


def _history_row(history_model, commitment, at, kind):
    return history_model(
        id=commitment.pk,
        title=commitment.title,
        quote=commitment.quote,
        strength=commitment.strength,
        lead_division_id=commitment.lead_division_id,
        owner_id=commitment.owner_id,
        origin_meeting_id=commitment.origin_meeting_id,
        follow_up_venue_id=commitment.follow_up_venue_id,
        status=commitment.status,
        confidence=commitment.confidence,
        target_date=commitment.target_date,
        next_step=commitment.next_step,
        is_archived=False,
        version=1,
        created_at=commitment.created_at,
        updated_at=at,
        history_date=at,
        history_type=kind,
    )


if __name__ == "__main__":
    main()
