"""Load benchmark: every main page under `wrk`, as deployed, against a bare view on the same server.

    python benchmarks/bench_web.py                       # PostgreSQL, 10 s per page
    python benchmarks/bench_web.py --db both --seconds 30
    python benchmarks/bench_web.py --source ../before  # another checkout, e.g. a git worktree
    python benchmarks/bench_web.py --redmine-port 3000  # Redmine's pages in the same run

For each database it builds the data set once (bench_data.py: 10,000 commitments, 100,000 journal
entries; PostgreSQL database `tracker_bench`, SQLite file under benchmarks/.data/), starts gunicorn
as the README deploys it (3 sync workers, DEBUG off, collected static files), logs in as a manager,
checks that every page answers 200, then drives each page with wrk at concurrency 8, alternating
with the bare view so that the ratio compares runs seconds apart. It prints a table and one JSON
line per page and database. With --redmine-port, Redmine's issue list and issue pages, loaded with
the same data set (benchmarks/redmine/setup.sh), run in the PostgreSQL pass beside the tracker's
pages and the same bare view. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / ".data"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
CONCURRENCY = 8
BARE = "bare"
REDMINE_PASSWORD = "bench-pass-123"  # benchmarks/redmine/setup.rb


class Target(NamedTuple):
    """A page to load: the server's port, the path, the session cookie, and a cheap path of the same
    server to ask when waiting for the requests wrk left queued."""

    port: int
    path: str
    cookie: str
    idle_path: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="per page and run (default 10)")
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="postgresql")
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument(
        "--redmine-port",
        type=int,
        help="a Redmine on 127.0.0.1 loaded by benchmarks/redmine/setup.sh, measured beside",
    )
    parser.add_argument(
        "--no-statistics",
        action="store_true",
        help="SQLite only: serve the data set without the query planner's statistics, as a "
        "deployment has it before the nightly query-statistics job first runs",
    )
    args = parser.parse_args()
    if args.no_statistics and args.db != "sqlite":
        parser.error("--no-statistics needs --db sqlite (PostgreSQL's autovacuum keeps them)")
    require_wrk()
    DATA.mkdir(exist_ok=True)
    databases = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    results = [row for db in databases for row in run_database(db, args)]
    print_table(results)
    for row in results:
        print(
            json.dumps(
                {k: row[k] for k in ("page", "db", "rps", "p50_ms", "p95_ms", "ratio_to_bare")}
            )
        )


def require_wrk() -> None:
    if shutil.which("wrk"):
        return
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (Debian package) …", flush=True)
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update"], install):
            subprocess.run(command, check=True, env=env)  # noqa: S603 - fixed arguments
        return
    raise SystemExit(
        "wrk is missing. Install it, then run again:\n"
        f"    sudo apt-get update && sudo {' '.join(install)}"
    )


def pages(facts: dict) -> dict[str, str]:
    search = urllib.parse.urlencode({"q": facts["search"]})
    return {
        BARE: "/bare/",
        "dashboard": "/",
        "commitment-list": "/commitments/",
        # The JSON API's first page of the same list, read with the same session cookie.
        "api-commitment-list": "/api/v1/commitments/",
        "commitment-list-page-50": "/commitments/?page=50",
        "commitment-list-search": f"/commitments/?{search}",
        "commitment-detail-1000": f"/commitments/{facts['detail_1000']}/",
        "commitment-detail-24": f"/commitments/{facts['detail_24']}/",
        "weekly-report": "/reports/weekly/",
    }


def redmine_pages(port: int) -> dict[str, Target]:
    """Redmine's counterparts, logged in as the project's manager: the issue list (first page,
    page 50, the same phrase searched in open issues) and the issues with 1,000 and 24 journal
    entries."""
    cookie = redmine_log_in(port, "manager", REDMINE_PASSWORD)
    search = urllib.parse.urlencode(
        [("set_filter", "1"), ("f[]", "status_id"), ("op[status_id]", "o"),
         ("f[]", "any_searchable"), ("op[any_searchable]", "~"),
         ("v[any_searchable][]", "working-level consultations")]
    )  # fmt: skip
    paths = {
        "redmine-issue-list": "/projects/japan-us/issues",
        "redmine-issue-list-page-50": "/projects/japan-us/issues?page=50",
        "redmine-issue-list-search": f"/projects/japan-us/issues?{search}",
        "redmine-issue-1000": "/issues/1",
        "redmine-issue-24": "/issues/2",
    }
    return {name: Target(port, path, cookie, "/login") for name, path in paths.items()}


def redmine_log_in(port: int, username: str, password: str) -> str:
    _, page = get(port, "/login")
    token = re.search(rb'name="authenticity_token" value="([^"]+)"', page.body).group(1)
    form = {"username": username, "password": password, "authenticity_token": token.decode()}
    cookie = "; ".join(f"{k}={v}" for k, v in cookies_of(page).items())
    response = post(port, "/login", form, cookie)
    if response.status != 302 or "/login" in response.getheader("Location", "/login"):
        raise SystemExit(f"Redmine log-in as {username} failed ({response.status})")
    return "; ".join(f"{k}={v}" for k, v in cookies_of(response).items())


def server_environment(db: str, source: Path) -> dict[str, str]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DJANGO_SECRET_KEY": "web-benchmark-only-not-a-secret",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback, where the deployment has its TLS proxy in front.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # wrk sends hundreds of API requests a second: the rate limit would answer 429.
        "API_RATE_LIMIT": "10000000/minute",
        # The served checkout first; this one adds the benchmark's settings and bare view.
        "PYTHONPATH": f"{source}{os.pathsep}{ROOT}",
    }
    env.pop("DATABASE_URL", None)
    if db == "postgresql":
        env["DATABASE_URL"] = POSTGRES_URL
    else:
        env["SQLITE_PATH"] = str(DATA / "bench.sqlite3")
    return env


def run_database(db: str, args) -> list[dict]:
    env = server_environment(db, args.source)
    if args.no_statistics:
        env["BENCH_NO_STATISTICS"] = "1"
    facts = prepare_data(db, env, args.source)
    port = free_port()
    log = (DATA / f"gunicorn-{db}.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "tracker.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "3", "--access-logfile", "-"],
        cwd=args.source, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(port)
        cookie = log_in(port, facts["username"], facts["password"])
        targets = {name: Target(port, p, cookie, "/bare/") for name, p in pages(facts).items()}
        if args.redmine_port and db == "postgresql":
            targets |= redmine_pages(args.redmine_port)
        seconds = {}
        for name, target in targets.items():
            started = time.perf_counter()
            status, _ = get(target.port, target.path, target.cookie)
            if status != 200:
                raise SystemExit(f"{name} answered {status}, not 200: see {log.name}")
            seconds[name] = run_length(time.perf_counter() - started, args.seconds)
        print(f"{db}: gunicorn on port {port}, all pages answer 200; measuring …", flush=True)
        rows = measure_all(db, targets, seconds)
        # Issue 11's memory goal: a worker under 150 MB after the report pages just measured.
        sizes = ", ".join(f"{size} MB" for size in worker_rss_mb(server.pid))
        print(f"{db}: gunicorn workers' memory (RSS) after every page: {sizes}", flush=True)
        return rows
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def prepare_data(db: str, env: dict[str, str], source: Path) -> dict:
    """Build the data set if it is missing (bench_data.py); its facts: the manager's log-in,
    the commitments with 1,000 and 24 journal entries, the search phrase."""
    print(f"{db}: preparing the data set (built once, several minutes) …", flush=True)
    prepared = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(HERE / "bench_data.py")],
        cwd=source,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(prepared.stdout.strip().splitlines()[-1])


def worker_rss_mb(master: int) -> list[int]:
    """The resident memory of each worker of the gunicorn `master` (Linux's /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue  # a process that ended meanwhile
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(sizes)


def run_length(latency: float, seconds: int) -> int:
    """A page that takes seconds is run long enough for some 20 answers (at most 3 minutes): wrk
    counts only the requests answered within the run, and a handful would say little."""
    return max(seconds, min(math.ceil(10 * latency), 180))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


def get(port: int, path: str, cookie: str = "") -> tuple[int, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response.status, response


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    pairs = (header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or [])
    return dict(pair.split("=", 1) for pair in pairs)


def log_in(port: int, username: str, password: str) -> str:
    """The session cookie of a log-in through the form, CSRF token and all."""
    _, page = get(port, "/accounts/login/")
    csrf = cookies_of(page)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token.decode()}
    response = post(port, "/accounts/login/", form, f"csrftoken={csrf}")
    session = cookies_of(response).get("sessionid")
    if response.status != 302 or not session:
        raise SystemExit(f"log-in as {username} failed ({response.status})")
    return f"csrftoken={csrf}; sessionid={session}"


def post(port: int, path: str, form: dict, cookie: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        path,
        body=urllib.parse.urlencode(form),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def wrk(target: Target, seconds: int) -> dict:
    port, path, cookie = target.port, target.path, target.cookie
    command = [
        "wrk", "--threads", "2", "--connections", str(CONCURRENCY), "--duration", f"{seconds}s",
        # The slowest pages take seconds each: a request is never cut off and counted as lost.
        "--timeout", "120s", "--latency", "--script", str(HERE / "wrk_summary.lua"),
        "--header", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    finished = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    output = finished.stdout
    summary = json.loads(output.split("WRK_JSON ", 1)[1].splitlines()[0])
    settle(target, summary["max_us"] / 1e6)
    answered = summary["requests"] > 0
    return {
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": round(summary["p50_us"] / 1000, 1) if answered else None,
        "p95_ms": round(summary["p95_us"] / 1000, 1) if answered else None,
        "requests": summary["requests"],
        "errors": summary["errors"] + summary["timeouts"],
    }


def settle(target: Target, longest: float) -> None:
    """Wait until the requests wrk left queued are done, so that the next run starts on an idle
    server. Connections are served in arrival order: once a new request is answered, everything
    queued before it has started, and at most the longest request's time is left to run."""
    get(target.port, target.idle_path, target.cookie)
    time.sleep(min(longest, 120))


def measure_all(db: str, targets: dict[str, Target], seconds: dict[str, int]):
    """bare, page 1, bare, page 2, … bare: each page is set against the bare runs either side."""
    bare_target = targets[BARE]
    wrk(bare_target, 2)  # warm-up, every worker
    bare_runs = [wrk(bare_target, seconds[BARE])]
    rows = []
    for name, target in targets.items():
        if name == BARE:
            continue
        run = wrk(target, seconds[name])
        bare_runs.append(wrk(bare_target, seconds[BARE]))
        around = statistics.mean(r["rps"] for r in bare_runs[-2:])
        rows.append({"page": name, "db": db, **run, "ratio_to_bare": run["rps"] / around})
        print(f"  {name}: {run['rps']:.1f} req/s over {seconds[name]} s", flush=True)
    bare = {
        "rps": statistics.mean(r["rps"] for r in bare_runs),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in bare_runs), 1),
        "p95_ms": round(statistics.median(r["p95_ms"] for r in bare_runs), 1),
        "requests": sum(r["requests"] for r in bare_runs),
        "errors": sum(r["errors"] for r in bare_runs),
    }
    rows.insert(0, {"page": BARE, "db": db, **bare, "ratio_to_bare": 1.0})
    for row in rows:
        row["rps"] = round(row["rps"], 1)
        row["ratio_to_bare"] = round(row["ratio_to_bare"], 4)
    return rows


def print_table(rows: list[dict]) -> None:
    header = f"{'page':<26}{'db':<12}{'req/s':>9}{'p50 ms':>10}{'p95 ms':>10}{'vs bare':>9}"
    print(f"\n{header}{'requests':>10}{'errors':>8}")
    for row in rows:
        print(
            f"{row['page']:<26}{row['db']:<12}{row['rps']:>9.1f}{row['p50_ms'] or '-':>10}"
            f"{row['p95_ms'] or '-':>10}{row['ratio_to_bare']:>8.1%}{row['requests']:>10}"
            f"{row['errors']:>8}"
        )
    print()


if __name__ == "__main__":
    main()
