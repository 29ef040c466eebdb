"""Follow-ups: a commitment come up again at a later meeting, on its own page or as an inline."""

from __future__ import annotations

from django.contrib import admin

from .. import services
from ..models import FollowUp
from .labels import NamedPickersMixin
from .saving import ServiceSaveAdmin, form_data, save_inline


def _record(request, data: dict) -> FollowUp:
    return services.followup_record(
        commitment=data["commitment"],
        meeting=data["meeting"],
        user=request.user,
        outcome=data["outcome"],
        note=data.get("note", ""),
        quote=data.get("quote", ""),
    )


def _edit(request, form) -> FollowUp:
    return services.followup_edit(
        follow_up=form.instance,
        user=request.user,
        data=form_data(form, services.FOLLOWUP_FIELDS, change=True),
    )


def save_followups(request, formset, **fixed) -> None:
    """Follow-up inlines (on a meeting page: `meeting=`; on a commitment page: `commitment=`)."""

    def about(form):
        cleaned = getattr(form, "cleaned_data", {})
        return cleaned.get("commitment") or cleaned.get("meeting") or form.instance

    save_inline(
        request,
        formset,
        add=lambda form: _record(request, {**form.cleaned_data, **fixed}),
        edit=lambda form: _edit(request, form),
        remove=lambda follow_up: services.followup_delete(follow_up=follow_up, user=request.user),
        about=about,
    )


@admin.register(FollowUp)
class FollowUpAdmin(NamedPickersMixin, ServiceSaveAdmin):
    list_display = ("commitment", "meeting", "outcome", "recorded_by", "recorded_at")
    list_filter = ("outcome", ("meeting", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("commitment", "meeting", "recorded_by")
    search_fields = ("commitment__title", "meeting__title", "note", "quote")
    autocomplete_fields = ("commitment", "meeting")
    readonly_fields = ("recorded_by", "recorded_at")

    def save_through_services(self, request, obj, form, change):
        if change:
            return _edit(request, form)
        return _record(request, form.cleaned_data)

    def delete_model(self, request, obj):
        services.followup_delete(follow_up=obj, user=request.user)
