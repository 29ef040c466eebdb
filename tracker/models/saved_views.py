"""Saved views: a named commitment list (its filters, sort, columns and grouping), kept by a user
for themselves or shared with a division.

A view stores the list's address parameters as they were, not foreign keys: a meeting or theme
deleted since is found when the view is opened (the filter form refuses it, and the list says
so), instead of deleting or silently changing the view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import once_per
from .reference import Division

SAVED_VIEW_QUERY_MAX = 2_000


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedViewQuerySet:
        """The user's own views and those shared with a division they belong to."""
        return self.filter(
            Q(owner=user) | Q(division__in=Division.objects.filter(members=user))
        ).select_related("owner", "division")


class SavedView(models.Model):
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    # Empty: a personal view. A division: every member of it sees the view in their menu.
    division = models.ForeignKey(
        Division,
        verbose_name=_("shared with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    query = models.CharField(
        _("filters"),
        max_length=SAVED_VIEW_QUERY_MAX,
        blank=True,
        help_text=_("The list's address parameters: filters, sort, columns and grouping."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "pk"]
        constraints = [once_per("owner", "name", name="saved_view_name_once_per_owner")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("saved-view-open", args=[self.pk])

    @property
    def is_shared(self) -> bool:
        return self.division_id is not None
