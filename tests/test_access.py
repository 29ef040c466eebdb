"""Log-in, sessions and lock-out."""

import os
import runpy
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tracker.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _login(client, username, password=PASSWORD, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


def test_login_gives_a_new_session_id_and_logout_ends_it(client):
    UserFactory(username="tanaka")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    response = _login(client, "tanaka")
    assert response.status_code == 302
    after = client.session.session_key
    assert after and after != before
    client.post(reverse("logout"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_repeated_failures_lock_the_account_with_a_clear_message(client):
    UserFactory(username="tanaka")
    for _ in range(5):
        response = _login(client, "tanaka", "wrong")
    response = _login(client, "tanaka")  # even the right password is refused now
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failures_below_the_limit_do_not_lock(client):
    UserFactory(username="tanaka")
    for _ in range(4):
        _login(client, "tanaka", "wrong")
    assert _login(client, "tanaka").status_code == 302


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_idle_session_times_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 61
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_password_validators_are_on(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_language_choice_is_remembered(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    response = client.get(reverse("dashboard"))
    assert response.headers["Content-Language"] == "ja"


# Lock-out behind the TLS proxy --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PROXY = "127.0.0.1"  # gunicorn listens on 127.0.0.1 behind the proxy (README, "Deploying")
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.23"


def _production_settings(**env: str) -> dict:
    """The client-address settings that tracker/settings.py makes from these variables."""
    with mock.patch.dict(os.environ, env):
        namespace = runpy.run_path(str(ROOT / "tracker" / "settings.py"))
    return {k: v for k, v in namespace.items() if k.startswith(("AXES_IPWARE_", "IPWARE_"))}


@pytest.fixture
def proxies(settings):
    """Configure the app as behind N proxies, the way the environment variable does."""

    def configure(count: int) -> None:
        for name, value in _production_settings(AXES_PROXY_COUNT=str(count)).items():
            setattr(settings, name, value)

    return configure


def _via_proxy(forwarded_for: str | None, remote_addr: str = PROXY) -> dict:
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return meta


def _fail_five_times(client, username: str, meta: dict) -> None:
    # The fifth failure is answered with the lock-out page already.
    statuses = [_login(client, username, "wrong", **meta).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_another(client, proxies):
    proxies(1)
    UserFactory(username="tanaka")
    _fail_five_times(client, "tanaka", _via_proxy(CLIENT_A))
    assert _login(client, "tanaka", **_via_proxy(CLIENT_A)).status_code == 429
    assert _login(client, "tanaka", **_via_proxy(CLIENT_B)).status_code == 302


@pytest.mark.parametrize(
    "forged",
    [
        CLIENT_B,
        f"{CLIENT_B}, 192.0.2.1",
        "not-an-address",
        "unknown, , ,",
        "\x00",
        "1.2.3.4" + ", 5.6.7.8" * 500,
        "for=[2001:db8::1]",
    ],
)
def test_a_forged_forwarded_for_counts_as_the_real_client(client, proxies, forged):
    """The proxy appends the real address to what the client sent: the right-most one counts."""
    proxies(1)
    UserFactory(username="tanaka")
    _fail_five_times(client, "tanaka", _via_proxy(f"{forged}, {CLIENT_A}"))
    # The attacker could not lock out the address it named ...
    assert _login(client, "tanaka", **_via_proxy(CLIENT_B)).status_code == 302
    client.post(reverse("logout"))
    # ... and cannot escape its own lock by naming another one.
    assert _login(client, "tanaka", **_via_proxy(CLIENT_A)).status_code == 429
    assert _login(client, "tanaka", **_via_proxy(f"192.0.2.99, {CLIENT_A}")).status_code == 429


def test_intranet_clients_behind_a_proxy_with_a_public_address(client, proxies):
    # ipware prefers public addresses: were REMOTE_ADDR consulted too, the proxy's would win over
    # every private client address and the lock would be per user name again.
    proxies(1)
    UserFactory(username="tanaka")
    _fail_five_times(client, "tanaka", _via_proxy("10.1.2.3", remote_addr="8.8.8.8"))
    assert _login(
        client, "tanaka", **_via_proxy("10.1.2.4", remote_addr="8.8.8.8")
    ).status_code == (302)


def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(client, proxies):
    proxies(2)
    UserFactory(username="tanaka")
    first_proxy = "10.0.0.2"
    _fail_five_times(client, "tanaka", _via_proxy(f"{CLIENT_B}, {CLIENT_A}, {first_proxy}"))
    assert _login(client, "tanaka", **_via_proxy(f"{CLIENT_A}, {first_proxy}")).status_code == 429
    assert _login(client, "tanaka", **_via_proxy(f"{CLIENT_B}, {first_proxy}")).status_code == 302


def test_without_a_proxy_the_forwarded_for_header_is_ignored(client, proxies):
    proxies(0)
    UserFactory(username="tanaka")
    for forged in (CLIENT_B, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"):
        _login(client, "tanaka", "wrong", **_via_proxy(forged, remote_addr=CLIENT_A))
    assert _login(
        client, "tanaka", **_via_proxy("192.0.2.5", remote_addr=CLIENT_A)
    ).status_code == (429)
    assert _login(client, "tanaka", **_via_proxy(None, remote_addr=CLIENT_B)).status_code == 302


def test_a_request_without_the_header_behind_the_proxy_still_logs_in(client, proxies):
    proxies(1)
    UserFactory(username="tanaka")
    assert _login(client, "tanaka", **_via_proxy(None)).status_code == 302


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_bad_proxy_count_stops_the_start(value):
    with pytest.raises(ImproperlyConfigured, match="AXES_PROXY_COUNT"):
        _production_settings(AXES_PROXY_COUNT=value)


def test_ipware_is_installed_and_the_deployment_check_is_clean_behind_the_proxy(tmp_path):
    # Without django-ipware axes silently uses REMOTE_ADDR, the proxy's address.
    from axes.helpers import IPWARE_INSTALLED

    assert IPWARE_INSTALLED
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AXES_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="tracker.example.org",
        SQLITE_PATH=str(tmp_path / "deploy.sqlite3"),
        AXES_PROXY_COUNT="1",
    )
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
