"""SQLite as configured takes concurrent writers without "database is locked".

Real processes against a real file: with Django's defaults (DEFERRED transactions, no WAL) the
read-then-write transactions below fail at once when they collide.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 4
ROWS_EACH = 25

WRITER = textwrap.dedent(
    """
    import os, sys, django
    django.setup()
    from django.db import transaction
    from tracker.models import Theme
    worker = sys.argv[1]
    for i in range(int(sys.argv[2])):
        with transaction.atomic():
            # Read first, then write: the pattern that SQLite's DEFERRED mode cannot upgrade
            # when another writer holds the lock.
            Theme.objects.count()
            Theme.objects.create(code=f"w{worker}-{i}", name=f"Theme {worker} {i}")
    """
)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite configuration only")
def test_concurrent_writers_all_succeed(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "1",
        "SQLITE_PATH": str(tmp_path / "concurrent.sqlite3"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(n), str(ROWS_EACH)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    errors = [w.communicate(timeout=300)[1] for w in writers]
    assert [w.returncode for w in writers] == [0] * WRITERS, "\n".join(errors)
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from tracker.models import Theme; "
            "print(Theme.objects.filter(code__startswith='w').count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(count.stdout) == WRITERS * ROWS_EACH
