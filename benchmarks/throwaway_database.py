"""Django set up for a benchmark run against a database of its own, dropped when the run ends.

SQLite: a file in a temporary directory. PostgreSQL (DATABASE_URL): Django creates a test
database next to the named one, so real data is never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def throwaway_database(prefix: str) -> Iterator:
    """Yields the connection to a freshly migrated database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        if not os.environ.get("DATABASE_URL"):
            os.environ["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        import django

        django.setup()
        from django.db import connection

        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield connection
        finally:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def counting(queries: list):
    """An execute wrapper (`connection.execute_wrapper(counting(queries))`) that appends each
    query's SQL to `queries`. Unlike CaptureQueriesContext it does not read `connection.queries`,
    whose log keeps only the last 9,000 queries and so counts nothing after a large data build."""

    def wrapper(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    return wrapper
