"""The secret addresses of the calendar feeds: one per user, and one per division for managers.

Only a hash of the secret is stored: the address is shown once, when it is made, and a copy of
the database gives nobody a working feed address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .reference import Division


def calendar_token_hash(secret: str) -> str:
    """The stored form of a feed's secret: its SHA-256, in hex.

    A plain hash, not a slow password hash: the secret is 32 random bytes, which no one can
    guess by trying, and every feed request must find its token at once."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class CalendarFeedKind(models.TextChoices):
    PERSONAL = "personal", _("My calendar")
    DIVISION = "division", _("Division calendar")


class CalendarTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def of_feed(self, *, user, kind: str, division: Division | None) -> CalendarTokenQuerySet:
        return self.filter(user=user, kind=kind, division=division)


class CalendarToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    kind = models.CharField(_("feed"), max_length=20, choices=CalendarFeedKind.choices)
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_tokens",
        help_text=_("For a division calendar: the division whose items it shows."),
    )
    token_hash = models.CharField(
        _("token hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("SHA-256 of the secret in the feed address; the secret itself is not kept."),
    )
    # The feed is written in the language of the page where its address was made: calendar
    # apps fetch it from their servers, which say nothing about the reader's language.
    language = models.CharField(
        _("language"), max_length=10, default="en", help_text=_("A code of LANGUAGES, e.g. ja.")
    )
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind", "division", "-created_at"]
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=CalendarFeedKind.PERSONAL) & Q(division__isnull=True))
                | (Q(kind=CalendarFeedKind.DIVISION) & Q(division__isnull=False)),
                name="calendartoken_division_iff_division_feed",
            ),
            # One live address per feed: regenerating revokes the old one in the same
            # transaction. Two conditions, because NULL divisions never collide in a UNIQUE.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind=CalendarFeedKind.PERSONAL, revoked_at__isnull=True),
                name="calendartoken_one_live_personal",
            ),
            models.UniqueConstraint(
                fields=["user", "division"],
                condition=Q(kind=CalendarFeedKind.DIVISION, revoked_at__isnull=True),
                name="calendartoken_one_live_per_division",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == CalendarFeedKind.DIVISION:
            return f"{self.user} · {self.division}"
        return f"{self.user} · {self.get_kind_display()}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
