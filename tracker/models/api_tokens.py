"""Personal access tokens for the JSON API (`/api/v1/`).

A token is a random secret the user is shown once, on the settings page where they make it; the
database keeps its SHA-256 only, so a copy of the database gives nobody a working token. Each
token is named, scoped (read, or read and write), expires, and can be revoked by its owner.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Every token starts with this, so that a leaked one is recognisable (secret scanners, logs).
API_TOKEN_PREFIX = "trk_"
# How many characters of the token the settings page shows to tell tokens apart.
API_TOKEN_SHOWN_CHARS = 12


def api_token_hash(secret: str) -> str:
    """The stored form of a token: its SHA-256, in hex.

    A plain hash, not a slow password hash: the secret is 32 random bytes, which no one can guess
    by trying, and every API request must find its token at once."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now: datetime.datetime) -> ApiTokenQuerySet:
        """Tokens that still open the API: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def of_user(self, user) -> ApiTokenQuerySet:
        return self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “cabinet dashboard”.")
    )
    scope = models.CharField(
        _("scope"), max_length=10, choices=ApiTokenScope.choices, default=ApiTokenScope.READ
    )
    shown_prefix = models.CharField(
        _("prefix"),
        max_length=API_TOKEN_SHOWN_CHARS,
        editable=False,
        help_text=_("The token's first characters, to tell it apart; not enough to use it."),
    )
    token_hash = models.CharField(
        _("token hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of the token; the token itself is not kept."),
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="apitoken_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.shown_prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == ApiTokenScope.WRITE

    def is_live(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
