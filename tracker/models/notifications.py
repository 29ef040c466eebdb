"""Notifications: what happened to a commitment someone cares about, in the app and by e-mail.

A notification keeps its text parts as data (the title, the statuses, the note), never rendered
HTML: it is worded when shown, in the reader's language, and escaped like any other user text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..names import user_name
from .choices import Confidence, FollowUpOutcome, Status
from .commitments import Commitment
from .fields import once_per


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", _("Made owner or reassigned")
    STATUS = "status", _("Status or confidence changed")
    NOTE = "note", _("Note added")
    FOLLOW_UP = "follow_up", _("Follow-up recorded")
    DUE_SOON = "due_soon", _("Target date coming up")
    OVERDUE = "overdue", _("Target date passed")
    REVIEW = "review", _("Review date reached")
    STALE = "stale", _("No update for a while")
    # One e-mail each Monday, not a notification under the bell: it is sent, or it is off.
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("By e-mail at once")
    DIGEST = "digest", _("In a daily e-mail digest")
    # What an e-mail's unsubscribe link leaves: still listed under the bell, no more e-mail.
    IN_APP = "in_app", _("In the app only")
    OFF = "off", _("Off")


# Without a stored choice: being made owner is worth an e-mail at once; everything else, which
# can come many times a day, waits for the daily digest.
DEFAULT_DELIVERY = dict.fromkeys(NotificationKind, Delivery.DIGEST) | {
    NotificationKind.ASSIGNED: Delivery.IMMEDIATELY
}


# The weekly digest's two choices; "in the app only" (what an unsubscribe link leaves) is off.
WEEKLY_DIGEST_DELIVERIES = [
    (Delivery.DIGEST.value, _("By e-mail every Monday")),
    (Delivery.OFF.value, _("Off")),
]


def delivery_for(kind: str, stored: str | None) -> str:
    """The user's choice for a kind, or the default when they made none."""
    delivery = stored or DEFAULT_DELIVERY[NotificationKind(kind)]
    if kind == NotificationKind.WEEKLY_DIGEST:
        return Delivery.OFF if delivery in (Delivery.IN_APP, Delivery.OFF) else Delivery.DIGEST
    return delivery


def delivery_choices(kind: str) -> list[tuple[str, str]]:
    """What the settings page offers for a kind."""
    if kind == NotificationKind.WEEKLY_DIGEST:
        return WEEKLY_DIGEST_DELIVERIES
    return Delivery.choices


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def for_page(self) -> NotificationQuerySet:
        """Newest first, with what each line names, in a constant number of queries."""
        return self.select_related("actor", "commitment").order_by("-created_at", "-pk")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        verbose_name=_("user"),
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    commitment = models.ForeignKey(
        Commitment,
        models.CASCADE,
        verbose_name=_("commitment"),
        related_name="notifications",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        verbose_name=_("by"),
        related_name="+",
        null=True,
        blank=True,
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    # What happened, once: the same event offered twice (a retry, a rerun reminder) finds the
    # row already there and adds nothing.
    event_key = models.CharField(_("event"), max_length=200)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [once_per("user", "event_key", name="notification_once_per_event")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return self.summary()

    def get_absolute_url(self) -> str:
        return self.commitment.get_absolute_url() if self.commitment_id else ""

    def summary(self) -> str:
        """One sentence in the active language; plain text, escaped where it is shown."""
        data = self.data or {}
        parts = {
            "title": data.get("title", ""),
            "actor": user_name(self.actor) if self.actor_id else "",
            "days": data.get("days", ""),
        }
        parts["actor"] = parts["actor"] or data.get("actor", "") or gettext("Someone")
        kind = self.kind
        if kind == NotificationKind.ASSIGNED:
            if data.get("owner_id") == self.user_id:
                return gettext("%(actor)s made you the owner of “%(title)s”.") % parts
            return gettext("%(actor)s reassigned “%(title)s” to %(owner)s.") % {
                **parts,
                "owner": data.get("owner", "") or gettext("nobody"),
            }
        if kind == NotificationKind.STATUS:
            moves = []
            if data.get("status_from") != data.get("status_to"):
                moves.append(
                    gettext("status %(old)s → %(new)s")
                    % {
                        "old": _label(Status, data["status_from"]),
                        "new": _label(Status, data["status_to"]),
                    }
                )
            if data.get("confidence_from") != data.get("confidence_to"):
                moves.append(
                    gettext("confidence %(old)s → %(new)s")
                    % {
                        "old": _label(Confidence, data["confidence_from"]),
                        "new": _label(Confidence, data["confidence_to"]),
                    }
                )
            return gettext("%(actor)s updated “%(title)s”: %(moves)s.") % {
                **parts,
                "moves": ", ".join(moves),
            }
        if kind == NotificationKind.NOTE:
            return gettext("%(actor)s added a note to “%(title)s”.") % parts
        if kind == NotificationKind.FOLLOW_UP:
            return gettext(
                "%(actor)s linked “%(title)s” to the meeting “%(meeting)s” (%(outcome)s)."
            ) % {
                **parts,
                "meeting": data.get("meeting", ""),
                "outcome": _label(FollowUpOutcome, data.get("outcome", "")),
            }
        if kind == NotificationKind.DUE_SOON:
            return gettext("“%(title)s” is due in %(days)s days.") % parts
        if kind == NotificationKind.OVERDUE:
            return gettext("“%(title)s” is past its target date.") % parts
        if kind == NotificationKind.REVIEW:
            return gettext("“%(title)s” is due for review.") % parts
        return gettext("“%(title)s” has had no update for %(days)s days.") % parts

    @property
    def note(self) -> str:
        return (self.data or {}).get("note", "")


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


class NotificationPreference(models.Model):
    """How a user wants one kind of notification; a kind without a row has DEFAULT_DELIVERY."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        verbose_name=_("user"),
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [once_per("user", "kind", name="notificationpreference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.delivery}"


class MailLanguage(models.Model):
    """The language a user's e-mails are written in (the interface has no per-user language
    stored anywhere else); without a row, settings.LANGUAGE_CODE."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        primary_key=True,
        verbose_name=_("user"),
        related_name="mail_language",
    )
    language = models.CharField(_("e-mail language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("e-mail language")
        verbose_name_plural = _("e-mail languages")

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"

    @classmethod
    def of(cls, user) -> str:
        """The language to write to `user` in (select_related("mail_language") saves a query)."""
        try:
            return user.mail_language.language
        except cls.DoesNotExist:
            return settings.LANGUAGE_CODE


class Watch(models.Model):
    """A user follows a commitment they neither own nor lead, to hear about its changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"), related_name="watches"
    )
    commitment = models.ForeignKey(
        Commitment, models.CASCADE, verbose_name=_("commitment"), related_name="watches"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("watch")
        verbose_name_plural = _("watches")
        constraints = [once_per("user", "commitment", name="watch_once_per_commitment")]

    def __str__(self) -> str:
        return f"{self.user} → {self.commitment}"


class WeeklyDigest(models.Model):
    """A weekly digest mailed to a user: one per user and week, so a retried or doubled job
    finds the row and sends nothing more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        verbose_name=_("user"),
        related_name="weekly_digests",
    )
    # The ISO week whose changes it reports ("2026-W48"); it is sent on the Monday after.
    week = models.CharField(_("week"), max_length=8)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [once_per("user", "week", name="weeklydigest_once_per_week")]

    def __str__(self) -> str:
        return f"{self.user}: {self.week}"
