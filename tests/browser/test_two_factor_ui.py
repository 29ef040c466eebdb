"""Two-factor log-in in the browser: a manager is sent to enrol, scans (reads the key off the
page), confirms with the app's code, saves the recovery codes, and later logs in with one; a
Japanese reader sees the pages in Japanese."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.two_factor]


def password_step(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator(".login-box button[type=submit]").click()


def code_from_page(page) -> str:
    """What the authenticator app would show after the key on the page was typed into it."""
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def test_manager_enrols_then_logs_in_with_a_recovery_code(page, make_user, tmp_path):
    manager = make_user(username="director", roles=["Manager"])
    password_step(page, "director")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    assert page.get_by_role("heading", name="Set up two-factor log-in").is_visible()
    # Nothing else opens until enrolled.
    page.goto("/commitments/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fcommitments%2F"))
    assert page.locator(".qr-code svg").is_visible()

    page.get_by_label("Code from your authenticator app").fill(code_from_page(page))
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a text file").click()
    saved = tmp_path / "codes.txt"
    download.value.save_as(saved)
    assert saved.read_text().split() == codes
    assert TOTPDevice.objects.get(user=manager).confirmed

    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(re.compile(r"/commitments/$"))
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    password_step(page, "director")
    page.wait_for_url(re.compile(r"/accounts/two-factor/\?next="))
    page.get_by_text("Lost your device? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[3].upper())
    page.get_by_role("button", name="Use the recovery code").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("You used a recovery code; 9 are left.").is_visible()
    assert StaticToken.objects.filter(device__user=manager).count() == 9

    page.goto("/settings/security/")
    assert page.get_by_text("9 of 10 recovery codes left.").is_visible()


def test_japanese_reader_sees_the_two_factor_pages_in_japanese(open_page, make_user):
    make_user(username="kacho", roles=["Manager"])
    page = open_page(locale="ja-JP")
    password_step(page, "kacho")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", name="二要素認証の設定").is_visible()
    page.get_by_label("認証アプリのコード").fill("１２３")
    page.get_by_role("button", name="確認して有効にする").click()
    assert page.get_by_text("6桁のコードを入力してください").is_visible()
    # Full-width digits, as a Japanese input method types them, are taken as the code.
    code = code_from_page(page)
    page.get_by_label("認証アプリのコード").fill("".join(chr(ord(c) + 0xFEE0) for c in code))
    page.get_by_role("button", name="確認して有効にする").click()
    page.get_by_role("heading", name="リカバリーコード").wait_for()
    assert page.get_by_text("表示されるのはこの一度だけです").is_visible()
