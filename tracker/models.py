"""Entities, their QuerySets and choices.

Reads live here as chainable QuerySet methods; every write with side effects goes through
`tracker.services`, so that a status change always writes its journal entry.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

JAPAN_TIME_ZONE = "Asia/Tokyo"
# Fields an editor changes on the commitment page together with status and confidence.
EDITABLE_FIELD_NAMES = ("next_step", "target_date", "target_date_reason", "next_review_date")
STALE_AFTER_DAYS = 14


@cache
def _iana_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _iana_time_zones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone; use a name such as America/New_York."),
            params={"value": value},
            code="invalid_time_zone",
        )


# Choices ------------------------------------------------------------------------------------------


class MeetingKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    FOREIGN_MINISTERS = "foreign_ministers", _("Foreign ministers’ meeting")
    SECURITY_2PLUS2 = "security_2plus2", _("Security Consultative Committee (“2+2”)")
    ECONOMIC_2PLUS2 = "economic_2plus2", _("Economic “2+2”")
    DIALOGUE = "dialogue", _("Dialogue")
    TRILATERAL = "trilateral", _("Trilateral")
    MULTILATERAL = "multilateral", _("Multilateral (G7, G20, IPEF …)")
    TELEPHONE = "telephone", _("Telephone talk")
    WORKING = "working", _("Working level")
    OTHER = "other", _("Other")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    TELEPHONE = "telephone", _("Telephone")


class Strength(models.TextChoices):
    JOINT = "joint", _("Joint commitment")
    REQUEST = "request", _("Request to the other side")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ONGOING = "ongoing", _("Ongoing")
    STALLED = "stalled", _("Stalled")
    COMPLETED = "completed", _("Completed")
    SUPERSEDED = "superseded", _("Superseded")
    DROPPED = "dropped", _("Dropped")


CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.SUPERSEDED, Status.DROPPED})
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES
# Moves that must be explained: blocking, closing, and reopening a closed item.
NOTE_REQUIRED_STATUSES = frozenset({Status.STALLED, *CLOSED_STATUSES})
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NOT_STARTED: frozenset(
        {Status.IN_PROGRESS, Status.ONGOING, Status.STALLED, *CLOSED_STATUSES}
    ),
    Status.IN_PROGRESS: frozenset({Status.ONGOING, Status.STALLED, *CLOSED_STATUSES}),
    Status.ONGOING: frozenset({Status.IN_PROGRESS, Status.STALLED, *CLOSED_STATUSES}),
    Status.STALLED: frozenset({Status.IN_PROGRESS, Status.ONGOING, *CLOSED_STATUSES}),
    # A closed item can only be reopened, and reopening needs a note (see services).
    Status.COMPLETED: frozenset({Status.IN_PROGRESS}),
    Status.SUPERSEDED: frozenset({Status.IN_PROGRESS}),
    Status.DROPPED: frozenset({Status.IN_PROGRESS}),
}


class Confidence(models.TextChoices):
    GREEN = "green", _("Green — on track")
    AMBER = "amber", _("Amber — at risk")
    RED = "red", _("Red — off track")


class FollowUpOutcome(models.TextChoices):
    REAFFIRMED = "reaffirmed", _("Reaffirmed")
    PROGRESS_REPORTED = "progress_reported", _("Progress reported")
    ADVANCED = "advanced", _("Advanced")
    COMPLETED = "completed", _("Completed")


# Reference data -----------------------------------------------------------------------------------


class Country(models.Model):
    """A country or a group (G7) that can be a side at a meeting or a party to a commitment."""

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        help_text=_("ISO 3166 alpha-2, or a short group code."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(_("Japanese name"), max_length=100, blank=True)
    is_group = models.BooleanField(
        _("group of countries"), default=False, help_text=_("For example the G7.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country or party")
        verbose_name_plural = _("countries and parties")

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(_("Japanese name"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Division(models.Model):
    """The organisational unit that leads an item; editors may change their divisions' items."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    name_ja = models.CharField(_("Japanese name"), max_length=150, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="divisions",
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name


