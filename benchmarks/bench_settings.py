"""The deployed settings plus what only the web benchmark needs: the bare view's address and a
static root of its own (the deployment's manifest storage needs collected files)."""

from pathlib import Path

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
STATIC_ROOT = Path(__file__).resolve().parent / ".data" / "static"
# The benchmark logs a manager in through the form and then measures the pages: with two-factor
# log-in required of managers it would measure the enrolment page. Off here; a verified session
# costs one query more per page (django-otp reads the session's device), see docs/security.md.
TWO_FACTOR_REQUIRED_ROLES = []
