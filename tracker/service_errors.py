"""A service's refusal, mapped onto the fields it names: the one reading every door uses.

The workspace's forms show each message next to its field, the admin above its form ("Field:
message", the row named when an inline's row was refused), the import on the file's row. All read
the refusal through `errors_by_field`, so a field a service names is shown alike everywhere.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .services import ConflictError


def errors_by_field(error: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    """Field name → messages; what refuses the save as a whole is under NON_FIELD_ERRORS."""
    if isinstance(error, PermissionDenied):
        return {NON_FIELD_ERRORS: [str(error)]}
    if hasattr(error, "error_dict"):
        return {field: list(messages) for field, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: list(error.messages)}


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names, else above the form."""
    for field, messages in errors_by_field(error).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def field_label(model: type[models.Model], name: str) -> str:
    """A field as its form labels it; the services' `note` is the journal note where the model
    has no field of that name."""
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return {"note": _("note for the journal")}.get(name, name)


def refusal_lines(
    error: ValidationError, *, model: type[models.Model], about: str = ""
) -> list[str]:
    """The refusal as lines of text, each naming its field ("Title: …") and, with `about`, the
    row it is about. A stale save (`ConflictError`) says what happened, then each field changed
    and each note added since."""
    prefix = f"{about}: " if about else ""
    if isinstance(error, ConflictError):
        lines = [prefix + error.messages[0]]
        lines += [
            _("%(field)s was “%(before)s” when you opened it and is now “%(after)s”.")
            % {"field": capfirst(label), "before": before, "after": after}
            for label, before, after in error.rows(notes=False)
        ]
        lines += [_("Note added: %(note)s") % {"note": note} for note in error.note_lines()]
        return lines
    return [
        prefix
        + (message if field == NON_FIELD_ERRORS else f"{field_label(model, field)}: {message}")
        for field, messages in errors_by_field(error).items()
        for message in messages
    ]
