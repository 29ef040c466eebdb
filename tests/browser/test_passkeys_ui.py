"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools protocol) stands in for
the laptop's fingerprint reader. A passkey is added on the security settings page, then given at
the second step of the next log-in; an administrator's reset removes it; a Japanese reader sees
every passkey part in Japanese, the package's script messages included.

WebAuthn refuses bare IP addresses: the live server is reached at http://localhost:<port>
(pytest-django's default address), which is the origin the relying party allows here.
"""

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tracker.models import SecurityEvent, SecurityEventKind

pytestmark = [
    pytest.mark.browser,
    pytest.mark.two_factor,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def relying_party(settings, live_server):
    assert live_server.url.startswith("http://localhost:"), live_server.url
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def _with_authenticator(page) -> str:
    """Attaches a virtual platform authenticator (user verified, like a fingerprint) to the tab;
    returns its id."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return added["authenticatorId"]


def _password_step(page, username: str, *, log_in: str = "Log in") -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator(".login-box").get_by_role("button", name=log_in).click()


def _passkey_events(action: str) -> list[SecurityEvent]:
    return [
        event
        for event in SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR)
        if event.detail.get("action") == action and event.detail.get("method") == "passkey"
    ]


def _add_passkey_on_the_settings_page(page, *, button: str = "Add a passkey") -> None:
    page.goto("/settings/security/")
    page.get_by_role("button", name=button).click()
    # The page reloads with the new passkey in its list.
    expect(page.locator(".passkey-list tbody tr")).to_have_count(1)


def test_a_passkey_added_in_settings_is_the_second_step_of_the_next_log_in(page, make_user):
    user = make_user(username="tanaka", roles=["Editor"])
    _with_authenticator(page)
    _password_step(page, "tanaka")
    page.wait_for_url(re.compile(r"/$"))

    _add_passkey_on_the_settings_page(page)
    expect(page.get_by_text("The passkey “Passkey 1” was added.")).to_be_visible()
    passkey = WebAuthnCredential.objects.get(user=user)
    assert passkey.name == "Passkey 1"
    expect(page.get_by_role("cell", name="Passkey 1", exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _password_step(page, "tanaka")
    # The password alone is not enough now: the second step asks for the passkey.
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    expect(page.get_by_role("heading", name="Passkey or security key")).to_be_visible()
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    assert len(_passkey_events("verified")) == 1
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # A page asked for before the second step is where the passkey leads.
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.goto("/commitments/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=username]").fill("tanaka")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator(".login-box").get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(re.compile(r"/commitments/$"))


def test_a_manager_enrols_with_a_passkey_alone(page, make_user):
    manager = make_user(username="suzuki", roles=["Manager"])
    _with_authenticator(page)
    _password_step(page, "suzuki")
    # The role requires a second factor: the set-up page, with the passkey part.
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="Security")).to_be_visible()
    assert WebAuthnCredential.objects.filter(user=manager).count() == 1
    (event,) = _passkey_events("enrolled")
    assert event.detail["first_factor"] is True


def test_an_administrators_reset_removes_the_passkey(open_page, make_user):
    user = make_user(username="tanaka", roles=["Editor"])
    page = open_page()
    _with_authenticator(page)
    _password_step(page, "tanaka")
    page.wait_for_url(re.compile(r"/$"))
    _add_passkey_on_the_settings_page(page)
    assert WebAuthnCredential.objects.filter(user=user).exists()

    # The administrator must have a second factor too: they enrol with a passkey of their own.
    make_user(username="root", is_staff=True, is_superuser=True)
    admin = open_page()
    # The admin site's pages name no icon, so Chromium asks for /favicon.ico, which no page
    # of ours is: answered here, so that its 404 does not count as a console error.
    admin.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    _with_authenticator(admin)
    _password_step(admin, "root")
    admin.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    admin.get_by_role("button", name="Add a passkey").click()
    admin.wait_for_url(re.compile(r"/$"))
    admin.goto(f"/admin/auth/user/{user.pk}/change/")
    admin.get_by_role("link", name="Reset two-factor").click()
    expect(admin.get_by_text("passkeys: 1")).to_be_visible()
    admin.get_by_role("button", name="Yes, reset two-factor log-in").click()
    expect(admin.locator(".messagelist")).to_contain_text("was reset")
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    assert WebAuthnCredential.objects.filter(user__username="root").count() == 1

    # The user's list is empty now, and their next log-in asks for no second factor.
    page.goto("/settings/security/")
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _password_step(page, "tanaka")
    page.wait_for_url(re.compile(r"/$"))


def test_a_japanese_reader_sees_the_passkey_parts_in_japanese(open_page, make_user):
    make_user(username="sato", roles=["Editor"])
    page = open_page(locale="ja-JP")
    _with_authenticator(page)
    _password_step(page, "sato", log_in="ログイン")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/settings/security/")
    expect(page.get_by_role("heading", name="パスキーとセキュリティキー")).to_be_visible()
    expect(page.get_by_text("パスキーはまだ登録されていません。")).to_be_visible()
    # The package's script reads its messages from our catalogue, in Japanese.
    page.wait_for_function("window.django && window.django.jsi18n_initialized")
    assert page.evaluate("gettext('Registration successful!')") == "登録しました。"
    page.get_by_role("button", name="パスキーを追加").click()
    expect(page.get_by_text("パスキー「パスキー 1」を追加しました。")).to_be_visible()
    page.get_by_role("link", name="名前を変更").click()
    expect(page.get_by_role("heading", name="パスキーの名前を変更")).to_be_visible()
    page.locator("input[name=name]").fill("職場のノートPC")
    page.get_by_role("button", name="名前を保存").click()
    expect(page.get_by_role("cell", name="職場のノートPC", exact=True)).to_be_visible()
    page.get_by_role("link", name="「職場のノートPC」を削除").click()
    question = "パスキー「職場のノートPC」を削除しますか？"
    expect(page.get_by_role("heading", name=question)).to_be_visible()
    page.get_by_role("button", name="パスキーを削除").click()
    expect(page.get_by_text("パスキー「職場のノートPC」を削除しました。")).to_be_visible()
    assert not WebAuthnCredential.objects.exists()

    page.get_by_role("button", name="パスキーを追加").click()
    expect(page.locator(".passkey-list tbody tr")).to_have_count(1)
    page.get_by_role("button", name="ログアウト").first.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _password_step(page, "sato", log_in="ログイン")
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    expect(page.get_by_role("heading", name="パスキーまたはセキュリティキー")).to_be_visible()
    page.get_by_role("button", name="パスキーまたはセキュリティキーを使う").click()
    page.wait_for_url(re.compile(r"/$"))
