"""Real gunicorn servers as deployed, and a browser-like HTTP client to drive them.

The servers run `tracker.wsgi` with DEBUG off and the deployed settings (tests.deployed_settings:
only the static root differs), on plain HTTP on the loopback where the deployment has its TLS
proxy in front, as benchmarks/bench_web.py starts them for the load benchmark.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
# Variables of the test run that must not leak into the servers' settings.
_NOT_INHERITED = ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "AXES_", "DJANGO_")


def deployed_environment(*, secret_key: str, database_url: str, static_root: Path, **extra: str):
    """The environment of an app server as the README deploys it, for plain HTTP on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.deployed_settings",
        "DEPLOYED_STATIC_ROOT": str(static_root),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback, where the deployment has its TLS proxy in front.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # Clients connect directly: the address that axes counts is the socket's.
        "AXES_PROXY_COUNT": "0",
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    return env | extra


def manage(*args: str, env: dict[str, str]) -> subprocess.Popen:
    """`manage.py <args>` started in the background; `finish()` waits for it."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen, what: str, timeout: float = 120) -> str:
    output, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise AssertionError(f"{what} failed ({process.returncode}):\n{output}")
    return output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn_servers(env: dict[str, str], count: int, log_dir: Path, workers: int = 1):
    """`count` gunicorn servers on free ports, each its own master and workers; yields the ports."""
    servers = []
    try:
        for n in range(count):
            port = free_port()
            log = (log_dir / f"gunicorn-{n}-{port}.log").open("w")
            process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
                [str(GUNICORN), "tracker.wsgi", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--timeout", "60"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            servers.append((port, process, log))
        for port, process, log in servers:
            _wait_for(port, process, Path(log.name))
        yield [port for port, _, _ in servers]
    finally:
        for _, process, _log in servers:
            process.terminate()
        for _, process, log in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn on port {port} exited:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start on port {port}:\n{log.read_text()}")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Browser:
    """One user's browser: a cookie jar sent to whichever server it talks to, as a browser
    behind a load balancer would. Cookies are kept by name only (one site, one path)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict | None = None) -> Response:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Response(answer.status, answer.headers, text)

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, form: dict) -> Response:
        return self.request(port, "POST", path, form)

    def log_in(self, port: int, username: str, password: str) -> Response:
        """The log-in form as a person fills it: the page first (CSRF cookie and token)."""
        page = self.get(port, "/accounts/login/")
        assert page.status == 200, page.text
        fields = form_fields(page.text, action="/accounts/login/")
        return self.post(
            port, "/accounts/login/", fields | {"username": username, "password": password}
        )


def form_fields(html: str, *, form_id: str = "", action: str = "") -> dict[str, str]:
    """What a browser would submit from the form with that id (or action), unchanged."""
    parser = _FormParser(form_id, action)
    parser.feed(html)
    if not parser.found:
        raise AssertionError(f"no form {form_id or action} in the page:\n{html[:2000]}")
    return parser.fields


class _FormParser(HTMLParser):
    def __init__(self, form_id: str, action: str):
        super().__init__()
        self.form_id, self.action = form_id, action
        self.inside = self.found = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (self.form_id and attrs.get("id") == self.form_id) or (
                self.action and attrs.get("action") == self.action
            )
            self.found = self.found or bool(self.inside)
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if kind not in ("submit", "button"):
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            # The first option unless one is selected, as a browser submits it.
            if self._select not in self.fields or "selected" in attrs:
                self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the one newline that may follow <textarea>.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None


def iter_ports(ports: list[int]) -> Iterator[int]:
    """The servers in turn, as a round-robin load balancer hands out requests."""
    while True:
        yield from ports
