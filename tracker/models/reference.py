"""Reference data: countries and parties, themes, divisions, meeting series."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import names
from .choices import MeetingKind
from .fields import limited_text
from .querysets import ThemeQuerySet


class NamedReference(models.Model):
    """A row of reference data with an English name and, optionally, a Japanese one."""

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        """The Japanese name in the Japanese interface when one is recorded, else the name."""
        return names.choose_name(self.name, self.name_ja, language)


class Country(NamedReference):
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

    class Meta(NamedReference.Meta):
        verbose_name = _("country or party")
        verbose_name_plural = _("countries and parties")


class Theme(NamedReference):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(_("Japanese name"), max_length=100, blank=True)

    objects = ThemeQuerySet.as_manager()

    class Meta(NamedReference.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class Division(NamedReference):
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

    class Meta(NamedReference.Meta):
        verbose_name = _("division")
        verbose_name_plural = _("divisions")


class MeetingSeries(models.Model):
    """A standing mechanism that meets again and again, e.g. the Security Consultative Committee."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    description = limited_text(_("description"), 5_000, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.name
