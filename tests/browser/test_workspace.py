import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in
from tests.factories import CommitmentFactory, ThemeFactory, UserFactory
from tracker import services
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
    page.locator("#commitment-filters").get_by_label("Search").fill("nothing like this")
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


# Feedback after a save, and a session that ended --------------------------------------------------

SCREENSHOTS = Path("test-results/screenshots")


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret injects a style sheet, which the page's CSP refuses.
    page.screenshot(path=SCREENSHOTS / f"{name}.png", caret="initial")


def _long_timeline(commitment, author, entries: int = 40) -> None:
    for n in range(entries):
        commitment.refresh_from_db()
        services.commitment_set_status(
            commitment=commitment,
            user=author,
            status=commitment.status,
            expected_version=commitment.version,
            note=f"Weekly check-in number {n}: partners consulted, nothing to report.",
        )


def _open_with_long_timeline(page, desk):
    """The editor on the sanctions commitment, its timeline long enough to scroll the page."""
    editor, sanctions, _ = desk
    _long_timeline(sanctions, editor)
    log_in(page, "tanaka")
    page.goto(f"/commitments/{sanctions.pk}/")
    return sanctions


def _top(locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().top")


def _put_save_button_mid_screen(page):
    button = page.get_by_role("button", name="Save update")
    button.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -window.innerHeight / 2)")
    button.scroll_into_view_if_needed()  # no-op unless scrolling up hid it
    return button


def _focused_card_heading(page) -> str | None:
    return page.evaluate("document.activeElement.getAttribute('aria-labelledby')")


def test_saved_update_says_so_where_the_user_is(page, desk):
    _open_with_long_timeline(page, desk)
    page.get_by_label("Note").fill("Price cap agreed by the G7.")
    button = _put_save_button_mid_screen(page)
    button_before = _top(button)
    assert page.evaluate("window.scrollY") > 300
    _shot(page, "test_saved_update_says_so-before")
    button.click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Update saved.")
    expect(status).to_be_in_viewport()
    expect(page.locator("#timeline")).to_contain_text("Price cap agreed by the G7.")
    # The page stayed where the user was (the button has not moved on the screen; before the
    # fix the page jumped to the end of the timeline); focus is on the card that shows the
    # saved state, which the message describes.
    assert abs(_top(button) - button_before) < 3
    assert _focused_card_heading(page) == "state-heading"
    expect(page.locator("section[aria-labelledby=state-heading]")).to_have_attribute(
        "aria-describedby", "save-status"
    )
    expect(page.get_by_label("Note")).to_have_value("")
    _shot(page, "test_saved_update_says_so-after")
    # The message was given here; the next page does not repeat it.
    page.goto("/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text("Update saved.")).to_have_count(0)


def test_refused_save_puts_its_explanation_in_view_and_in_focus(page, desk, division):
    sanctions = _open_with_long_timeline(page, desk)
    # A move that needs a note, without one: the note field is focused, its message in view.
    page.get_by_label("Status").select_option("stalled")
    button = _put_save_button_mid_screen(page)
    _shot(page, "test_refused_save-before")
    button.click()
    note = page.get_by_label("Note")
    expect(note).to_be_focused()
    expect(page.locator("#id_note_error")).to_contain_text("needs a note")
    expect(page.locator("#id_note_error")).to_be_in_viewport()
    _shot(page, "test_refused_save-invalid")
    # Someone else saves meanwhile: the conflict's explanation, above the form, is shown.
    other = UserFactory(username="sato", roles=["Editor"], divisions=[division])
    sanctions.refresh_from_db()
    services.commitment_set_status(
        commitment=sanctions,
        user=other,
        status=sanctions.status,
        confidence="red",
        expected_version=sanctions.version,
        note="Evasion through third countries.",
    )
    note.fill("Partners disagree on the oil price cap.")
    button = _put_save_button_mid_screen(page)
    button.click()
    conflict = page.locator(".conflict")
    expect(conflict).to_be_focused()
    expect(conflict).to_be_in_viewport()
    expect(conflict).to_contain_text("Someone else saved this commitment")
    expect(note).to_have_value("Partners disagree on the oil price cap.")
    _shot(page, "test_refused_save-conflict")


def test_save_after_the_idle_timeout_keeps_the_note_and_saves_after_logging_in(
    page, desk, settings
):
    _, sanctions, _ = desk
    log_in(page, "tanaka")
    page.goto(f"/commitments/{sanctions.pk}/")
    entries = page.locator("#timeline > li")
    before = entries.count()
    note = page.get_by_label("Note")
    note.fill("Typed before lunch: the G7 agreed the price cap.")
    page.get_by_label("Amber — at risk").check()
    # The user goes to lunch: the session ends after its idle time-out.
    settings.SESSION_IDLE_TIMEOUT = 1
    time.sleep(2.2)
    _shot(page, "test_save_after_the_idle_timeout-before")
    page.get_by_role("button", name="Save update").click()
    alert = page.locator("#session-alert")
    expect(alert).to_contain_text("Your session has ended, so your update was not saved.")
    expect(alert).to_be_in_viewport()
    login_link = alert.get_by_role("link", name="log in again in a new tab")
    expect(login_link).to_be_focused()
    # No log-in page inside the commitment page, and nothing typed is lost.
    expect(page.locator("#progress .login-box")).to_have_count(0)
    expect(page.locator("#progress input[name=password]")).to_have_count(0)
    expect(note).to_have_value("Typed before lunch: the G7 agreed the price cap.")
    expect(page.get_by_label("Amber — at risk")).to_be_checked()
    expect(entries).to_have_count(before)
    _shot(page, "test_save_after_the_idle_timeout-session-ended")

    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with page.context.expect_page() as new_tab:
        login_link.click()
    login = new_tab.value
    login.get_by_label("Username").fill("tanaka")
    login.get_by_label("Password").fill(PASSWORD)
    login.locator(".login-box").get_by_role("button", name="Log in").click()
    expect(login.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    login.close()

    # Back in the first tab, Save works: the new log-in's token is used, the note is saved.
    page.bring_to_front()
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("status")).to_have_text("Update saved.")
    expect(entries).to_have_count(before + 1)
    expect(page.locator("#timeline")).to_contain_text("the G7 agreed the price cap.")
    expect(alert).to_be_empty()
    expect(alert).to_be_hidden()
    sanctions.refresh_from_db()
    assert sanctions.confidence == "amber"
    assert (
        sanctions.status_updates.latest().note == "Typed before lunch: the G7 agreed the price cap."
    )
    _shot(page, "test_save_after_the_idle_timeout-after")
