"""Agreed language in the browser: results as you type, Copy to the clipboard, and the
commitment page's "Wording over time" loaded after the page with its changes marked."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, UserFactory, aware
from tracker import services
from tracker.models import FollowUpOutcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SANCTIONS = "The two ministers confirmed their commitment to implement strong sanction measures."
ROBUST = "The two ministers reaffirmed their commitment to implement robust sanction measures."


def _meeting(title: str, day: str, readout: str):
    return services.meeting_create(
        user=None,
        data={
            "title": title,
            "kind": "foreign_ministers",
            "starts_at": aware(f"{day} 10:00"),
            "time_zone": "Asia/Tokyo",
            "readout_text": readout,
        },
    )


@pytest.fixture
def precedent(division):
    editor = UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    origin = _meeting("Foreign Ministers' Meeting", "2022-07-29", SANCTIONS)
    commitment = CommitmentFactory(
        origin_meeting=origin, quote=SANCTIONS, lead_division=division, title="Sanctions"
    )
    services.followup_record(
        commitment=commitment,
        meeting=_meeting("Summit", "2023-05-18", f"The leaders met. {ROBUST}"),
        user=editor,
        outcome=FollowUpOutcome.REAFFIRMED,
    )
    return commitment


def _clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_search_as_you_type_and_copy_a_precedent(page, precedent):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "tanaka")
    page.get_by_role("link", name="Agreed language").click()
    # Typed once the page has loaded: the field is there before htmx, a deferred script, listens.
    page.wait_for_url("**/language/")
    page.get_by_label("Phrase").fill("sanction measures")
    results = page.locator("#language-results")
    expect(results.locator("mark").first).to_have_text("sanction measures")
    precedents = results.locator(".precedent")
    expect(precedents).to_have_count(2)  # the quote and the sentence it came from are one
    first = precedents.first
    expect(first).to_contain_text("Used at 1 meeting:")
    copy = first.locator("button.copy-button")  # by its class: its name changes on a click
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert _clipboard(page) == SANCTIONS


def test_wording_over_time_is_loaded_with_changes_marked(page, precedent):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "tanaka")
    page.goto(precedent.get_absolute_url())
    wording = page.locator("#wording")
    expect(wording.locator("del").first).to_have_text("confirmed ")
    expect(wording.locator("ins").first).to_have_text("reaffirmed ")
    expect(wording.locator("ins").nth(1)).to_have_text("robust ")
    steps = wording.locator(".wording-step")
    expect(steps).to_have_count(2)
    steps.nth(1).get_by_role("button", name="Copy").click()
    assert _clipboard(page) == ROBUST
