"""Making, replacing and revoking the secret addresses of the calendar feeds.

The secret is returned once, by `calendar_token_issue`, and never stored: the database keeps its
SHA-256 (see `tracker.models.calendar_feeds`). Issuing a new address revokes the feed's old one in
the same transaction, so a leaked address stops working the moment its owner makes a new one.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..calendar_feed import feed_allowed
from ..models import CalendarFeedKind, CalendarToken, Division, calendar_token_hash

# 32 random bytes: 43 URL-safe characters in the address.
TOKEN_BYTES = 32
# A feed fetched every few minutes writes its last use at most this often.
LAST_USED_PRECISION = datetime.timedelta(hours=1)


def _feed(kind: str, division: Division | None) -> tuple[str, Division | None]:
    kind = CalendarFeedKind(kind)
    if kind == CalendarFeedKind.PERSONAL and division is not None:
        raise ValueError("A personal calendar has no division.")
    if kind == CalendarFeedKind.DIVISION and division is None:
        raise ValueError("A division calendar needs its division.")
    return kind, division


def _revoke_live(*, user: AbstractBaseUser, kind: str, division: Division | None, now) -> int:
    return (
        CalendarToken.objects.active()
        .of_feed(user=user, kind=kind, division=division)
        .select_for_update()
        .update(revoked_at=now)
    )


@transaction.atomic
def calendar_token_issue(
    *,
    user: AbstractBaseUser,
    kind: str,
    division: Division | None = None,
    language: str = "en",
) -> tuple[CalendarToken, str]:
    """A new address for the user's feed, the old one revoked; returns the token and its secret,
    which the caller shows once and keeps nowhere. The feed is written in `language`."""
    kind, division = _feed(kind, division)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if not feed_allowed(user=user, kind=kind, division=division):
        raise PermissionDenied
    now = timezone.now()
    _revoke_live(user=user, kind=kind, division=division, now=now)
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    token = CalendarToken(
        user=user,
        kind=kind,
        division=division,
        token_hash=calendar_token_hash(secret),
        language=language,
        created_at=now,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def calendar_token_revoke(
    *, user: AbstractBaseUser, kind: str, division: Division | None = None
) -> bool:
    """Revoke the feed's live address; whether there was one. Allowed without the permission:
    a manager who lost the role may still switch off an address they made."""
    kind, division = _feed(kind, division)
    return bool(_revoke_live(user=user, kind=kind, division=division, now=timezone.now()))


def calendar_token_used(*, token: CalendarToken, now: datetime.datetime) -> None:
    """Note that the feed was read: one UPDATE, which writes only when the last note is older
    than `LAST_USED_PRECISION` (calendar apps poll often, and the page needs no more)."""
    CalendarToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
