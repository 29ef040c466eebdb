"""Log-in, sessions and lock-out."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tracker.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


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
