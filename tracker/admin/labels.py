"""Rows and times as the interface writes them, wherever the admin lists them.

Pickers, filters and search-as-you-type show users by name (not by log-in) and divisions, themes
and countries in the interface's language.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.utils import formats

from .. import names


def label(obj) -> str:
    """How a picker or filter names a row: a user by name (and log-in), the rest in Japanese in
    the Japanese interface."""
    if isinstance(obj, get_user_model()):
        return user_label(obj.first_name, obj.last_name, obj.get_username())
    return names.display_name(obj)


def user_label(first: str, last: str, login: str) -> str:
    """`label` of a user from its first name, last name and log-in (a picker's row)."""
    name = names.format_user_name(first, last, login)
    return name if name == login else f"{name} ({login})"


def datetime_text(value) -> str:
    return formats.date_format(value, "DATETIME_FORMAT") if value else "—"


def _named_choices(field, *, limit_choices_to=None, ordering=()) -> list[tuple]:
    # Field.get_choices() with our labels: the same one query.
    rows = field.related_model._default_manager.complex_filter(limit_choices_to or {})
    if ordering:
        rows = rows.order_by(*ordering)
    return [(obj.pk, label(obj)) for obj in rows]


class NamedRelatedFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        return _named_choices(field, ordering=ordering)


class NamedRelatedOnlyFilter(admin.RelatedOnlyFieldListFilter):
    def field_choices(self, field, request, model_admin):
        used = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        return _named_choices(field, limit_choices_to={"pk__in": used}, ordering=ordering)


class NamedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's search-as-you-type, naming its results like the pickers do."""

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": label(obj)}


def _autocomplete_view(request):
    return NamedAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# AdminSite.autocomplete_view is the documented place to change what the results say.
admin.site.autocomplete_view = _autocomplete_view


class NamedPickersMixin:
    """Foreign-key and many-to-many pickers (select or autocomplete) name rows like `label`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.label_from_instance = label
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.label_from_instance = label
        return field
