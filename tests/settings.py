"""Test settings: production settings, with only what a test run must change."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# Two-factor log-in is required of nobody in the suite, which logs managers in everywhere; the
# tests of two-factor log-in turn the deployed policy on (@pytest.mark.two_factor, conftest.py).
# Set in the environment so that the app servers some tests start inherit it too.
os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""

from tracker.settings import *  # noqa: E402,F403

# The test client speaks plain HTTP; production redirects it to HTTPS.
SECURE_SSL_REDIRECT = False
# Hashing passwords at production strength only slows the suite down.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The manifest needs collectstatic; tests serve static files unhashed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405
# Enqueued tasks run at once, so a test of a page sees its background work done. The tests of
# the worker itself switch to the database backend (tests/test_jobs.py, `database_tasks`).
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
