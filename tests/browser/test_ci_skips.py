"""A browser-directory test that skips on request, so that tests/test_setup.py can check that
CI turns any skip here into a failure. It needs no browser and passes in a normal run."""

import os

import pytest


def test_skips_only_when_asked():
    if os.environ.get("TRACKER_PROBE_SKIP"):
        pytest.skip("asked to skip by TRACKER_PROBE_SKIP")
