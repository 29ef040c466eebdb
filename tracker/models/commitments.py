"""Commitments, the later meetings where they came up again, and their append-only journal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    Confidence,
    FollowUpOutcome,
    Status,
    Strength,
)
from .fields import limited_text, once_per, optional_key
from .meetings import Meeting
from .querysets import CommitmentQuerySet, StatusUpdateQuerySet
from .reference import Country, Division, MeetingSeries, Theme

# Everything an edit may change, in the order the admin's form shows it; the import's columns,
# the conflict check and the timeline take theirs from it.
COMMITMENT_FIELDS = (
    "origin_meeting",
    "title",
    "quote",
    "quote_position",
    "strength",
    "themes",
    "parties",
    "follow_up_venue",
    "lead_division",
    "owner",
    "status",
    "confidence",
    "target_date",
    "target_date_reason",
    "next_step",
    "next_review_date",
    "is_archived",
)
COMMITMENT_M2M_FIELDS = ("themes", "parties")
# Fields an editor changes on the commitment page together with status and confidence.
EDITABLE_FIELD_NAMES = ("next_step", "target_date", "target_date_reason", "next_review_date")


class Commitment(models.Model):
    origin_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("origin meeting"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    title = models.CharField(_("title"), max_length=200)
    quote = limited_text(
        _("verbatim quote"),
        5_000,
        help_text=_("The words of the readout, as is."),
    )
    quote_position = models.PositiveIntegerField(
        _("position in readout"),
        null=True,
        blank=True,
        help_text=_("Character offset of the quote in the meeting’s readout text."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    parties = models.ManyToManyField(
        Country,
        verbose_name=_("parties"),
        blank=True,
        related_name="commitments",
        help_text=_("Which sides the commitment binds."),
    )
    strength = models.CharField(
        _("strength"), max_length=20, choices=Strength.choices, default=Strength.JOINT
    )
    lead_division = optional_key(Division, _("lead division"), related_name="commitments")
    owner = optional_key(
        settings.AUTH_USER_MODEL,
        _("owner"),
        related_name="owned_commitments",
        on_delete=models.SET_NULL,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    confidence = models.CharField(
        _("delivery confidence"),
        max_length=10,
        choices=Confidence.choices,
        default=Confidence.GREEN,
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    target_date_reason = models.CharField(_("why this target date"), max_length=300, blank=True)
    next_step = limited_text(_("next step"), 2_000, blank=True)
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    follow_up_venue = optional_key(
        MeetingSeries,
        _("follow-up venue"),
        related_name="commitments",
        help_text=_("The meeting series where this is expected to come up again."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save, so that a save based on an older version is refused."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The newest journal entry's time, kept by the service that writes the journal: the lists
    # sort and filter by it without reading the journal.
    last_update_at = models.DateTimeField(
        _("last update"), null=True, blank=True, editable=False, db_index=True
    )

    history = HistoricalRecords(m2m_fields=[themes, parties])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["origin_meeting__starts_at", "quote_position", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["status", "target_date"], name="commitment_status_target"),
            models.Index(fields=["lead_division", "status"], name="commitment_division_status"),
            models.Index(fields=["owner", "status"], name="commitment_owner_status"),
            models.Index(fields=["confidence", "status"], name="commitment_confidence_status"),
            # The dashboard's lists and the list sorted by target date read the open items in
            # target-date order, from the first: these stop after the rows shown.
            models.Index(
                fields=["target_date", "id"],
                condition=models.Q(is_archived=False, status__in=sorted(OPEN_STATUSES)),
                name="commitment_open_target",
            ),
            # Every column the dashboard's boxes count by, for the active items: its one pass
            # over them, and the theme chart's read of the open items' ids, read this index
            # alone, never the table's wide rows. SQLite does so only for an index holding
            # every column the query names, its condition's (is_archived) too.
            models.Index(
                fields=["status", "target_date", "last_update_at", "confidence", "is_archived"],
                condition=models.Q(is_archived=False),
                name="commitment_active_counts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commitment-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_statuses(self) -> list[str]:
        return [s for s in Status if s in ALLOWED_TRANSITIONS[self.status]]

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.target_date is not None and self.target_date < today


class FollowUp(models.Model):
    """A commitment came up again at a later meeting."""

    commitment = models.ForeignKey(
        Commitment, models.CASCADE, verbose_name=_("commitment"), related_name="follow_ups"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    outcome = models.CharField(_("what happened"), max_length=20, choices=FollowUpOutcome.choices)
    note = limited_text(_("note"), 5_000, blank=True)
    quote = limited_text(_("quote from that readout"), 5_000, blank=True)
    recorded_by = optional_key(settings.AUTH_USER_MODEL, _("recorded by"), related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [once_per("commitment", "meeting", name="followup_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.meeting}"


class StatusMove:
    """What a journal entry moved; also for the rows that reports read from the journal."""

    @property
    def status_changed(self) -> bool:
        return self.status_from != self.status_to

    @property
    def confidence_changed(self) -> bool:
        return self.confidence_from != self.confidence_to


class StatusUpdate(StatusMove, models.Model):
    """One entry of a commitment's append-only journal; reports are computed from it."""

    commitment = models.ForeignKey(
        Commitment, models.PROTECT, verbose_name=_("commitment"), related_name="status_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="status_updates",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    status_from = models.CharField(
        _("status from"), max_length=20, choices=Status.choices, blank=True
    )
    status_to = models.CharField(_("status to"), max_length=20, choices=Status.choices)
    confidence_from = models.CharField(
        _("confidence from"), max_length=10, choices=Confidence.choices, blank=True
    )
    confidence_to = models.CharField(_("confidence to"), max_length=10, choices=Confidence.choices)
    note = limited_text(_("note"), 5_000, blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        indexes = [
            models.Index(fields=["commitment", "created_at"], name="statusupdate_commitment_time")
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.status_from or '—'} → {self.status_to}"

    def save(self, *args, **kwargs):
        # The journal is evidence: an entry, once written, is never rewritten.
        if not self._state.adding:
            raise TypeError("Status updates are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Status updates are append-only.")
