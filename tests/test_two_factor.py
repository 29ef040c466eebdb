"""Two-factor log-in through the doors a user uses: the log-in form, the second step, the
enrolment, the security settings, the admin's reset, htmx and the JSON API.

Every test runs with the deployed policy (managers and admins must enrol; @pytest.mark.two_factor
on the module) and a test client that enforces CSRF on forms.
"""

from __future__ import annotations

import base64
import datetime
import importlib
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tracker import two_factor
from tracker.models import ApiToken, SecurityEvent, SecurityEventKind
from tracker.permissions import Role
from tracker.services import api_token_create
from tracker.services import two_factor as services

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = re.compile(r'id="totp-secret" class="totp-secret">([A-Z2-7 ]+)<')
CODE = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def code_for(device_or_key) -> str:
    """The code an authenticator app shows now for a device (or a hex key)."""
    key = device_or_key.key if isinstance(device_or_key, TOTPDevice) else device_or_key
    return f"{totp(bytes.fromhex(key), step=30, t0=0, digits=6):06d}"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_form(client: Client, url: str, data: dict, *, page: str | None = None, **extra):
    """Posts as a browser: the page first, for its CSRF token."""
    answer = client.get(page or url)
    token = CSRF.search(answer.content.decode()).group(1)
    return client.post(url, {"csrfmiddlewaretoken": token, **data}, **extra)


def log_in(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    answer = client.get(url)
    token = CSRF.search(answer.content.decode()).group(1)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def with_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def with_recovery_codes(user, codes=("abcd2345", "wxyz7777")):
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return device


def events(action: str):
    return SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR, detail__action=action)


@pytest.fixture
def manager_with_app(manager):
    return manager, with_totp(manager)


# --- The policy ------------------------------------------------------------------------------


def test_policy_requires_managers_and_admins_only(manager, viewer, editor, clerk, admin_user):
    assert two_factor.two_factor_required(manager)
    assert two_factor.two_factor_required(admin_user)
    # Data-entry clerks work in the admin site: they are staff, so "admin" covers them.
    assert two_factor.two_factor_required(clerk)
    assert not two_factor.two_factor_required(viewer)
    assert not two_factor.two_factor_required(editor)


def test_policy_is_read_from_the_setting(settings, manager, viewer):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["viewer"]
    assert two_factor.two_factor_required(viewer)
    assert not two_factor.two_factor_required(manager)
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    assert not two_factor.two_factor_required(viewer)


def test_setting_refuses_an_unknown_role_at_start_up(monkeypatch):
    import tracker.settings as deployed

    try:
        monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "Manager,Director")
        with pytest.raises(ImproperlyConfigured, match="Director"):
            importlib.reload(deployed)
        monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "manager, Data entry ,ADMIN")
        assert importlib.reload(deployed).TWO_FACTOR_REQUIRED_ROLES == [
            "manager",
            "Data entry",
            "ADMIN",
        ]
    finally:
        # The module as the suite's environment makes it, for whoever reads it next.
        monkeypatch.undo()
        importlib.reload(deployed)


def test_setting_names_every_role_of_the_permissions():
    from tracker import settings as deployed

    assert {r.value.lower() for r in Role} | {"admin"} == deployed._two_factor_role_names


def test_recovery_codes_alone_are_not_a_second_factor(viewer):
    with_recovery_codes(viewer)
    assert not two_factor.user_has_second_factor(viewer)
    with_totp(viewer)
    assert two_factor.user_has_second_factor(viewer)


def test_a_passkey_is_a_second_factor_and_a_django_otp_device(viewer):
    passkey = WebAuthnCredential.objects.create(
        user=viewer,
        name="Laptop",
        credential_id=b"id",
        public_key=b"key",
        sign_count=0,
        transports=[],
        aaguid="00000000-0000-0000-0000-000000000000",
        credential_type="public-key",
    )
    assert two_factor.user_has_second_factor(viewer)
    assert passkey in list(devices_for_user(viewer))


# --- Log-in and the second step ----------------------------------------------------------------


