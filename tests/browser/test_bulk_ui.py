"""Bulk edit on the commitment list, in the browser: ranges, the page, every match, and the
table refreshed in place."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tracker.models import Commitment, Confidence, Status
from tracker.views.pagination import PAGE_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _desk(division, count: int) -> list[Commitment]:
    UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    meeting = MeetingFactory()
    return [
        CommitmentFactory(origin_meeting=meeting, lead_division=division, title=f"Item {i:02}")
        for i in range(count)
    ]


def test_shift_click_ticks_a_range_and_the_change_updates_the_rows(page, division):
    items = _desk(division, 6)
    log_in(page, "tanaka")
    page.goto("/commitments/")
    page.evaluate("window.__notReloaded = true")
    bar = page.locator("#bulk-form")
    expect(bar.get_by_label("Move to")).to_be_hidden()
    boxes = page.locator('#commitment-table input[name="ids"]')
    boxes.nth(1).click()
    boxes.nth(4).click(modifiers=["Shift"])
    for i, ticked in enumerate([False, True, True, True, True, False]):
        (expect(boxes.nth(i)).to_be_checked if ticked else expect(boxes.nth(i)).not_to_be_checked)()
    expect(bar.locator("[data-bulk-count]")).to_have_text("4")
    bar.get_by_label("Move to").select_option("in_progress")
    bar.get_by_label("Note").fill("Talks resumed.")
    bar.get_by_role("button", name="Apply to the selected").click()
    expect(page.locator("#bulk-form")).to_contain_text("Updated 4 commitments.")
    rows = page.locator("#commitment-table tr[data-row]")
    expect(rows.nth(1)).to_contain_text("In progress")
    expect(rows.nth(4)).to_contain_text("In progress")
    expect(rows.nth(5)).to_contain_text("Not started")
    # The table came back fresh: nothing ticked, the bar idle again.
    expect(boxes.nth(1)).not_to_be_checked()
    expect(page.locator("#bulk-form").get_by_label("Move to")).to_be_hidden()
    assert page.evaluate("window.__notReloaded") is True
    statuses = [Commitment.objects.get(pk=c.pk).status for c in items]
    assert statuses == ["not_started", *["in_progress"] * 4, "not_started"]


def test_select_all_matching_asks_first_then_changes_every_one(page, division):
    count = PAGE_SIZE + 2
    _desk(division, count)
    log_in(page, "tanaka")
    page.goto("/commitments/")
    page.get_by_label(f"Select all {count} matching").check()
    bar = page.locator("#bulk-form")
    expect(bar.locator("[data-bulk-count]")).to_have_text(str(count))
    expect(page.locator('#commitment-table input[name="ids"]').last).to_be_checked()
    bar.get_by_label("Delivery confidence").select_option("red")
    bar.get_by_role("button", name="Apply to the selected").click()
    expect(bar).to_contain_text(f"This changes {count} commitments")
    assert not Commitment.objects.filter(confidence=Confidence.RED).exists()
    page.get_by_role("button", name=f"Change {count} commitments").click()
    # Each item through the one-by-one edit: give a loaded machine time.
    expect(page.locator("#bulk-form")).to_contain_text(
        f"Updated {count} commitments.", timeout=120_000
    )
    assert Commitment.objects.filter(confidence=Confidence.RED).count() == count
    assert Commitment.objects.filter(status=Status.NOT_STARTED).count() == count
