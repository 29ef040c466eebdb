import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import CommitmentFactory, ThemeFactory, UserFactory
from tracker.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(division):
    editor = UserFactory(username="tanaka", roles=["Editor"], divisions=[division])
    theme = ThemeFactory(name="Russia / Ukraine")
    sanctions = CommitmentFactory(
        title="Strong sanctions against Russia",
        lead_division=division,
        status=Status.IN_PROGRESS,
        themes=[theme],
    )
    CommitmentFactory(title="Realignment of U.S. forces", lead_division=division)
    return editor, sanctions, theme


def test_log_in_and_see_the_dashboard(page, desk):
    log_in(page, "tanaka")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="My open commitments")).to_be_visible()
    expect(page.get_by_role("link", name="Strong sanctions against Russia").first).to_be_visible()


def test_wrong_password_says_so(page, desk):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("tanaka")
    page.get_by_label("Password").fill("wrong")
    page.locator(".login-box").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")


def test_filter_the_list_updates_table_and_address(page, desk):
    _, sanctions, theme = desk
    log_in(page, "tanaka")
    page.goto("/commitments/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Theme").select_option(str(theme.pk))
    expect(page).to_have_url(re.compile(rf"theme={theme.pk}"))
    table = page.locator("#commitment-table")
    expect(table).to_contain_text("Strong sanctions against Russia")
    expect(table).not_to_contain_text("Realignment of U.S. forces")
    assert page.evaluate("window.__notReloaded") is True  # updated in place
    page.get_by_label("Search").fill("nothing like this")
    expect(table).to_contain_text("No commitment matches these filters.")
    expect(page).to_have_url(re.compile(r"q=nothing"))
    # The address is shareable: opening it gives the same view.
    page.goto(page.url)
    expect(page.locator("#commitment-table")).to_contain_text("No commitment matches")


def test_update_status_in_place_and_see_the_timeline_grow(page, desk):
    _, sanctions, _ = desk
    log_in(page, "tanaka")
    page.goto(f"/commitments/{sanctions.pk}/")
    page.evaluate("window.__notReloaded = true")
    entries = page.locator("#timeline > li")
    before = entries.count()
    page.get_by_label("Status").select_option("stalled")
    page.get_by_role("button", name="Save update").click()
    expect(page.locator("#id_note_error")).to_contain_text("needs a note")
    page.get_by_label("Note").fill("Partners disagree on the oil price cap.")
    page.get_by_label("Amber — at risk").check()
    page.get_by_role("button", name="Save update").click()
    expect(entries).to_have_count(before + 1)
    expect(page.locator("#timeline")).to_contain_text("Partners disagree on the oil price cap.")
    expect(page.locator("#progress .status-stalled").first).to_have_text("Stalled")
    assert page.evaluate("window.__notReloaded") is True


def test_conflicting_edit_is_refused_with_an_explanation(open_page, desk, division):
    _, sanctions, _ = desk
    UserFactory(username="sato", roles=["Editor"], divisions=[division])
    first, second = open_page(), open_page()
    log_in(first, "tanaka")
    log_in(second, "sato")
    for page in (first, second):
        page.goto(f"/commitments/{sanctions.pk}/")
    first.get_by_label("Next step").fill("Brief the G7 sherpas")
    first.get_by_role("button", name="Save update").click()
    expect(first.locator("#timeline")).to_contain_text("Brief the G7 sherpas")
    second.get_by_label("Red — off track").check()
    second.get_by_label("Note").fill("Evasion through third countries.")
    second.get_by_role("button", name="Save update").click()
    alert = second.locator(".conflict")
    expect(alert).to_contain_text("Someone else saved this commitment")
    expect(alert).to_contain_text("Brief the G7 sherpas")
    expect(second.get_by_label("Note")).to_have_value("Evasion through third countries.")
    second.get_by_role("button", name="Save update").click()
    expect(second.locator("#timeline")).to_contain_text("Evasion through third countries.")
    expect(second.locator(".conflict")).to_have_count(0)


def test_switch_to_japanese(page, desk):
    log_in(page, "tanaka")
    page.get_by_label("Language").select_option("ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("ダッシュボード")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.goto("/commitments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("コミットメント")
