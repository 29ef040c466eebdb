"""Reaching people, in the browser: the bell and the notifications page, watching a commitment,
a calendar feed's address, a report schedule added by a manager; and these pages on a phone."""

import datetime
import re
import urllib.request
from pathlib import Path

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_layout import MEASURE, PHONE, STACKED, TARGET_MIN_PX
from tests.factories import CommitmentFactory, UserFactory
from tracker import services
from tracker.models import Notification, ReportSchedule, Status, Watch, Weekday

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results/screenshots")
TITLE = "Strong sanctions against Russia"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a style sheet, which the page's CSP refuses.
    page.screenshot(path=SCREENSHOTS / f"{name}.png", caret="initial", full_page=True)


@pytest.fixture
def desk(division):
    """An editor, and a commitment of the division owned by another member (who recorded it, so
    nobody has been notified yet)."""
    editor = UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    owner = UserFactory(username="suzuki", roles=["Editor"], divisions=[division])
    commitment = CommitmentFactory(
        title=TITLE,
        lead_division=division,
        owner=owner,
        author=owner,
        status=Status.IN_PROGRESS,
        target_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    return editor, owner, commitment


def test_owner_sees_the_bell_and_marks_read_in_place(open_page, desk):
    _, owner, commitment = desk
    editor_page = open_page()
    log_in(editor_page, "tanaka")
    editor_page.goto(f"/commitments/{commitment.pk}/")
    editor_page.get_by_label("Status").select_option("completed")
    editor_page.get_by_label("Note").fill("Adopted by the Council on Monday.")
    editor_page.get_by_role("button", name="Save update").click()
    expect(editor_page.locator("#progress .status-completed").first).to_have_text("Completed")

    page = open_page()
    log_in(page, "suzuki")
    bell = page.locator("#notification-bell")
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(bell).to_have_accessible_name("1 unread notification")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    unread = page.locator(".notification.unread")
    expect(unread).to_have_count(1)
    expect(unread).to_contain_text(TITLE)
    expect(unread).to_contain_text("Adopted by the Council on Monday.")
    _shot(page, "notifications-unread")

    page.evaluate("window.__notReloaded = true")
    unread.get_by_role("button", name="Mark read").click()
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(page.locator(".notification")).to_have_count(1)
    expect(bell.locator(".bell-count")).to_have_count(0)
    expect(bell).to_have_accessible_name("0 unread notifications")
    assert page.evaluate("window.__notReloaded") is True
    assert not Notification.objects.filter(user=owner, read_at=None).exists()

    # Back and Forward show whole pages, never the fragment a mark-read was answered with, and
    # Back shows the row as it now is (the page is never cached).
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("#notification-bell")).to_have_count(1)
    expect(page.locator(".notification")).to_have_count(1)
    expect(page.locator(".notification.unread")).to_have_count(0)
    page.go_forward()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator("#notification-bell .bell-count")).to_have_count(0)


def test_watch_then_unwatch_by_click(page, desk):
    editor, _, commitment = desk
    log_in(page, "tanaka")
    page.goto(f"/commitments/{commitment.pk}/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="Watch", exact=True).click()
    stop = page.get_by_role("button", name="Stop watching")
    expect(stop).to_be_focused()
    expect(page.locator("#watch-form")).to_contain_text("You are watching this commitment")
    assert Watch.objects.filter(user=editor, commitment=commitment).exists()
    stop.click()
    expect(page.get_by_role("button", name="Watch", exact=True)).to_be_focused()
    assert not Watch.objects.filter(user=editor, commitment=commitment).exists()
    assert page.evaluate("window.__notReloaded") is True


def test_calendar_address_is_shown_copied_and_read_as_icalendar(page, desk):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "suzuki")
    page.get_by_role("link", name="Calendar").click()
    page.get_by_role("button", name="Make an address").click()
    address = page.get_by_label("Feed address")
    expect(address).to_have_value(re.compile(r"^http://[^ ]+/calendar/[^ /]+\.ics$"))
    assert "monospace" in address.evaluate("field => getComputedStyle(field).fontFamily")
    _shot(page, "calendar-address")
    url = address.input_value()
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(".copy-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url

    # Read as a calendar app does: no session, no cookie.
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers.get_content_type() == "text/calendar"
        calendar = icalendar.Calendar.from_ical(response.read())
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert f"Due: {TITLE}" in summaries


def test_manager_adds_a_report_schedule(page, division):
    manager = UserFactory(username="director", roles=["Manager"], divisions=[division])
    log_in(page, "director")
    page.get_by_role("link", name="Report schedules").click()
    page.get_by_role("link", name="Add a schedule").click()
    recipients = page.get_by_label("Recipients")
    recipients.fill("minister-office@example.go.jp, not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error [role=alert]")).to_be_visible()
    expect(page.locator(".field-error")).to_have_count(1)
    page.get_by_label("Recipients").fill("minister-office@example.go.jp\nsherpa@example.go.jp")
    page.get_by_label("Weekday").select_option(label="Tuesday")
    page.locator("#id_time").fill("09:30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("The report schedule was added.")
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Tuesday 09:30 (Asia/Tokyo)")
    expect(row).to_contain_text("sherpa@example.go.jp")
    schedule = ReportSchedule.objects.get()
    assert (schedule.weekday, schedule.time, schedule.created_by) == (
        Weekday.TUESDAY,
        datetime.time(9, 30),
        manager,
    )


def test_on_a_phone_the_new_pages_fit_and_the_bell_is_large_enough_to_tap(
    open_page, desk, division, request
):
    _, _, commitment = desk
    manager = UserFactory(username="director", roles=["Manager"], divisions=[division])
    services.report_schedule_create(
        user=manager,
        data={"recipients": "minister-office-with-a-long-name@example.go.jp", "division": division},
    )
    for n in range(3):
        commitment.refresh_from_db()
        services.commitment_set_status(
            commitment=commitment,
            user=UserFactory(username=f"colleague{n}", roles=["Editor"], divisions=[division]),
            status=commitment.status,
            expected_version=commitment.version,
            note=f"Check-in {n}: https://www.mofa.go.jp/files/1000000012345678901234567890.pdf",
        )
    page = open_page()
    page.set_viewport_size(PHONE)
    log_in(page, "director")
    problems = {}
    for name, url in {
        "notifications": "/notifications/",
        "notification-settings": "/notifications/settings/",
        "calendar": "/calendar/",
        "schedules": "/reports/schedules/",
        "schedule-form": "/reports/schedules/new/",
        "commitment": f"/commitments/{commitment.pk}/",
    }.items():
        page.goto(url)
        if name == "calendar":
            page.get_by_role("button", name="Make an address").first.click()
            expect(page.get_by_label("Feed address")).to_be_visible()
        _shot(page, f"{request.node.name}-{name}")
        measured = page.evaluate(MEASURE)
        found = measured["clipped"] + page.evaluate(STACKED)
        if measured["scrollWidth"] > measured["innerWidth"]:
            found.append(f"scrolls sideways: {measured['scrollWidth']} px; {measured['outside']}")
        if found:
            problems[name] = found
    assert problems == {}, problems

    page = open_page()
    page.set_viewport_size(PHONE)
    log_in(page, "suzuki")
    box = page.locator("#notification-bell").bounding_box()
    assert box["width"] >= TARGET_MIN_PX and box["height"] >= TARGET_MIN_PX, box
    expect(page.locator("#notification-bell .bell-count")).to_have_text("3")
