"""Benchmark the bulk edit: one request changing 500 commitments from the list's bar, through the
view (the test client, with the CSRF token the list page gives), printing seconds and queries.

    python benchmarks/bench_bulk.py
    python benchmarks/bench_bulk.py --items 500 --extra 2000 --repeat 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python benchmarks/bench_bulk.py

SQLite: a fresh database file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates
a throw-away test database next to the named one and drops it afterwards. The commitments are
created through `services.commitment_create`, as the app writes them (journal, chain, history,
search document), in one division of ten officers each watching a few items, so that every
change has an audience to notify. Each run posts the ticked rows ("number:version", as the
browser sends them) and then every matching commitment ("select all N matching"), each moving
the status with a note: 500 journal entries, history records and links of the chain a run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from throwaway_database import counting, throwaway_database

GOAL_SECONDS = 5
# The statuses each run moves the items between, back and forth (both need no note, but each
# run writes one so that the search document and the notifications get theirs).
MOVES = ("in_progress", "ongoing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=500, help="commitments changed at once")
    parser.add_argument("--extra", type=int, default=500, help="other commitments in the database")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind of request")
    args = parser.parse_args()

    with throwaway_database("bench-bulk-") as connection:
        run(args, connection)


def run(args, connection) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tracker.models import Commitment, JournalLink, StatusUpdate

    setup_test_environment()
    # The immediate task backend of the test settings logs every mail job it runs.
    logging.getLogger("django.tasks").setLevel(logging.WARNING)
    print(f"{connection.vendor}: building data …", flush=True)
    started = time.perf_counter()
    editor, division = build_data(args)
    print(
        f"built {args.items + args.extra:,} commitments in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    token = client.get("/commitments/").cookies["csrftoken"].value
    target = list(
        Commitment.objects.filter(lead_division=division)
        .order_by("pk")
        .values_list("pk", flat=True)[: args.items]
    )
    results: dict[str, list[tuple[float, int]]] = {"ticked rows": [], "all matching": []}
    run_number = 0
    for _round in range(args.repeat):
        for kind in results:
            status = MOVES[run_number % 2]
            run_number += 1
            data = {"csrfmiddlewaretoken": token, "status": status, "note": f"Run {run_number}"}
            if kind == "ticked rows":
                versions = Commitment.objects.filter(pk__in=target).values_list("pk", "version")
                data["ids"] = [f"{pk}:{version}" for pk, version in versions]
            else:
                data |= {
                    "scope": "matching",
                    "query": f"division={division.pk}",
                    "confirmed_count": args.items,
                }
            entries = StatusUpdate.objects.count()
            queries: list[str] = []
            started = time.perf_counter()
            with connection.execute_wrapper(counting(queries)):
                response = client.post("/commitments/bulk/", data)
            seconds = time.perf_counter() - started
            assert response.status_code == 302, (response.status_code, response.content[:2000])
            written = StatusUpdate.objects.count() - entries
            assert written == args.items, f"{written} journal entries written"
            results[kind].append((seconds, len(queries)))
            print(f"  {kind:13} {seconds:6.2f} s  {len(queries):4} queries", flush=True)
    links = JournalLink.objects.count()
    print(
        f"\n{args.items} items in one request ({connection.vendor}, {links:,} links in the chain)"
    )
    print(f"{'request':13} {'median s':>9} {'max s':>7} {'queries':>8}")
    for kind, runs in results.items():
        times = [seconds for seconds, _queries in runs]
        print(
            f"{kind:13} {statistics.median(times):9.2f} {max(times):7.2f} "
            f"{max(q for _s, q in runs):8}"
        )
    slowest = max(seconds for runs in results.values() for seconds, _q in runs)
    verdict = "within" if slowest < GOAL_SECONDS else "OVER"
    print(f"slowest run: {slowest:.2f} s, {verdict} the {GOAL_SECONDS} s goal")


def build_data(args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from tracker import services
    from tracker.models import Division, Meeting, MeetingKind, Watch
    from tracker.permissions import Role

    User = get_user_model()
    division = Division.objects.create(code="bulk", name="Bulk division")
    other = Division.objects.create(code="other", name="Other division")
    editors = Group.objects.get_or_create(name=Role.EDITOR)[0]
    officers = []
    for number in range(10):
        officer = User.objects.create_user(f"officer{number}", email=f"o{number}@example.org")
        officer.groups.add(editors)
        officer.divisions.add(division)
        officers.append(officer)
    editor = officers[0]
    meeting = Meeting.objects.create(
        title="Foreign Ministers' Meeting",
        kind=MeetingKind.FOREIGN_MINISTERS,
        starts_at=timezone.now(),
        time_zone="Asia/Tokyo",
    )
    for number in range(args.items + args.extra):
        commitment = services.commitment_create(
            user=editor,
            origin_meeting=meeting,
            title=f"Commitment {number}",
            quote=f"The two ministers confirmed item {number}.",
            lead_division=division if number < args.items else other,
            owner=officers[number % 10],
        )
        if number % 7 == 0:
            Watch.objects.create(user=officers[(number + 3) % 10], commitment=commitment)
    return editor, division


if __name__ == "__main__":
    main()
