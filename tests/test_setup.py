"""Setting up a fresh machine: `make system-packages` (used by `make test` and `make run`), and CI
counting a skipped browser test as a failure.

The Makefile runs against stub commands on a PATH of their own, so these tests neither depend on
nor change what this machine has installed.
"""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y --no-install-recommends"


def _stub(bin_dir: Path, name: str, script: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def machine(tmp_path):
    """A PATH of stubs: everything present, the user not root. Tests then take things away."""
    if MAKE is None:
        pytest.skip("make is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "grep", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    _stub(bin_dir, "id", "echo 1000")
    _stub(bin_dir, "chromium", "exit 0")
    _stub(bin_dir, "fc-list", 'echo "/usr/share/fonts/NotoSansCJK-Regular.ttc: Noto Sans CJK JP"')
    _stub(bin_dir, "ldconfig", 'echo "libpangoft2-1.0.so.0 (libc6,x86-64) => /lib/libpangoft2"')
    _stub(bin_dir, "pdftotext", "exit 0")
    _stub(bin_dir, "msgfmt", "exit 0")
    log = tmp_path / "apt-get.log"
    _stub(bin_dir, "apt-get", f'echo "$*" >> "{log}"')

    class Machine:
        def remove(self, *names: str) -> None:
            for name in names:
                (bin_dir / name).unlink()

        def as_root(self) -> None:
            _stub(bin_dir, "id", "echo 0")

        def apt_calls(self) -> list[str]:
            return log.read_text().splitlines() if log.exists() else []

        def make(self, *targets: str) -> subprocess.CompletedProcess:
            env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
            return subprocess.run(
                [MAKE, "--no-print-directory", "-C", str(ROOT), *targets],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

    return Machine()


def test_nothing_to_do_when_everything_is_installed(machine):
    result = machine.make("system-packages")
    assert result.returncode == 0, result.stderr
    assert machine.apt_calls() == []


def test_not_root_stops_with_the_one_command_to_run(machine):
    machine.remove("chromium", "pdftotext", "fc-list")
    result = machine.make("system-packages")
    assert result.returncode != 0
    assert f"{INSTALL_COMMAND} chromium fonts-noto-cjk poppler-utils" in result.stderr
    assert machine.apt_calls() == []


@pytest.mark.parametrize("target", ["test", "run"])
def test_make_test_and_run_stop_at_once_without_the_packages(machine, target):
    machine.remove("msgfmt")
    result = machine.make(target)
    assert result.returncode != 0
    assert f"{INSTALL_COMMAND} gettext" in result.stderr
    # Stopped before the venv, the database or the server.
    assert "pip" not in result.stdout
    assert "manage.py" not in result.stdout


def test_root_updates_the_package_lists_then_installs_what_is_missing(machine):
    machine.as_root()
    machine.remove("chromium", "msgfmt")
    result = machine.make("system-packages")
    assert result.returncode == 0, result.stderr
    calls = machine.apt_calls()
    assert calls[0] == "update -qq"
    assert calls[1].startswith("install -y")
    assert calls[1].split()[-2:] == ["chromium", "gettext"]


# CI and skipped browser tests ---------------------------------------------------------------------


def _run_probe(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "TRACKER_PROBE_SKIP")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_ci_skips.py",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_skipped_browser_test_fails_the_run_in_ci():
    result = _run_probe(CI="true", TRACKER_PROBE_SKIP="1")
    assert result.returncode != 0, result.stdout
    assert "Browser test skipped in CI" in result.stdout
    assert "asked to skip by TRACKER_PROBE_SKIP" in result.stdout


def test_a_skipped_browser_test_is_only_a_skip_outside_ci():
    result = _run_probe(TRACKER_PROBE_SKIP="1")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_browser_tests_that_run_pass_in_ci():
    result = _run_probe(CI="true")
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout
