"""Choosing the list's columns, saving the list as a view, opening it from the navigation."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, UserFactory
from tracker.models import SavedView, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(division):
    UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    CommitmentFactory(
        title="Strong sanctions against Russia",
        lead_division=division,
        status=Status.IN_PROGRESS,
        next_step="Brief the G7 partners",
    )
    CommitmentFactory(title="Realignment of U.S. forces", lead_division=division)


def test_choose_columns_save_the_view_and_open_it_from_the_navigation(page, desk):
    log_in(page, "tanaka")
    page.goto("/commitments/")
    table = page.locator("#commitment-table")
    expect(table.get_by_role("columnheader", name="Owner")).to_be_visible()
    # Columns: drop Owner, add Next step; the table changes in place and the address keeps it.
    menu = table.locator(".column-menu")
    menu.get_by_text("Columns", exact=True).click()
    menu.get_by_role("link", name="Owner").click()
    expect(table.get_by_role("columnheader", name="Owner")).to_have_count(0)
    # The menu stays open for the next choice.
    menu.get_by_role("link", name="Next step").click()
    expect(table.get_by_role("columnheader", name="Next step")).to_be_visible()
    expect(table).to_contain_text("Brief the G7 partners")
    expect(page).to_have_url(re.compile(r"cols=[^&]*next_step"))
    page.get_by_label("Status").select_option("in_progress")
    expect(table).not_to_contain_text("Realignment of U.S. forces")

    page.get_by_role("link", name="Save as a view").click()
    page.get_by_label("Name").fill("Sanctions = next steps")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".current-view")).to_contain_text("Sanctions = next steps")
    view = SavedView.objects.get()
    assert "next_step" in view.query and "status=in_progress" in view.query

    # From another page, through the header's Views menu (filled in when it opens).
    page.goto("/")
    page.locator(".views-menu summary").click()
    page.locator(".views-menu").get_by_role("link", name="Sanctions = next steps").click()
    expect(page).to_have_url(re.compile(rf"view={view.pk}"))
    expect(table.get_by_role("columnheader", name="Next step")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Owner")).to_have_count(0)
    expect(table).to_contain_text("Strong sanctions against Russia")
    expect(table).not_to_contain_text("Realignment of U.S. forces")
    # Changing a filter keeps the view's columns.
    page.locator("#id_q").fill("sanctions")  # the list's search, not the header's
    expect(page).to_have_url(re.compile(r"q=sanctions"))
    expect(table.get_by_role("columnheader", name="Next step")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Owner")).to_have_count(0)


def test_group_the_list_and_go_back(page, desk):
    log_in(page, "tanaka")
    page.goto("/commitments/")
    page.get_by_label("Group by").select_option("status")
    table = page.locator("#commitment-table")
    expect(table.locator(".group-heading")).to_have_count(2)
    expect(table.locator(".group-heading").first).to_contain_text("1 commitment")
    table.locator(".column-menu summary").click()
    table.locator(".column-menu").get_by_role("link", name="Themes").click()
    expect(table.get_by_role("columnheader", name="Themes")).to_be_visible()
    expect(table.locator(".group-heading")).to_have_count(2)  # still grouped
    page.go_back()
    expect(table.get_by_role("columnheader", name="Themes")).to_have_count(0)
    page.go_back()
    expect(table.locator(".group-heading")).to_have_count(0)
    expect(page.get_by_label("Group by")).to_have_value("")
