"""Forms written in Python, in the same HTML as Django's templates: the selects of pages that
render hundreds of options, the labels of forms shown on every page, and every input and text area
(the form renderer, settings.FORM_RENDERER)."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# Rendered options of the row-read selects, keyed by everything they are written from (the rows
# as read, the labelling function, the language and time zone): a meeting renamed or added
# changes the rows, so it changes the key; nothing to invalidate, nothing stale.
_OPTIONS: dict[tuple, str] = {}
_OPTIONS_MAX = 64


def _options_html(choices) -> str:
    # The standard library's escape is what django.utils.html.escape calls, without its
    # lazy-string wrapping.
    return "".join(
        f'<option value="{escape(str(option))}">{escape(str(label))}</option>'
        for option, label in choices
    )


# Django's widget templates that are `{% include "django/forms/widgets/input.html" %}` alone.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
        *("number", "password", "search", "tel", "text", "time", "url"),
    )
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: in their order, True as a bare name, False left out."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickRenderer(DjangoTemplates):
    """The form renderer (settings.FORM_RENDERER): the input and text area widgets written in
    Python, the same HTML as Django's templates (input.html, attrs.html, textarea.html) without
    a template rendered per field; every other template as Django renders it. The list and a
    commitment's page render several inputs on every request."""

    def render(self, template_name, context, request=None):
        if template_name not in INPUT_TEMPLATES and template_name != TEXTAREA_TEMPLATE:
            return super().render(template_name, context, request)
        widget = context["widget"]
        name, value = conditional_escape(widget["name"]), widget["value"]
        attrs = _attrs_html(widget["attrs"])
        if template_name == TEXTAREA_TEMPLATE:
            text = conditional_escape(value) if value else ""
            return f'<textarea name="{name}"{attrs}>\n{text}</textarea>'
        shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
        return f'<input type="{conditional_escape(widget["type"])}" name="{name}"{shown}{attrs}>'


class QuickSelect(forms.Select):
    """A select whose options are written in Python: the same HTML as `forms.Select`, without a
    template per option (the commitment list's filters render hundreds of them on every page).
    For flat choices of one value: no option groups, no multiple selection."""

    def render(self, name, value, attrs=None, renderer=None):
        if isinstance(self.choices, RowChoiceIterator):
            options = self.choices.options_html()
        else:
            options = _options_html(self.choices)
        # As forms.Select marks it: the option whose value matches (values are unique).
        chosen = next(iter(self.format_value(value)), None)
        if chosen is not None:
            option = f'<option value="{escape(str(chosen))}">'
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308 - every value and label escaped
        )


class RowChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a `RowChoiceField`, read as tuples, not model instances."""

    def rows(self) -> tuple:
        # One plain read: a server-side cursor (`.iterator()` on PostgreSQL) costs three round
        # trips for a few hundred short rows.
        return tuple(self.queryset.values_list("pk", *self.field.label_fields))

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.rows():
            yield (row[0], self.field.label_from_row(*row[1:]))

    def options_html(self) -> str:
        """The options as `QuickSelect` writes them, none selected; labelled and escaped once
        per content of the rows (per process)."""
        rows = self.rows()
        empty = self.field.empty_label
        key = (
            self.field.label_from_row,
            self.field.label_fields,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            None if empty is None else str(empty),
            rows,
        )
        html = _OPTIONS.get(key)
        if html is None:
            choices = [("", empty)] if empty is not None else []
            choices += [(row[0], self.field.label_from_row(*row[1:])) for row in rows]
            html = _options_html(choices)
            if len(_OPTIONS) >= _OPTIONS_MAX:
                _OPTIONS.clear()
            _OPTIONS[key] = html
        return html


class RowChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose options are labelled from a few columns: a list of hundreds of
    meetings is then read without building a model instance per option. The chosen value is
    still cleaned to the instance."""

    iterator = RowChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_from_row, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_fields = label_fields
        self.label_from_row = label_from_row


class QuickBoundField(BoundField):
    """A bound field whose `label_tag` is written in Python: the same HTML as Django's
    (django/forms/label.html), without a template per label on a form rendered on every page.
    A form uses it with `bound_field_class = QuickBoundField`."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        # As Django: no suffix after a label ending in punctuation (translated, as there).
        if label_suffix and contents and contents[-1] not in gettext(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        attrs = {**(attrs or {})}
        id_for_label = widget.id_for_label(id_)
        if id_for_label and tag != "legend":
            attrs["for"] = id_for_label
        if self.field.required and hasattr(self.form, "required_css_class"):
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        tag = tag or "label"
        return format_html("<{}{}>{}</{}>", tag, flatatt(attrs), contents, tag)


class QuickSelects:
    """A form mixin: every plain select of the form is a `QuickSelect`, and its labels are
    written by `QuickBoundField`. For forms rendered on every page of the list or of a
    commitment, where a template per option and per label would cost more than the rest."""

    bound_field_class = QuickBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.widget.choices)
