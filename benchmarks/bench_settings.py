"""The deployed settings plus what only the web benchmark needs: the bare view's address and a
static root of its own (the deployment's manifest storage needs collected files)."""

from pathlib import Path

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
STATIC_ROOT = Path(__file__).resolve().parent / ".data" / "static"
