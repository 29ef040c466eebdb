"""Form widgets that render faster than Django's templates where a page renders many options."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as `forms.Select`, without a
    template per option (the commitment list's filters render hundreds of them on every page).
    For flat choices of one value: no option groups, no multiple selection."""

    def render(self, name, value, attrs=None, renderer=None):
        # As forms.Select marks it: the option whose value matches. The standard library's
        # escape is what django.utils.html.escape calls, without its lazy-string wrapping.
        chosen = next(iter(self.format_value(value)), None)
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) == chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - every value and label escaped above
        )


class RowChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a `RowChoiceField`, read as tuples, not model instances."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.values_list("pk", *self.field.label_fields).iterator():
            yield (row[0], self.field.label_from_row(*row[1:]))


class RowChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are labelled from a few columns: a list of hundreds of
    meetings is then read without building a model instance per option. The chosen value is
    still cleaned to the instance."""

    iterator = RowChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_from_row, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_fields = label_fields
        self.label_from_row = label_from_row
