"""In-process page timings: each page of the web benchmark through Django's test client, no server.

    python benchmarks/bench_pages.py                          # PostgreSQL, 60 requests a page
    python benchmarks/bench_pages.py --db both --requests 200
    python benchmarks/bench_pages.py --source ../before       # another checkout, same data set
    python benchmarks/bench_pages.py --pages dashboard,commitment-list
    python benchmarks/bench_pages.py --profile commitment-list

The same data set, settings and manager as bench_web.py (which builds the data set once), and
its pages, each requested in one process: the median wall time and CPU time of a request, its
queries and the page's size. Where `wrk` measures what a server answers under load, this says
where one request's time goes, with less noise: a change's effect on one page can be read from
two runs minutes apart. `--profile PAGE` prints that page's profile (cProfile, by cumulative
time) instead. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_web

# A page as slow as the weekly report is requested for this long at most (at least 5 times).
SECONDS_PER_PAGE = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="postgresql")
    parser.add_argument("--requests", type=int, default=60, help="per page (default 60)")
    parser.add_argument("--source", type=Path, default=bench_web.ROOT, help="the checkout to time")
    parser.add_argument("--pages", help="these pages only, by name, comma-separated")
    parser.add_argument("--profile", metavar="PAGE", help="print this page's profile instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure(json.loads(args.child), args.requests, args.profile, args.pages)
        return
    bench_web.DATA.mkdir(exist_ok=True)
    databases = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    rows = []
    for db in databases:
        env = bench_web.server_environment(db, args.source)
        facts = json.dumps(bench_web.prepare_data(db, env, args.source))
        command = [sys.executable, __file__, "--child", facts, "--requests", str(args.requests)]
        for option in ("profile", "pages"):
            if getattr(args, option):
                command += [f"--{option}", getattr(args, option)]
        timed = subprocess.run(  # noqa: S603 - our own interpreter and script
            command, cwd=args.source, env=env, check=True, stdout=subprocess.PIPE, text=True
        )
        if args.profile:
            print(timed.stdout)
            continue
        rows += [json.loads(line) | {"db": db} for line in timed.stdout.splitlines()]
    if rows:
        print_table(rows)


def measure(facts: dict, requests: int, profile: str | None, only: str | None) -> None:
    """In the served checkout's process, with the deployed settings: time each page."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=facts["username"]))
    pages = bench_web.pages(facts)
    if only:
        pages = {name: pages[name] for name in only.split(",") if name in pages}
    if profile:
        if profile not in pages:
            raise SystemExit(f"no page {profile!r}; pages: {', '.join(pages)}")
        for _ in range(5):
            client.get(pages[profile])
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client.get(pages[profile]) for _ in range(requests)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
        return
    for name, path in pages.items():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name} answered {response.status_code}, not 200")
        for _ in range(min(5, requests)):
            client.get(path)
        walls, cpus = [], []
        deadline = time.monotonic() + SECONDS_PER_PAGE
        while len(walls) < requests and (len(walls) < 5 or time.monotonic() < deadline):
            started, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        row = {
            "page": name,
            "requests": len(walls),
            "wall_ms": round(statistics.median(walls), 2),
            "cpu_ms": round(statistics.median(cpus), 2),
            "queries": len(queries),
            "kb": round(len(response.content) / 1024),
        }
        print(json.dumps(row), flush=True)


def print_table(rows: list[dict]) -> None:
    print(f"\n{'page':<26}{'db':<12}{'wall ms':>9}{'CPU ms':>9}{'queries':>9}{'KB':>6}{'n':>6}")
    for row in rows:
        print(
            f"{row['page']:<26}{row['db']:<12}{row['wall_ms']:>9.2f}{row['cpu_ms']:>9.2f}"
            f"{row['queries']:>9}{row['kb']:>6}{row['requests']:>6}"
        )
    print()
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
