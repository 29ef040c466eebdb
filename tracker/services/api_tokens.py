"""Making, revoking and noting the use of personal access tokens for the JSON API.

The secret is returned once, by `api_token_create`, and never stored: the database keeps its
SHA-256 (see `tracker.models.api_tokens`). The API's authentication finds a token with
`api_token_find` and notes its use with `api_token_used`.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import API_TOKEN_PREFIX, ApiToken, ApiTokenScope, api_token_hash
from ..models.api_tokens import API_TOKEN_SHOWN_CHARS

# 32 random bytes: 43 URL-safe characters after the prefix.
TOKEN_BYTES = 32
# The longest life a token may be given; the settings page offers shorter ones.
MAX_LIFETIME = datetime.timedelta(days=366)
# A script calling many times a second writes its token's last use at most this often.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# How many live tokens one user may hold: enough for every system they connect.
MAX_LIVE_TOKENS = 20


@transaction.atomic
def api_token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    scope: str,
    expires_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the user; returns it with its secret, which the caller shows once and
    keeps nowhere. A write-scoped token grants nothing the user's role does not: every write is
    still checked against their permissions."""
    if not (getattr(user, "is_active", False) and user.has_perm("tracker.view_workspace")):
        raise PermissionDenied
    now = now or timezone.now()
    if scope not in ApiTokenScope.values:
        raise ValidationError({"scope": [_("Choose read only, or read and write.")]})
    if expires_at <= now:
        raise ValidationError({"expires_at": [_("Choose an expiry date in the future.")]})
    if expires_at > now + MAX_LIFETIME:
        raise ValidationError({"expires_at": [_("A token may live at most one year.")]})
    # Locks the user's row, so that two tokens made at once cannot both pass the cap.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.of_user(user).live(now).count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)s live tokens, the most one person may hold: revoke one first.")
            % {"count": MAX_LIVE_TOKENS}
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        shown_prefix=secret[:API_TOKEN_SHOWN_CHARS],
        token_hash=api_token_hash(secret),
        created_at=now,
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(
    *, user: AbstractBaseUser, token: ApiToken, now: datetime.datetime | None = None
) -> bool:
    """Revoke one of the user's own tokens; whether it was live until now."""
    if token.user_id != user.pk:
        raise PermissionDenied
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )
    )


def api_token_find(*, secret: str, now: datetime.datetime) -> ApiToken | None:
    """The live token with this secret, with its user; None for an unknown, expired or revoked
    one. One query, by the unique hash."""
    if not secret.startswith(API_TOKEN_PREFIX) or len(secret) > 200:
        return None
    return (
        ApiToken.objects.live(now)
        .select_related("user")
        .filter(token_hash=api_token_hash(secret))
        .first()
    )


def api_token_used(*, token: ApiToken, now: datetime.datetime) -> bool:
    """Note that the token was used: a write at most once per `LAST_USED_PRECISION`, decided in
    memory first, so that most requests cost no query at all. True when it was written."""
    if token.last_used_at is not None and token.last_used_at >= now - LAST_USED_PRECISION:
        return False
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION))
        .update(last_used_at=now)
    )
    token.last_used_at = now
    return bool(written)
