"""Playwright driving Debian's headless Chromium against pytest-django's live server.

Every test fails if the page logged a console error or a Content-Security-Policy violation. In CI
(the CI variable set) a browser test that was skipped, for whatever reason, counts as failed: a
green run must mean that the browser tests ran.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse the tests'
# own (synchronous) database calls. They are safe here: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.factories import UserFactory  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Called only for the tests under this directory (a conftest's item hooks are local to it).
    report = yield
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Browser test skipped in CI, where every one must run: {reason}"
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: CI must install Debian's chromium package.")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserProblems(list):
    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))

    def _console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.append(f"console {message.type}: {message.text}")


@pytest.fixture
def open_page(browser, live_server):
    """Opens pages in fresh browser contexts; checks each for errors and CSP violations."""
    contexts = []
    problems = BrowserProblems()

    def open_page(locale: str = "en-US"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, timezone_id="Asia/Tokyo"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(open_page):
    return open_page()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator(".login-box").get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.fixture
def make_user(db):
    def make_user(**kwargs):
        return UserFactory(**kwargs)

    return make_user
