"""Post an admin change form as a browser would: every field of the page, inlines included.

`admin_post_data(response)` reads the change page that the test client got and returns the data a
browser would send back unchanged, so a test changes only what its user would type.
"""

from __future__ import annotations

import datetime

from django import forms


def _posted(value, widget) -> list[str] | str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, datetime.date):
        return widget.format_value(value) if hasattr(widget, "format_value") else value.isoformat()
    return str(value)


def _form_fields(form: forms.BaseForm) -> dict:
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                data[f"{bound.html_name}{suffix}"] = sub.format_value(part) or ""
            continue
        posted = _posted(value, widget)
        if posted is not None:
            data[bound.html_name] = posted
    return data


def _formset_fields(formset) -> dict:
    data = {}
    management = formset.management_form
    for name in management.fields:
        data[management[name].html_name] = management[name].value()
    for form in formset.forms:
        data.update(_form_fields(form))
    return data


def admin_post_data(response) -> dict:
    """The data of an admin add or change page, as a browser would post it back."""
    data = _form_fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(_formset_fields(inline.formset))
    return data


def inline_prefix(response, model) -> str:
    """The prefix of the inline formset of `model` on an admin page."""
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is model:
            return inline.formset.prefix
    raise LookupError(model)


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    """Fill in one more row of an inline formset, as the "Add another" link does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