class MeetingSeries(models.Model):
    """A standing mechanism that meets again and again, e.g. the Security Consultative Committee."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    description = models.TextField(
        _("description"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.name


# Meetings -----------------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime, days: int) -> MeetingQuerySet:
        return self.filter(starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days))

    def held_between(self, start: datetime.datetime, end: datetime.datetime) -> MeetingQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def search(self, text: str) -> MeetingQuerySet:
        return self.filter(
            Q(title__icontains=text) | Q(place__icontains=text) | Q(series__name__icontains=text)
        )


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
    )
    starts_at = models.DateTimeField(
        _("start"),
        db_index=True,
        help_text=_("Stored in UTC; shown in the place’s local time and in Japan time."),
    )
    time_zone = models.CharField(
        _("time zone of the place"),
        max_length=64,
        default=JAPAN_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. America/New_York."),
    )
    start_time_known = models.BooleanField(
        _("start time known"),
        default=True,
        help_text=_("Untick when the sources give only the date: then only the date is shown."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("For meetings over several days.")
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.IN_PERSON
    )
    summary = models.TextField(
        _("summary"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    # Readouts run to a few thousand characters; the limit leaves room for the longest summit
    # communiqués while keeping a pasted megabyte out of every page and report that shows it.
    readout_text = models.TextField(
        _("readout text"),
        blank=True,
        max_length=200_000,
        validators=[MaxLengthValidator(200_000)],
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
        help_text=_("Caveats on the facts, e.g. which details are unverified."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0),
                name="meeting_duration_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.local_start:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])

    def clean(self) -> None:
        if self.end_date and self.starts_at and self.end_date < self.local_start.date():
            raise ValidationError({"end_date": _("The last day cannot be before the first.")})

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @property
    def local_date(self) -> datetime.date:
        # A date, so that templates cannot shift it into the viewer's time zone.
        return self.local_start.date()

    @property
    def japan_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(JAPAN_TIME_ZONE))

    @property
    def is_in_japan_time(self) -> bool:
        return self.local_start.utcoffset() == self.japan_start.utcoffset()

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.duration_minutes is None:
            return None
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Person(models.Model):
    family_name = models.CharField(_("family name"), max_length=100)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="people"
    )
    family_name_first = models.BooleanField(
        _("family name first"),
        default=False,
        help_text=_("Japanese style: “HAYASHI Yoshimasa” rather than “Antony Blinken”."),
    )
    name_ja = models.CharField(
        _("name in Japanese"),
        max_length=100,
        blank=True,
        help_text=_(
            "As the Japanese interface shows it: “林 芳正”, “アントニー・ブリンケン”. Empty: the "
            "romaji name, family name first."
        ),
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["family_name", "given_name", "country"], name="person_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.display_name()

    @property
    def full_name(self) -> str:
        if self.family_name_first:
            return f"{self.family_name.upper()} {self.given_name}".strip()
        return f"{self.given_name} {self.family_name}".strip()

    def display_name(self, language: str | None = None) -> str:
        """The name as the interface in `language` (default: the active one) writes it.

        Japanese puts the family name first: the Japanese name when one is recorded, else the
        romaji with the family name in capitals, so that it cannot be read the other way round.
        """
        language = language or get_language() or ""
        if not language.startswith("ja"):
            return self.full_name
        if self.name_ja:
            return self.name_ja
        return f"{self.family_name.upper()} {self.given_name}".strip()


class Participation(models.Model):
    """A person at a meeting, with the title they held then (titles change over the years)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    title = models.CharField(_("title at the time"), max_length=250)
    side = models.ForeignKey(
        Country, verbose_name=_("side"), on_delete=models.PROTECT, related_name="participations"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="participation_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}, {self.title}"


# Commitments --------------------------------------------------------------------------------------


class CommitmentQuerySet(models.QuerySet):
    def active(self) -> CommitmentQuerySet:
        return self.filter(is_archived=False)

    def open(self) -> CommitmentQuerySet:
        return self.active().filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> CommitmentQuerySet:
        return self.open().filter(target_date__lt=today)

    def due_between(self, start: datetime.date, end: datetime.date) -> CommitmentQuerySet:
        return self.open().filter(target_date__gte=start, target_date__lte=end)

    def red(self) -> CommitmentQuerySet:
        return self.open().filter(confidence=Confidence.RED)

    def without_owner(self) -> CommitmentQuerySet:
        return self.open().filter(owner__isnull=True)

    def with_last_update(self) -> CommitmentQuerySet:
        return self.annotate(last_update_at=Max("status_updates__created_at"))

    def stale(self, now: datetime.datetime, days: int = STALE_AFTER_DAYS) -> CommitmentQuerySet:
        cutoff = now - datetime.timedelta(days=days)
        return (
            self.open()
            .with_last_update()
            .filter(Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True))
        )

    def for_divisions(self, divisions) -> CommitmentQuerySet:
        return self.filter(lead_division__in=divisions)

    def search(self, text: str) -> CommitmentQuerySet:
        return self.filter(
            Q(title__icontains=text)
            | Q(quote__icontains=text)
            | Q(next_step__icontains=text)
            | Q(status_updates__note__icontains=text)
        ).distinct()

    def for_list(self) -> CommitmentQuerySet:
        """What a list of commitments shows, in a constant number of queries."""
        return self.select_related(
            "origin_meeting", "owner", "lead_division", "follow_up_venue"
        ).prefetch_related("themes", "parties")


