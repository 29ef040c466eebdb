"""How the admin writes: every save and delete of a page (main form and inlines) by a service.

The services check what a form cannot (a version under the row lock, a rule on another row). A
refusal met while saving is raised as `Refused`: the admin's transaction rolls back whole (main
form and every inline), and the change view is shown again, as typed, with the refusal above the
form. Warnings are told only once the whole page is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from .. import services
from ..service_errors import refusal_lines


class Refused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def form_data(form: forms.ModelForm, fields: Iterable[str], *, change: bool) -> dict:
    """What the form says, as a service takes it: on a change only the fields the user changed,
    on an add every field the service sets."""
    names = form.changed_data if change else form.cleaned_data
    return {name: form.cleaned_data[name] for name in names if name in fields}


def warn_after_save(request, message: str) -> None:
    # Told only once the whole page (form and inlines) is saved: a refusal further down rolls
    # everything back, and a warning about a save that did not happen would mislead.
    request._tracker_warnings = [*getattr(request, "_tracker_warnings", []), message]


def _tell_warnings(request) -> None:
    for message in getattr(request, "_tracker_warnings", []):
        messages.warning(request, message)
    request._tracker_warnings = []


class ServiceForm(forms.ModelForm):
    """An admin form that shows, when the view is shown again, what a service refused."""

    refusal: list[str] = []

    def clean(self):
        cleaned = super().clean()
        for message in self.refusal:
            self.add_error(None, message)
        return cleaned


class ServiceSaveAdmin(admin.ModelAdmin):
    """A model admin whose writes are the services'.

    A subclass saves its page's main form in `save_through_services` (returning the row saved)
    and its inlines in `save_formset`; a delete is `services.record_delete` unless the subclass
    names the service that removes its rows.
    """

    form = ServiceForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:
            # Nothing was saved (the transaction rolled back): show the form again with why.
            request._tracker_refusal = refused.messages
            request._tracker_warnings = []
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if refusal := getattr(request, "_tracker_refusal", None):
            return type(form.__name__, (form,), {"refusal": refusal})
        return form

    def save_through_services(self, request, obj, form, change: bool):
        raise NotImplementedError(f"{type(self).__name__} names no service to save with")

    def save_model(self, request, obj, form, change):
        try:
            saved = self.save_through_services(request, obj, form, change)
        except ValidationError as error:
            raise Refused(refusal_lines(error, model=self.model)) from None
        # The admin goes on with `obj` (its inlines, its log entry, the redirect).
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were saved by the service with the rest of the row.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        _tell_warnings(request)

    def save_formset(self, request, form, formset, change):
        raise TypeError(f"No service saves {formset.model.__name__} inlines")

    def delete_model(self, request, obj):
        services.record_delete(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        # One by one, so that each row goes through the service that removes it.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def save_inline(
    request,
    formset,
    *,
    add: Callable,
    edit: Callable,
    remove: Callable | None = None,
    about: Callable,
) -> None:
    """Write an inline's rows through the services: `add(form)` for a new row, `edit(form)` for
    a changed one, `remove(instance)` for a deleted one. A refusal rolls the whole page back and
    names the row by `about(form)`."""
    # What formset.save() would leave for the admin's change message.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        instance = form.instance
        try:
            if formset.can_delete and formset._should_delete_form(form):
                if instance.pk and remove is not None:
                    remove(instance)
                    formset.deleted_objects.append(instance)
                continue
            if not form.has_changed():
                continue
            if instance.pk is None:
                formset.new_objects.append(add(form))
            else:
                edit(form)
                formset.changed_objects.append((instance, form.changed_data))
        except ValidationError as error:
            about_row = str(about(form))
            raise Refused(refusal_lines(error, model=formset.model, about=about_row)) from None
