import pathlib
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CountryFactory, ThemeFactory, UserFactory
from tracker.models import Commitment, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = (
    pathlib.Path(__file__).parent.parent.parent
    / "fixtures"
    / "readouts"
    / "2022-07-29-japan-us-foreign-ministers-meeting.txt"
)
TPP = "Return to the TPP at an early time"
SANCTIONS = "Implement strong sanction measures against Russia and support for Ukraine"


@pytest.fixture
def importer(division):
    for code in ("russia_ukraine", "economic_order", "security", "consultation", "north_korea"):
        ThemeFactory(code=code)
    for code, name in (("JP", "Japan"), ("US", "United States"), ("G7", "G7")):
        CountryFactory(code=code, name=name)
    return UserFactory(username="tanaka", roles=["Editor"], divisions=[division])


def test_paste_review_untick_save_and_find_the_commitments(page, importer):
    log_in(page, "tanaka")
    page.get_by_role("link", name="Import readout").click()
    expect(page.get_by_role("heading", name="Import a readout", level=1)).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Readout text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Review").click()

    review = page.locator("#review")
    expect(review.get_by_role("heading", name="Review the draft")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True  # only the review was swapped in
    expect(page.locator("#id_meeting-title")).to_have_value("Japan-U.S. Foreign Ministers’ Meeting")
    expect(review.locator("#draft-commitments tbody tr")).to_have_count(16)
    expect(page.locator("#id_participants-1-given_name")).to_have_value("Antony")
    page.get_by_label(f"Keep “{TPP}”").uncheck()
    page.get_by_role("button", name="Save meeting and commitments").click()

    expect(page).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(page.get_by_role("status")).to_contain_text("13 new commitments")
    expect(page.get_by_role("heading", name="Commitments made here")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.commitments.count() == 13

    page.get_by_role("link", name="Commitments", exact=True).click()
    table = page.locator("#commitment-table")
    expect(table).to_contain_text("13 commitments")
    expect(table.get_by_role("link", name=SANCTIONS)).to_be_visible()
    expect(table).not_to_contain_text(TPP)
    assert not Commitment.objects.filter(title=TPP).exists()


def test_empty_paste_shows_the_message_next_to_the_field(page, importer):
    log_in(page, "tanaka")
    page.goto("/readouts/import/")
    page.get_by_role("button", name="Review").click()
    expect(page.locator("#source-text-errors")).to_contain_text("Paste a readout or choose a file.")
    page.get_by_label("Readout text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="Review the draft")).to_be_visible()
    expect(page.locator("#source-text-errors")).to_be_empty()