class Commitment(models.Model):
    origin_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("origin meeting"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    title = models.CharField(_("title"), max_length=200)
    quote = models.TextField(
        _("verbatim quote"),
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
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
    lead_division = models.ForeignKey(
        Division,
        verbose_name=_("lead division"),
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        related_name="owned_commitments",
        null=True,
        blank=True,
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
    next_step = models.TextField(
        _("next step"), blank=True, max_length=2_000, validators=[MaxLengthValidator(2_000)]
    )
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    follow_up_venue = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("follow-up venue"),
        on_delete=models.PROTECT,
        related_name="commitments",
        null=True,
        blank=True,
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

    history = HistoricalRecords(m2m_fields=[themes, parties])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["origin_meeting__starts_at", "quote_position", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["status", "target_date"], name="commitment_status_target"),
            models.Index(fields=["lead_division", "status"], name="commitment_division_status"),
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
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    outcome = models.CharField(_("what happened"), max_length=20, choices=FollowUpOutcome.choices)
    note = models.TextField(
        _("note"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
    quote = models.TextField(
        _("quote from that readout"),
        blank=True,
        max_length=5_000,
        validators=[MaxLengthValidator(5_000)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["meeting__starts_at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "meeting"], name="followup_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.meeting}"


class StatusUpdateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Status updates are append-only.")

    def delete(self):
        raise TypeError("Status updates are append-only.")


class StatusUpdate(models.Model):
    """One entry of a commitment's append-only journal; reports are computed from it."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="status_updates",
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
    note = models.TextField(
        _("note"), blank=True, max_length=5_000, validators=[MaxLengthValidator(5_000)]
    )
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

    @property
    def status_changed(self) -> bool:
        return self.status_from != self.status_to

    @property
    def confidence_changed(self) -> bool:
        return self.confidence_from != self.confidence_to


# Weekly report ------------------------------------------------------------------------------------


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


class IssuedReport(models.Model):
    """A weekly report as it was circulated: who issued it, for what, and the very bytes sent.

    The files live in the database, not on a disk, because the app keeps no state in its processes
    and PostgreSQL is the one store that is backed up.
    """

    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="issued_reports",
        null=True,
        blank=True,
        help_text=_("Empty when the report was issued by the scheduled command."),
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    week = models.CharField(_("week"), max_length=8, help_text=_("ISO week, e.g. 2026-W48."))
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        on_delete=models.PROTECT,
        related_name="issued_reports",
        null=True,
        blank=True,
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="issued_reports",
        null=True,
        blank=True,
    )
    revision = models.PositiveSmallIntegerField(
        _("revision"),
        default=1,
        help_text=_(
            "1 for the first issue of a week with these filters; 2, 3 … for each re-issue."
        ),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        constraints = [
            # "All divisions" and "all themes" are NULL, and NULLs never collide in a unique
            # index: 0, which no primary key takes, stands for them.
            models.UniqueConstraint(
                F("week"),
                Coalesce("division", Value(0)),
                Coalesce("theme", Value(0)),
                F("revision"),
                name="issuedreport_revision_once",
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="issuedreport_revision_1"),
        ]

    def __str__(self) -> str:
        revision = f" r{self.revision}" if self.revision > 1 else ""
        return f"{self.week}{revision} ({self.issued_at:%Y-%m-%d %H:%M})"

    @property
    def file_stem(self) -> str:
        parts = ["weekly-report", self.week]
        if self.division_id:
            parts.append(self.division.code)
        if self.theme_id:
            parts.append(self.theme.code)
        if self.revision > 1:
            parts.append(f"r{self.revision}")
        return "-".join(parts)


class IssuedReportFile(models.Model):
    """One format of an issued report, kept byte for byte with its SHA-256 checksum."""

    report = models.ForeignKey(
        IssuedReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files"
    )
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["report", "format"]
        verbose_name = _("issued report file")
        verbose_name_plural = _("issued report files")
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="issuedreportfile_once")
        ]

    def __str__(self) -> str:
        return f"{self.report.file_stem}.{self.format}"
