"""Field builders for the declarations that every model writes the same way."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models


def limited_text(verbose_name, max_length: int, **options) -> models.TextField:
    """A TextField whose limit `full_clean` enforces too: on a TextField, `max_length` alone
    only sizes the form field, and the admin, the import and the services all validate."""
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[MaxLengthValidator(max_length)],
        **options,
    )


def optional_key(to, verbose_name, *, related_name: str, on_delete=models.PROTECT, **options):
    """A foreign key that may be left empty (NULL in the database, blank in forms)."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        on_delete=on_delete,
        related_name=related_name,
        null=True,
        blank=True,
        **options,
    )


def once_per(*fields: str, name: str) -> models.UniqueConstraint:
    """At most one row for each combination of the values of `fields`."""
    return models.UniqueConstraint(fields=list(fields), name=name)
