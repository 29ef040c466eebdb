import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_starts_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        SQLITE_PATH=str(tmp_path / "deploy.sqlite3"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_sqlite_is_set_up_for_concurrent_writers():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.transaction_mode == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000


def test_default_time_zone_is_tokyo():
    assert os.environ.get("TIME_ZONE", "Asia/Tokyo") == settings.TIME_ZONE
    assert settings.USE_TZ


@pytest.mark.parametrize(
    ("query", "timeout"), [("", "0"), ("?options=-c%20statement_timeout%3D5000", "5s")]
)
def test_postgresql_connections_run_without_jit(query, timeout):
    # The JIT compiler spent 0.7 s on the weekly report's 0.2 s as-of read: off for every
    # connection, keeping options the address names.
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SHOW jit'); print(c.fetchone()[0])\n"
        "    c.execute('SHOW statement_timeout'); print(c.fetchone()[0])",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/postgres{query}",
    )
    assert result.stdout.split() == ["off", timeout], result.stdout + result.stderr
