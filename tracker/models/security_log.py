"""The security log: who did what, when and from where (log-ins, refusals, downloads, imports).

Written only by `tracker.services.security_log.record_security_event`; read by administrators in
the admin. Never edited: the admin offers no add, change or delete, and old events are removed
only by the retention job after SECURITY_LOG_RETENTION_DAYS.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER_AGENT_MAX_LENGTH = 300
USERNAME_MAX_LENGTH = 150
TARGET_MAX_LENGTH = 200


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Log-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    PERMISSION_DENIED = "permission_denied", _("Permission refused")
    REPORT_DOWNLOAD = "report_download", _("Report downloaded")
    REPORT_ISSUE = "report_issue", _("Report issued")
    IMPORT = "import", _("Import")
    EXPORT = "export", _("Export")
    TWO_FACTOR = "two_factor", _("Two-factor event")
    TOKEN = "token", _("API token event")


class SecurityEventQuerySet(models.QuerySet):
    def older_than(self, moment: datetime.datetime) -> SecurityEventQuerySet:
        return self.filter(at__lt=moment)

    def for_listing(self) -> SecurityEventQuerySet:
        return self.select_related("user").order_by("-at", "-pk")


class SecurityEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=30, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The account, when the request had one; kept empty if it is deleted."),
    )
    username = models.CharField(
        _("user name typed"),
        max_length=USERNAME_MAX_LENGTH,
        blank=True,
        help_text=_("The name given at log-in, or the account's name at the time."),
    )
    ip_address = models.CharField(_("IP address"), max_length=64, blank=True, db_index=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)
    path = models.CharField(_("address"), max_length=TARGET_MAX_LENGTH, blank=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=TARGET_MAX_LENGTH, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        indexes = [
            models.Index(fields=["kind", "at"], name="securityevent_kind_time"),
            models.Index(fields=["user", "at"], name="securityevent_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.username or '—'}"
