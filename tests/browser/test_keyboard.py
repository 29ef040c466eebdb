"""Keyboard shortcuts in the browser: j/k/Enter/x on the list, e on a commitment, ? everywhere,
and nothing while the user types."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, MeetingFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def items(division):
    UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    meeting = MeetingFactory()
    return [
        CommitmentFactory(origin_meeting=meeting, lead_division=division, title=f"Item {i}")
        for i in range(3)
    ]


def test_j_k_x_and_enter_on_the_list_then_e_on_the_commitment(page, items):
    log_in(page, "tanaka")
    page.goto("/commitments/")
    rows = page.locator("#commitment-table tr[data-row]")
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bis-focused\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bis-focused\b"))
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\bis-focused\b"))
    page.keyboard.press("x")
    expect(rows.nth(1).locator('input[name="ids"]')).to_be_checked()
    expect(page.locator("#bulk-form [data-bulk-count]")).to_have_text("1")
    page.keyboard.press("x")
    expect(rows.nth(1).locator('input[name="ids"]')).not_to_be_checked()
    # Alt, Ctrl or Cmd with a letter is the browser's or the system's, not ours.
    page.keyboard.press("Alt+j")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bis-focused\b"))
    focused = rows.nth(1).locator("a").first.get_attribute("href")
    assert focused in {c.get_absolute_url() for c in items}
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{re.escape(focused)}$"))
    page.keyboard.press("e")
    expect(page.locator("#update-form select[name=status]")).to_be_focused()
    # Typed into the form from now on: "j" is a letter of the note, not a move.
    page.keyboard.press("Tab")
    page.locator("#update-form textarea[name=note]").focus()
    page.keyboard.type("jk?")
    expect(page.locator("#update-form textarea[name=note]")).to_have_value("jk?")
    expect(page.locator("#shortcuts-dialog")).to_be_hidden()


def test_question_mark_lists_the_shortcuts_but_not_while_typing(page, items):
    log_in(page, "tanaka")
    page.goto("/commitments/")
    search = page.locator("#commitment-filters").get_by_label("Search")
    search.click()
    search.press_sequentially("j?x")
    expect(search).to_have_value("j?x")
    expect(page.locator("#shortcuts-dialog")).to_be_hidden()
    expect(page.locator("#commitment-table tr.is-focused")).to_have_count(0)
    page.locator("h1").click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Search")
    expect(dialog).to_contain_text("Ctrl")
    # While it is open, j is not a move in the list behind it.
    page.keyboard.press("j")
    expect(page.locator("#commitment-table tr.is-focused")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # On every page, in the reader's language.
    page.goto("/")
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
