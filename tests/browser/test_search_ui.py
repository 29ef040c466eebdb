"""The header's search box in a browser: "/" and Ctrl-K come to it (not while typing in a field),
results come as you type, grouped by kind, the arrow keys choose one, Enter opens it, Escape
closes the dropdown."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, UserFactory
from tracker import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def found(division):
    UserFactory(username="sato", roles=["Viewer"])
    meetings = [
        services.meeting_create(
            user=None,
            data={
                "title": title,
                "kind": "foreign_ministers",
                "starts_at": timezone.now() - datetime.timedelta(days=days),
                "time_zone": "Asia/Tokyo",
                "place": "Tokyo",
                "readout_text": readout,
            },
        )
        for title, readout, days in (
            ("Sanctions coordination meeting", "Sanctions against Russia were discussed.", 10),
            ("Energy dialogue", "Sanctions were mentioned once.", 20),
        )
    ]
    commitment = CommitmentFactory(
        title="Implement strong sanction measures", origin_meeting=meetings[0]
    )
    return meetings, commitment


def test_slash_opens_the_search_and_the_keyboard_picks_a_result(page, found):
    meetings, commitment = found
    log_in(page, "sato")
    box = page.locator("#global-search")
    page.locator("main").click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("sanct")
    dropdown = page.locator("#global-search-listbox")
    expect(dropdown.locator("#search-group-commitments")).to_be_visible()
    expect(dropdown.locator("#search-group-meetings")).to_be_visible()
    expect(dropdown.locator("mark").first).to_have_text("Sanct", ignore_case=True)
    expect(box).to_have_attribute("aria-expanded", "true")
    options = dropdown.locator('[role="option"]')
    # The commitment, the two meetings, and "all results".
    expect(options).to_have_count(4)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{meetings[0].get_absolute_url()}")
    expect(page.locator("h1")).to_contain_text("Sanctions coordination meeting")


def test_control_k_escape_and_typing_in_a_field(page, found):
    log_in(page, "sato")
    page.goto("/commitments/")
    box = page.locator("#global-search")
    # "/" typed into the list's own search field stays there.
    field = page.locator("#id_q")
    field.click()
    page.keyboard.type("a/b")
    expect(field).to_have_value("a/b")
    expect(box).not_to_be_focused()
    page.locator("h1").click()
    page.keyboard.press("Control+k")
    expect(box).to_be_focused()
    page.keyboard.type("energy")
    expect(page.locator("#global-search-listbox")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#global-search-listbox")).to_have_count(0)
    expect(box).to_have_attribute("aria-expanded", "false")
    # Enter without a chosen result: the results page, which works without JavaScript too.
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=energy")
    expect(page.locator("#search-section-meetings")).to_contain_text("1")
    expect(page.locator(".search-hits mark").first).to_have_text("Energy")
