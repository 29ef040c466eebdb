"""The journal: entries are written by status changes (an entry added here is one), never edited."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from .. import services
from ..models import StatusUpdate
from .labels import NamedRelatedOnlyFilter
from .saving import ServiceForm, ServiceSaveAdmin


class StatusUpdateInline(admin.TabularInline):
    """The journal, read-only: entries are written by status changes, never edited."""

    model = StatusUpdate
    extra = 0
    fields = ("created_at", "author", "status_from", "status_to", "confidence_to", "note")
    readonly_fields = fields
    can_delete = False
    ordering = ("-created_at", "-pk")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class StatusUpdateAddForm(ServiceForm):
    """Adding a journal entry in the admin is a status change, made through the service."""

    class Meta:
        model = StatusUpdate
        fields = ("commitment", "status_to", "confidence_to", "note", "evidence_url")

    def clean(self):
        cleaned = super().clean()
        commitment = cleaned.get("commitment")
        if commitment and "status_to" in cleaned and "confidence_to" in cleaned:
            errors = services.status_move_errors(
                commitment=commitment,
                status=cleaned["status_to"],
                confidence=cleaned["confidence_to"],
                note=cleaned.get("note", ""),
            )
            names = {"status": "status_to", "confidence": "confidence_to"}
            if errors:
                raise ValidationError({names.get(k, k): v for k, v in errors.items()})
        return cleaned


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ServiceSaveAdmin):
    list_display = (
        "created_at",
        "commitment",
        "author",
        "status_from",
        "status_to",
        "confidence_from",
        "confidence_to",
    )
    list_filter = ("status_to", "confidence_to", ("author", NamedRelatedOnlyFilter))
    list_select_related = ("commitment", "author")
    search_fields = ("commitment__title", "note")
    date_hierarchy = "created_at"
    autocomplete_fields = ("commitment",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StatusUpdateAddForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return request.user.has_perm("tracker.change_commitment")

    def save_through_services(self, request, obj, form, change):
        data = form.cleaned_data
        commitment = data["commitment"]
        services.commitment_set_status(
            commitment=commitment,
            user=request.user,
            status=data["status_to"],
            confidence=data["confidence_to"],
            note=data.get("note", ""),
            evidence_url=data.get("evidence_url", ""),
            # The entry is appended to the commitment as the clerk saw it in this form.
            expected_version=commitment.version,
        )
        return commitment.status_updates.latest()
