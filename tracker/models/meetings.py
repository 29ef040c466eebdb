"""Meetings, the people at them and the titles they held then."""

from __future__ import annotations

import datetime
import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import names
from .choices import MeetingFormat, MeetingKind
from .fields import limited_text, once_per, optional_key
from .querysets import MeetingQuerySet
from .reference import Country, MeetingSeries

JAPAN_TIME_ZONE = "Asia/Tokyo"


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


def meeting_label(title: str, starts_at: datetime.datetime, time_zone: str) -> str:
    """A meeting as lists name it: its title and its local date (for code that reads values)."""
    return f"{title} ({starts_at.astimezone(zoneinfo.ZoneInfo(time_zone)):%Y-%m-%d})"


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    series = optional_key(MeetingSeries, _("series"), related_name="meetings")
    starts_at = models.DateTimeField(
        _("start"),
        db_index=True,
        help_text=_("Stored in UTC; shown in the place’s local time and in Japan time."),
    )
    # The place's zone, not the viewer's: readouts give local times, and so do the pages.
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
    summary = limited_text(_("summary"), 5_000, blank=True)
    # Readouts run to a few thousand characters; the limit leaves room for the longest summit
    # communiqués while keeping a pasted megabyte out of every page and report that shows it.
    readout_text = limited_text(_("readout text"), 200_000, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    notes = limited_text(
        _("notes"),
        5_000,
        blank=True,
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
        return meeting_label(self.title, self.starts_at, self.time_zone)

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
        constraints = [once_per("family_name", "given_name", "country", name="person_unique_name")]

    def __str__(self) -> str:
        return self.display_name()

    @property
    def full_name(self) -> str:
        if self.family_name_first:
            return self._family_name_first()
        return f"{self.given_name} {self.family_name}".strip()

    def _family_name_first(self) -> str:
        # In capitals, so that it cannot be read the other way round.
        return f"{self.family_name.upper()} {self.given_name}".strip()

    def display_name(self, language: str | None = None) -> str:
        """The name as the interface in `language` (default: the active one) writes it.

        Japanese puts the family name first: the Japanese name when one is recorded, else the
        romaji with the family name in capitals, so that it cannot be read the other way round.
        """
        if not names.is_japanese(language):
            return self.full_name
        return self.name_ja or self._family_name_first()


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
        constraints = [once_per("meeting", "person", name="participation_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.person}, {self.title}"
