"""The list's meeting filter in a browser: the select offers the newest meetings; typing in "Find
a meeting" brings others into it without reloading the table; choosing one filters the list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tracker import forms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meetings(division, monkeypatch):
    monkeypatch.setattr(forms, "MEETINGS_OFFERED", 2)
    UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    now = timezone.now()
    made = []
    for days, title, place in (
        (400, "Foreign Ministers' Meeting", "Tokyo"),
        (300, "Economic 2+2", "Washington"),
        (20, "Summit", "Hiroshima"),
        (10, "Security Consultative Committee", "Washington"),
    ):
        meeting = MeetingFactory(
            title=title, place=place, starts_at=now - datetime.timedelta(days=days)
        )
        CommitmentFactory(title=f"Agreed at {title}", origin_meeting=meeting)
        made.append(meeting)
    return made


def test_finding_an_old_meeting_and_choosing_it_filters_the_list(page, meetings):
    oldest = meetings[0]
    log_in(page, "tanaka")
    page.goto("/commitments/")
    table = page.locator("#commitment-table")
    expect(table).to_contain_text("4 commitments")
    select = page.locator("#id_meeting")
    options = select.locator("option")
    expect(options).to_have_count(3)  # "Any" and the two newest
    expect(select).not_to_contain_text("Foreign Ministers")

    list_requests = []
    page.on(
        "request",
        lambda request: (
            list_requests.append(request.url)
            if "/commitments/?" in request.url or request.url.endswith("/commitments/")
            else None
        ),
    )
    finder = page.get_by_label("Find a meeting")
    finder.fill("tokyo")
    expect(options).to_have_count(2)
    expect(options.nth(1)).to_contain_text("Foreign Ministers' Meeting")
    # Leaving the box (its "change") does not reload the table: it filters nothing.
    finder.press("Tab")
    page.wait_for_timeout(700)
    assert list_requests == []
    expect(table).to_contain_text("4 commitments")

    select.select_option(str(oldest.pk))
    expect(table).to_contain_text("1 commitment")
    expect(table).to_contain_text("Agreed at Foreign Ministers' Meeting")
    assert f"meeting={oldest.pk}" in page.url

    # Another search keeps the choice offered and chosen.
    finder.fill("washington")
    expect(options).to_have_count(4)
    expect(select).to_have_value(str(oldest.pk))
    # A reload (or a shared address) offers what the box finds, and the choice.
    page.reload()
    expect(page.locator("#id_meeting")).to_have_value(str(oldest.pk))
    expect(page.locator("#commitment-table")).to_contain_text("1 commitment")
