"""Personal access tokens: the settings page that makes, shows once, lists and revokes them, and
what the API does with a token that is live, read-only, expired, revoked or unknown."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.api_helpers import token_for
from tests.factories import CommitmentFactory
from tracker import services
from tracker.models import ApiToken, api_token_hash

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _bearer(secret):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_settings_page_makes_a_token_shows_it_once_and_stores_its_hash(editor):
    client = Client()
    client.force_login(editor)
    page = client.get(reverse("api-token-list"))
    assert page.status_code == 200
    assert b"Make a token" in page.content
    made = client.post(
        reverse("api-token-list"), {"name": "Cabinet dashboard", "scope": "read", "lifetime": "30"}
    )
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    token = ApiToken.objects.get(user=editor)
    secret = made.context["new_secret"]
    assert secret.startswith("trk_") and len(secret) > 40
    assert secret.encode() in made.content
    assert token.token_hash == api_token_hash(secret)
    assert secret not in {token.token_hash, token.shown_prefix, token.name}
    assert (token.name, token.scope) == ("Cabinet dashboard", "read")
    assert abs(token.expires_at - timezone.now() - datetime.timedelta(days=30)).total_seconds() < 60
    # Listed afterwards by prefix only; the secret is never shown again.
    again = client.get(reverse("api-token-list"))
    assert token.shown_prefix.encode() in again.content
    assert secret.encode() not in again.content
    assert _bearer(secret).get(reverse("api-commitment-list")).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "lifetime": "30"},
        {"name": "x" * 101, "scope": "read", "lifetime": "30"},
        {"name": "ok", "scope": "admin", "lifetime": "30"},
        {"name": "ok", "scope": "read", "lifetime": "99999"},
        {"name": "nul\x00name", "scope": "read", "lifetime": "30"},
    ],
)
def test_settings_page_refuses_bad_input_with_a_message(editor, data):
    client = Client()
    client.force_login(editor)
    response = client.post(reverse("api-token-list"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_settings_page_in_japanese(editor):
    client = Client()
    client.force_login(editor)
    response = client.get(reverse("api-token-list"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "APIトークン".encode() in response.content


def test_revoke_stops_the_token_and_only_the_owner_may(editor, viewer):
    secret = token_for(editor)
    token = ApiToken.objects.get(user=editor)
    stranger = Client()
    stranger.force_login(viewer)
    assert stranger.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert _bearer(secret).get(reverse("api-commitment-list")).status_code == 200
    owner = Client()
    owner.force_login(editor)
    response = owner.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = _bearer(secret).get(reverse("api-commitment-list"))
    assert refused.status_code == 401
    assert refused["Content-Type"] == PROBLEM
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_unknown_tokens_are_refused(editor):
    secret = token_for(editor)
    ApiToken.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=10),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert _bearer(secret).get(reverse("api-commitment-list")).status_code == 401
    for bad in ("trk_unknown", "nonsense", "trk_" + "a" * 300, "a b"):
        assert _bearer(bad).get(reverse("api-commitment-list")).status_code == 401, bad
    latin = Client(HTTP_AUTHORIZATION="Bearer trk_\u00e9")
    assert latin.get(reverse("api-commitment-list")).status_code == 401


def test_an_inactive_users_token_is_refused(editor):
    secret = token_for(editor)
    editor.is_active = False
    editor.save()
    assert _bearer(secret).get(reverse("api-commitment-list")).status_code == 401


def test_a_read_token_cannot_write(editor, division):
    commitment = CommitmentFactory(lead_division=division)
    client = _bearer(token_for(editor, scope="read"))
    response = client.post(
        reverse("api-commitment-status", args=[commitment.pk]),
        {"status": "in_progress"},
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403
    assert "read" in response.json()["detail"]
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_last_use_is_recorded_at_most_once_a_minute(editor, django_assert_num_queries):
    secret = token_for(editor)
    client = _bearer(secret)
    client.get(reverse("api-theme-list"))
    token = ApiToken.objects.get()
    first_use = token.last_used_at
    assert first_use is not None
    # Within the minute: the token is read, its use not written again.
    with django_assert_num_queries(2):
        client.get(reverse("api-theme-list"))
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.update(last_used_at=first_use - datetime.timedelta(minutes=2))
    client.get(reverse("api-theme-list"))
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_rate_limit_is_per_token_with_retry_after(editor, settings):
    from tracker.api.throttling import TokenRateThrottle

    cache.clear()
    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = {"api": "3/minute"}
    try:
        first, second = _bearer(token_for(editor)), _bearer(token_for(editor))
        for _ in range(3):
            assert first.get(reverse("api-theme-list")).status_code == 200
        limited = first.get(reverse("api-theme-list"))
        assert limited.status_code == 429
        assert limited["Content-Type"] == PROBLEM
        assert 0 < int(limited["Retry-After"]) <= 60
        assert limited.json()["retry_after"] == int(limited["Retry-After"])
        # Another token of the same user has its own budget.
        assert second.get(reverse("api-theme-list")).status_code == 200
    finally:
        TokenRateThrottle.THROTTLE_RATES = original
        cache.clear()


def test_the_service_refuses_lifetimes_out_of_bounds(editor):
    from django.core.exceptions import ValidationError

    now = timezone.now()
    for expires in (now - datetime.timedelta(days=1), now + datetime.timedelta(days=400)):
        with pytest.raises(ValidationError):
            services.api_token_create(user=editor, name="x", scope="read", expires_at=expires)
    with pytest.raises(ValidationError):
        services.api_token_create(
            user=editor, name="x", scope="admin", expires_at=now + datetime.timedelta(days=1)
        )


def test_a_user_may_hold_at_most_twenty_live_tokens(editor):
    from django.core.exceptions import ValidationError

    for _ in range(20):
        token_for(editor)
    with pytest.raises(ValidationError):
        token_for(editor)