def test_manager_without_a_device_is_sent_to_enrol_and_reaches_nothing_else(manager):
    client = csrf_client()
    answer = log_in(client, "manager")
    assert answer.status_code == 302
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"] == reverse("two-factor-setup") + "?next=%2F"
    for url in ("commitment-list", "security-settings", "two-factor-verify", "api-token-list"):
        answer = client.get(reverse(url))
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(reverse("two-factor-setup"))
    assert client.get("/admin/").status_code == 302
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_manager_enrols_with_a_real_code_and_gets_recovery_codes(manager):
    client = csrf_client()
    log_in(client, "manager", next_url="/commitments/")
    page = client.get(reverse("two-factor-setup") + "?next=/commitments/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "<svg" in html
    secret = SECRET.search(html).group(1).replace(" ", "")
    key = client.session["tracker_totp_setup_key"]
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)).hex() == key
    assert not TOTPDevice.objects.filter(user=manager).exists()

    wrong = post_form(client, reverse("two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "not the one your app shows now" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=manager).exists()

    answer = post_form(
        client, reverse("two-factor-setup"), {"code": code_for(key), "next": "/commitments/"}
    )
    assert answer.status_code == 200
    codes = CODE.findall(answer.content.decode())
    assert len(codes) == 10 == len(set(codes))
    assert "no-store" in answer["Cache-Control"]
    assert 'href="/commitments/"' in answer.content.decode()
    device = TOTPDevice.objects.get(user=manager)
    assert device.confirmed and device.key == key
    assert StaticToken.objects.filter(device__user=manager).count() == 10
    # Enrolled and verified in this session: every page opens.
    assert client.get(reverse("commitment-list")).status_code == 200
    assert client.get("/admin/").status_code in (200, 302)
    assert events("enrolled").filter(user=manager).count() == 1
    assert events("recovery_codes_generated").filter(user=manager).count() == 1


def test_user_with_an_app_must_give_a_code_after_the_password(manager_with_app):
    manager, device = manager_with_app
    client = csrf_client()
    log_in(client, "manager", next_url="/meetings/")
    answer = client.get("/meetings/")
    assert answer["Location"] == reverse("two-factor-verify") + "?next=%2Fmeetings%2F"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert "Two-factor log-in" in page.content.decode()

    wrong = post_form(client, reverse("two-factor-verify"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/meetings/").status_code == 302
    assert events("verify_failed").filter(user=manager).count() == 1

    device.refresh_from_db()
    device.throttling_failure_count = 0  # no wait for the test's next try
    device.save()
    answer = post_form(
        client, reverse("two-factor-verify"), {"code": code_for(device), "next": "/meetings/"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/meetings/"
    assert client.get("/meetings/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert events("verified").filter(user=manager).count() == 1


def test_next_to_another_site_is_not_followed(manager_with_app):
    manager, device = manager_with_app
    client = csrf_client()
    log_in(client, "manager")
    answer = post_form(
        client,
        reverse("two-factor-verify"),
        {"code": code_for(device), "next": "https://evil.example/"},
    )
    assert answer["Location"] == reverse("dashboard")


def test_a_code_is_used_once_only(manager_with_app):
    manager, device = manager_with_app
    code = code_for(device)
    first = csrf_client()
    log_in(first, "manager")
    assert post_form(first, reverse("two-factor-verify"), {"code": code}).status_code == 302
    second = csrf_client()
    log_in(second, "manager")
    again = post_form(second, reverse("two-factor-verify"), {"code": code})
    assert again.status_code == 200


def test_recovery_code_logs_in_once_only(manager_with_app):
    manager, _device = manager_with_app
    with_recovery_codes(manager, codes=("abcd2345", "wxyz7777"))
    client = csrf_client()
    log_in(client, "manager")
    # Typed as shown, with its hyphen, in capitals.
    answer = post_form(client, reverse("two-factor-verify"), {"recovery_code": "ABCD-2345"})
    assert answer.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["wxyz7777"]
    assert events("recovery_code_used").get(user=manager).detail["left"] == 1

    other = csrf_client()
    log_in(other, "manager")
    again = post_form(other, reverse("two-factor-verify"), {"recovery_code": "abcd2345"})
    assert again.status_code == 200
    assert "not valid or was already used" in again.content.decode()
    assert other.get(reverse("dashboard")).status_code == 302


def test_five_wrong_codes_end_the_session(manager_with_app, settings):
    manager, device = manager_with_app
    client = csrf_client()
    log_in(client, "manager")
    for attempt in range(settings.TWO_FACTOR_MAX_FAILURES - 1):
        answer = post_form(client, reverse("two-factor-verify"), {"code": "000000"})
        assert answer.status_code == 200, attempt
    answer = post_form(client, reverse("two-factor-verify"), {"code": "000000"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("login")
    # Logged out: the session is gone, the next page asks for the password again.
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("login"))
    assert events("verify_failed").filter(user=manager).count() == settings.TWO_FACTOR_MAX_FAILURES
    page = client.get(reverse("login"))
    assert "Too many wrong codes" in page.content.decode()
    # The device's own throttle counts too, whatever the session: a wrong code makes the next
    # try wait 1, 2, 4, 8 … seconds (django-otp), even with the right code.
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    device.throttling_failure_count, device.throttling_failure_timestamp = 10, timezone.now()
    device.save()
    client2 = csrf_client()
    log_in(client2, "manager")
    throttled = post_form(client2, reverse("two-factor-verify"), {"code": code_for(device)})
    assert "Too many wrong codes: wait" in throttled.content.decode()
    assert client2.get(reverse("dashboard")).status_code == 302


def test_viewer_may_log_in_without_a_second_factor(viewer):
    client = csrf_client()
    log_in(client, "viewer")
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("security-settings")).status_code == 200


def test_viewer_who_enrolled_is_asked_for_the_code(viewer):
    device = with_totp(viewer)
    client = csrf_client()
    log_in(client, "viewer")
    assert client.get(reverse("dashboard")).status_code == 302
    post_form(client, reverse("two-factor-verify"), {"code": code_for(device)})
    assert client.get(reverse("dashboard")).status_code == 200


def test_admin_site_is_behind_the_second_step(admin_user):
    device = with_totp(admin_user)
    client = csrf_client()
    log_in(client, "root")
    for url in ("/admin/", "/admin/auth/user/", "/admin/tracker/securityevent/"):
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(reverse("two-factor-verify"))
    post_form(client, reverse("two-factor-verify"), {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


def test_htmx_request_gets_a_client_redirect(manager_with_app):
    client = csrf_client()
    log_in(client, "manager")
    answer = client.get(
        reverse("commitment-list"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/commitments/?q=x"},
    )
    assert answer.status_code == 200
    assert answer["HX-Redirect"] == reverse("two-factor-verify") + "?next=%2Fcommitments%2F%3Fq%3Dx"
    assert b"<html" not in answer.content


def test_session_api_call_gets_a_problem_not_a_redirect(manager_with_app):
    client = csrf_client()
    log_in(client, "manager")
    answer = client.get("/api/v1/commitments/")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["type"].endswith("#two-factor-required")
    assert body["status"] == 401


def test_session_api_call_of_a_manager_who_must_enrol_is_refused(manager):
    client = csrf_client()
    log_in(client, "manager")
    answer = client.get("/api/v1/themes/")
    assert answer.status_code == 401
    assert "two-factor" in answer.json()["detail"]


def test_token_api_is_not_asked_for_a_second_factor(manager):
    now = timezone.now()
    _token, secret = api_token_create(
        user=manager,
        name="dashboard",
        scope="read",
        expires_at=now + datetime.timedelta(days=7),
        now=now,
    )
    client = Client()
    answer = client.get("/api/v1/themes/", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
    assert ApiToken.objects.count() == 1


def test_logout_and_language_switch_work_while_the_step_is_owed(manager):
    client = csrf_client()
    log_in(client, "manager")
    answer = post_form(
        client,
        reverse("set_language"),
        {"language": "ja", "next": reverse("two-factor-setup")},
        page=reverse("two-factor-setup"),
    )
    assert answer.status_code == 302
    page = client.get(reverse("two-factor-setup"))
    assert "二要素" in page.content.decode()
    answer = post_form(client, reverse("logout"), {}, page=reverse("two-factor-setup"))
    assert answer.status_code == 302
    assert "_auth_user_id" not in client.session


def test_japanese_verify_page_is_in_japanese(manager_with_app):
    client = csrf_client()
    client.cookies["django_language"] = "ja"
    log_in(client, "manager")
    page = client.get(reverse("two-factor-verify"), headers={"Accept-Language": "ja"})
    html = page.content.decode()
    assert 'lang="ja"' in html
    assert "二要素" in html
    assert "Two-factor log-in" not in html


# --- The administrator's reset -------------------------------------------------------------


def verified_client(user, device) -> Client:
    """A CSRF-enforcing client logged in through the form and the second step."""
    client = csrf_client()
    log_in(client, user.username)
    answer = post_form(client, reverse("two-factor-verify"), {"code": code_for(device)})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return client


def test_admin_resets_a_users_two_factor_and_it_is_logged(admin_user, manager_with_app):
    manager, device = manager_with_app
    with_recovery_codes(manager)
    admin_device = with_totp(admin_user)
    admin = verified_client(admin_user, admin_device)
    change = admin.get(reverse("admin:auth_user_change", args=[manager.pk]))
    assert change.status_code == 200
    reset_url = reverse("admin:auth_user_two_factor_reset", args=[manager.pk])
    assert reset_url in change.content.decode()
    confirm = admin.get(reset_url)
    assert confirm.status_code == 200
    assert "authenticator apps: 1" in confirm.content.decode()
    answer = post_form(admin, reset_url, {})
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    event = events("reset_by_admin").get()
    assert event.user == admin_user
    assert event.target_id == str(manager.pk)
    assert event.detail["devices_removed"] == 2
    # The manager must enrol again at the next log-in.
    client = csrf_client()
    log_in(client, "manager")
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two-factor-setup"))


def test_a_session_verified_before_the_reset_must_enrol_again(admin_user, manager_with_app):
    manager, device = manager_with_app
    client = verified_client(manager, device)
    assert client.get(reverse("dashboard")).status_code == 200
    services.two_factor_reset(user=manager, by=admin_user)
    answer = client.get(reverse("dashboard"))
    assert answer["Location"].startswith(reverse("two-factor-verify"))
    # The second step sees that nothing is left to give, and sends the manager to enrol.
    assert client.get(answer["Location"])["Location"].startswith(reverse("two-factor-setup"))


def test_reset_needs_the_change_user_permission(clerk, manager_with_app):
    manager, _device = manager_with_app
    clerk_device = with_totp(clerk)
    client = verified_client(clerk, clerk_device)
    reset_url = reverse("admin:auth_user_two_factor_reset", args=[manager.pk])
    assert client.get(reset_url).status_code == 403
    assert client.post(reset_url).status_code == 403
    assert TOTPDevice.objects.filter(user=manager).exists()
    assert not events("reset_by_admin").exists()


# --- Security settings -------------------------------------------------------------------------


def test_settings_page_shows_the_state_and_is_linked_from_every_page(viewer):
    client = csrf_client()
    log_in(client, "viewer")
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("security-settings")}"' in dashboard
    page = client.get(reverse("security-settings")).content.decode()
    assert "Off." in page
    assert reverse("two-factor-setup") in page
    # Recovery codes only come with a second factor.
    answer = post_form(
        client, reverse("security-recovery-codes"), {}, page=reverse("security-settings")
    )
    assert answer.status_code == 302
    assert not StaticDevice.objects.filter(user=viewer).exists()


def test_viewer_enrols_from_the_settings_then_regenerates_codes(viewer):
    client = csrf_client()
    log_in(client, "viewer")
    client.get(reverse("two-factor-setup"))
    key = client.session["tracker_totp_setup_key"]
    answer = post_form(client, reverse("two-factor-setup"), {"code": code_for(key)})
    first = CODE.findall(answer.content.decode())
    assert len(first) == 10
    page = client.get(reverse("security-settings")).content.decode()
    assert "On." in page and "10 of 10 recovery codes left." in page
    answer = post_form(
        client, reverse("security-recovery-codes"), {}, page=reverse("security-settings")
    )
    second = CODE.findall(answer.content.decode())
    assert len(second) == 10 and not set(first) & set(second)
    assert "no-store" in answer["Cache-Control"]
    html = answer.content.decode()
    assert 'download="recovery-codes.txt"' in html
    assert second[0] in html.split('href="data:text/plain;charset=utf-8,', 1)[1].split('"')[0]
    stored = set(StaticToken.objects.filter(device__user=viewer).values_list("token", flat=True))
    assert stored == {code.replace("-", "") for code in second}
    assert events("recovery_codes_generated").filter(user=viewer).count() == 2


def test_remove_the_app_with_the_password(viewer):
    device = with_totp(viewer)
    with_recovery_codes(viewer)
    client = verified_client(viewer, device)
    url = reverse("security-authenticator-remove")
    wrong = post_form(client, url, {"password": "nope"}, page=reverse("security-settings"))
    assert wrong.status_code == 200
    assert "That password is not right." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=viewer).exists()
    empty = post_form(client, url, {}, page=reverse("security-settings"))
    assert "Enter your password or a code" in empty.content.decode()
    answer = post_form(client, url, {"password": PASSWORD}, page=reverse("security-settings"))
    assert answer.status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    # No factor left: the recovery codes go too, and the viewer's session goes on.
    assert not StaticDevice.objects.filter(user=viewer).exists()
    assert client.get(reverse("dashboard")).status_code == 200
    assert events("removed").filter(user=viewer).count() == 1


def test_removing_the_last_factor_is_refused_when_the_role_requires_one(manager_with_app):
    manager, device = manager_with_app
    client = verified_client(manager, device)
    answer = post_form(
        client,
        reverse("security-authenticator-remove"),
        {"password": PASSWORD},
        page=reverse("security-settings"),
    )
    assert answer.status_code == 302
    assert TOTPDevice.objects.filter(user=manager).exists()
    page = client.get(reverse("security-settings")).content.decode()
    assert "your role requires one" in page
    assert not events("removed").exists()


def test_setup_is_refused_when_an_app_is_already_set_up(viewer):
    device = with_totp(viewer)
    client = verified_client(viewer, device)
    answer = client.get(reverse("two-factor-setup"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("security-settings")


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE_CODES = [
    "\x00",
    "12\x003456",
    "1" * 10_000,
    "١٢٣٤٥٦",  # Arabic-Indic digits: digits, but not ones an app shows
    "12345",
    "1234567",
    "\ufffd",  # what undecodable bytes arrive as
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("value", HOSTILE_CODES)
def test_hostile_codes_get_a_message_never_an_error(manager_with_app, value):
    manager, device = manager_with_app
    client = csrf_client()
    log_in(client, "manager")
    for field in ("code", "recovery_code"):
        answer = post_form(client, reverse("two-factor-verify"), {field: value})
        assert answer.status_code == 200
        assert 'class="errorlist' in answer.content.decode()
        assert "<script>alert" not in answer.content.decode()
    # Refused by the form, not counted as a guess: the user is not logged out for a typo.
    assert not events("verify_failed").exists()
    assert client.get(reverse("dashboard")).status_code == 302


def test_full_width_digits_and_spaces_are_accepted(manager_with_app):
    manager, device = manager_with_app
    client = csrf_client()
    log_in(client, "manager")
    code = code_for(device)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code)  # "１２３４５６"
    typed = typed[:3] + "\u3000" + typed[3:]
    answer = post_form(client, reverse("two-factor-verify"), {"code": typed})
    assert answer.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_full_width_recovery_code_is_accepted(manager_with_app):
    manager, _device = manager_with_app
    with_recovery_codes(manager, codes=("abcd2345",))
    client = csrf_client()
    log_in(client, "manager")
    answer = post_form(
        client, reverse("two-factor-verify"), {"recovery_code": "ＡＢＣＤ－２３４５"}
    )
    assert answer.status_code == 302


@pytest.mark.parametrize("value", HOSTILE_CODES[:4])
def test_hostile_values_at_enrolment_and_removal(viewer, value):
    client = csrf_client()
    log_in(client, "viewer")
    answer = post_form(client, reverse("two-factor-setup"), {"code": value})
    assert answer.status_code == 200
    assert 'class="errorlist' in answer.content.decode()
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    device = with_totp(viewer)
    client = verified_client(viewer, device)
    for data in ({"password": value}, {"code": value}, {"password": value, "code": value}):
        answer = post_form(
            client,
            reverse("security-authenticator-remove"),
            data,
            page=reverse("security-settings"),
        )
        assert answer.status_code == 200
    assert TOTPDevice.objects.filter(user=viewer).exists()


# --- Queries -----------------------------------------------------------------------------------


def _dashboard_queries(client, settings, *, without: tuple[str, ...] = ()) -> int:
    """Queries of the dashboard for the client's session, with some middleware left out (a fresh
    client: a client builds its middleware chain once)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m.rsplit(".", 1)[1] not in without]
    fresh = Client()
    fresh.cookies = client.cookies
    fresh.get(reverse("dashboard"))  # warm: sessions written, caches filled
    with CaptureQueriesContext(connection) as queries:
        assert fresh.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_middleware_adds_no_query_for_a_verified_user(manager_with_app, settings):
    manager, device = manager_with_app
    client = verified_client(manager, device)
    with_it = _dashboard_queries(client, settings)
    without = _dashboard_queries(client, settings, without=("TwoFactorMiddleware",))
    assert with_it == without
    # django-otp's own middleware reads the session's device: the one query a verified session
    # costs, and what makes a removed device unverify the session at once.
    assert _dashboard_queries(client, settings, without=("OTPMiddleware",)) == with_it - 1


def test_middleware_adds_no_query_for_a_user_without_factor(viewer, settings):
    client = csrf_client()
    log_in(client, "viewer")
    with_it = _dashboard_queries(client, settings)
    assert _dashboard_queries(client, settings, without=("TwoFactorMiddleware",)) == with_it


def test_a_refused_page_costs_few_queries(manager_with_app, django_assert_max_num_queries):
    client = csrf_client()
    log_in(client, "manager")
    client.get(reverse("dashboard"))  # the first page after log-in writes the session
    # The session and the user, nothing else: the step was worked out at log-in.
    with django_assert_max_num_queries(2):
        assert client.get(reverse("commitment-list")).status_code == 302


# --- Passkeys' endpoints -------------------------------------------------------------------------


def test_passkey_authentication_is_reachable_at_the_second_step(manager_with_app):
    client = csrf_client()
    log_in(client, "manager")
    client.get(reverse("two-factor-verify"))
    begin = reverse("otp_webauthn:credential-authentication-begin")
    answer = client.post(
        begin,
        content_type="application/json",
        data={},
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    # Not sent to the second step: the package answers with the ceremony's options.
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("application/json")


def test_passkey_registration_is_refused_before_the_second_step(manager_with_app):
    client = csrf_client()
    log_in(client, "manager")
    client.get(reverse("two-factor-verify"))  # sets the CSRF cookie, as the page does
    begin = reverse("otp_webauthn:credential-registration-begin")
    answer = client.post(
        begin,
        content_type="application/json",
        data={},
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("two-factor-verify"))


# --- A NUL in the browser string at log-in -----------------------------------------------------


@pytest.mark.parametrize("header", ["User-Agent", "Accept"])
@pytest.mark.parametrize("password", [PASSWORD, "wrong password"])
def test_nul_in_a_header_at_log_in_is_no_server_error(viewer, password, header):
    """django-axes stores the browser string and Accept header of each attempt; PostgreSQL text
    cannot hold NUL (this crashed there before tracker.middleware mended the headers)."""
    client = Client(headers={header: "Mozilla/5.0 \x00evil"})
    answer = client.post(reverse("login"), {"username": "viewer", "password": password})
    assert answer.status_code in (200, 302)
    assert (answer.status_code == 302) == (password == PASSWORD)


@pytest.mark.parametrize("field", ["next", "extra"])
def test_nul_in_another_posted_field_at_log_in_is_no_server_error(viewer, field):
    """django-axes stores the other posted fields of a failed attempt as well."""
    answer = Client().post(
        reverse("login"), {"username": "viewer", "password": "wrong", field: "a\x00b"}
    )
    assert answer.status_code == 200
