"""The commitment list keeps the reader's place: Back, Forward, sorting, paging, addresses."""

import datetime
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, MeetingFactory, ThemeFactory, UserFactory
from tracker.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("test-results/screenshots")


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a style sheet, which the page's CSP refuses.
    page.screenshot(path=SCREENSHOTS / f"{name}.png", caret="initial")


@pytest.fixture
def long_list(division):
    """60 commitments (two pages of 50): 30 on Russia, 30 on other themes."""
    UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    russia = ThemeFactory(name="Russia / Ukraine")
    meeting = MeetingFactory()
    today = timezone.localdate()
    for n in range(30):
        CommitmentFactory(
            title=f"Russia sanctions step {n:02}",
            origin_meeting=meeting,
            lead_division=division,
            themes=[russia],
            target_date=today + datetime.timedelta(days=n - 10),
        )
        CommitmentFactory(
            title=f"Force realignment step {n:02}", origin_meeting=meeting, lead_division=division
        )
    return russia


def _query(page) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query, keep_blank_values=True)


def _filters(page) -> dict[str, str]:
    """The address's non-empty parameters (the cleanness of addresses is tested apart)."""
    return {name: value for name, value in _query(page) if value and value != "meeting"}


def _wait_until(page, script: str, timeout: float = 3.0):
    """Poll a script from here: the CSP forbids the eval that page.wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while not (result := page.evaluate(script)):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still false after {timeout} s: {script}")
        time.sleep(0.05)
    return result


def _scroll_to(page, y: int) -> int:
    page.evaluate(f"window.scrollTo(0, {y})")
    _wait_until(page, f"Math.abs(window.scrollY - {y}) < 2")
    return page.evaluate("window.scrollY")


def _wait_for_scroll(page, y: int) -> None:
    try:
        _wait_until(page, f"Math.abs(window.scrollY - {y}) < 3")
    except AssertionError:
        raise AssertionError(f"scrollY is {page.evaluate('window.scrollY')}, not {y}") from None


def test_back_from_a_commitment_returns_to_the_filtered_list_where_it_was(page, long_list):
    russia = long_list
    log_in(page, "tanaka")
    page.goto("/commitments/")
    page.get_by_label("Theme").select_option(str(russia.pk))
    table = page.locator("#commitment-table")
    expect(table).to_contain_text("30 commitments")
    assert _filters(page) == {"theme": str(russia.pk)}
    _scroll_to(page, 700)
    link = page.get_by_role("link", name="Russia sanctions step 17")
    link.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 500
    _shot(page, "test_back_from_a_commitment-before")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Russia sanctions step 17")
    page.go_back()
    # The whole page, not the table alone: header, heading, filters showing the filter.
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.get_by_role("heading", name="Commitments", level=1)).to_be_visible()
    expect(page.get_by_label("Theme")).to_have_value(str(russia.pk))
    expect(table).to_contain_text("30 commitments")
    expect(table).not_to_contain_text("Force realignment")
    _wait_for_scroll(page, scrolled)
    _shot(page, "test_back_from_a_commitment-after")
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("Russia sanctions step 17")


def test_back_and_forward_between_filter_states_keep_the_filters_in_step(page, long_list):
    russia = long_list
    log_in(page, "tanaka")
    page.goto("/commitments/")
    theme, sort = page.get_by_label("Theme"), page.get_by_label("Sort by")
    table = page.locator("#commitment-table")
    first_row = table.locator("tbody tr").first
    theme.select_option(str(russia.pk))
    expect(table).to_contain_text("30 commitments")
    sort.select_option("-target")
    expect(first_row).to_contain_text("Russia sanctions step 29")
    page.get_by_label("Status").select_option("open")
    expect(page).to_have_url(re.compile(r"status=open"))
    assert _filters(page) == {"status": "open", "theme": str(russia.pk), "sort": "-target"}
    _shot(page, "test_back_and_forward_between_filter_states-before")

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"status=open"))
    assert _filters(page) == {"theme": str(russia.pk), "sort": "-target"}
    expect(page.get_by_label("Status")).to_have_value("")
    expect(sort).to_have_value("-target")
    expect(first_row).to_contain_text("Russia sanctions step 29")
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=-target"))
    assert _filters(page) == {"theme": str(russia.pk)}
    expect(sort).to_have_value("meeting")
    expect(theme).to_have_value(str(russia.pk))
    expect(first_row).to_contain_text("Russia sanctions step 00")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/commitments/$"))
    expect(theme).to_have_value("")
    expect(table).to_contain_text("60 commitments")
    _shot(page, "test_back_and_forward_between_filter_states-after-back")

    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(re.compile(r"sort=-target"))
    assert _filters(page) == {"theme": str(russia.pk), "sort": "-target"}
    expect(theme).to_have_value(str(russia.pk))
    expect(sort).to_have_value("-target")
    expect(first_row).to_contain_text("Russia sanctions step 29")
    # The filters still work after travelling through the history.
    theme.select_option("")
    expect(table).to_contain_text("60 commitments")
    assert _filters(page) == {"sort": "-target"}
    _shot(page, "test_back_and_forward_between_filter_states-after-forward")


def test_next_page_shows_the_table_top_and_back_returns_to_where_it_was(page, long_list):
    # A second page as long as the first, so that staying at the bottom would be possible.
    CommitmentFactory.create_batch(40, origin_meeting=MeetingFactory())
    log_in(page, "tanaka")
    page.goto("/commitments/")
    table = page.locator("#commitment-table")
    next_link = page.get_by_role("link", name="Next")
    next_link.scroll_into_view_if_needed()
    bottom = page.evaluate("window.scrollY")
    assert bottom > 1000
    _shot(page, "test_next_page_shows_the_table_top-before")
    next_link.click()
    expect(table).to_contain_text("Page 2 of 2")
    # The address is clean, and the new page is read from its top, not from the bottom.
    expect(page).to_have_url(re.compile(r"/commitments/\?page=2$"))
    _wait_until(
        page,
        "Math.abs(document.getElementById('commitment-table').getBoundingClientRect().top) < 2",
    )
    _shot(page, "test_next_page_shows_the_table_top-after")
    page.go_back()
    expect(table).to_contain_text("Page 1 of 2")
    expect(page).to_have_url(re.compile(r"/commitments/$"))
    _wait_for_scroll(page, bottom)
    page.go_forward()
    expect(table).to_contain_text("Page 2 of 2")


def test_column_headings_sort_with_blank_target_dates_last(page, long_list):
    russia = long_list
    today = timezone.localdate()
    undated = CommitmentFactory(title="Undated Russia item", themes=[russia], target_date=None)
    CommitmentFactory(
        title="Closed Russia item",
        themes=[russia],
        target_date=today - datetime.timedelta(days=400),
        status=Status.COMPLETED,
    )
    log_in(page, "tanaka")
    page.goto(f"/commitments/?theme={russia.pk}")
    table = page.locator("#commitment-table")
    rows = table.locator("tbody tr")
    heading = table.get_by_role("columnheader", name="Target date")
    expect(heading).not_to_have_attribute("aria-sort", re.compile("."))
    _shot(page, "test_column_headings_sort-before")

    heading.get_by_role("link").click()
    expect(heading).to_have_attribute("aria-sort", "ascending")
    # Earliest first: the overdue items lead, the undated one is last.
    expect(rows.first).to_contain_text("Closed Russia item")
    expect(rows.nth(1)).to_contain_text("Russia sanctions step 00")
    expect(rows.nth(1)).to_contain_text("(overdue)")
    expect(rows.last).to_contain_text(undated.title)
    assert _query(page) == [("theme", str(russia.pk)), ("sort", "target")]
    # The filter form follows: its sort shows what the list is sorted by.
    expect(page.get_by_label("Sort by")).to_have_value("target")
    expect(page.get_by_label("Theme")).to_have_value(str(russia.pk))
    _shot(page, "test_column_headings_sort-ascending")

    heading.get_by_role("link").click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text("Russia sanctions step 29")
    expect(rows.last).to_contain_text(undated.title)
    assert _query(page) == [("theme", str(russia.pk)), ("sort", "-target")]
    expect(page.get_by_label("Sort by")).to_have_value("-target")
    # Only the sorted column says it is sorted.
    expect(table.locator("th[aria-sort]")).to_have_count(1)
    _shot(page, "test_column_headings_sort-descending")

    # Keyboard: focus stays on the heading link, so Enter sorts again.
    table.get_by_role("link", name="Last update").focus()
    page.keyboard.press("Enter")
    last_update = table.get_by_role("columnheader", name="Last update")
    expect(last_update).to_have_attribute("aria-sort", "descending")
    expect(table.get_by_role("link", name="Last update")).to_be_focused()
