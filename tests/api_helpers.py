"""Shared by the API's tests: a token for a user, and a client that sends it."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from tracker import services


def token_for(user, *, scope: str = "write", days: int = 30) -> str:
    _, secret = services.api_token_create(
        user=user,
        name="tests",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return secret


def token_client(user, *, scope: str = "write") -> Client:
    """A client that authenticates every request with a fresh token of `user`."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope=scope)}")
