"""Commitments: the change form with its follow-ups and journal, and the bulk actions (status,
owner) on a selection."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .. import names, services
from ..forms import ReassignForm
from ..models import Commitment, FollowUp, StatusUpdate
from ..spreadsheets.admin_import import FileImportExportMixin
from ..spreadsheets.commitments import CommitmentResource
from .commitment_forms import CommitmentAdminForm, SetStatusForm, warn_quote
from .followups import save_followups
from .journal import StatusUpdateInline
from .labels import (
    NamedPickersMixin,
    NamedRelatedFilter,
    NamedRelatedOnlyFilter,
    datetime_text,
    user_label,
)
from .saving import ServiceSaveAdmin


def add_commitment(request, form, **fixed) -> Commitment:
    """A new commitment from an admin form (`fixed`: what the page sets, e.g. its meeting)."""
    created = services.commitment_create(
        user=request.user,
        note=form.cleaned_data.get("journal_note", ""),
        **{**form.new_data(), **fixed},
    )
    warn_quote(request, form)
    return created


def change_commitment(request, form) -> Commitment:
    """The changes of an admin form, from the version the clerk started from."""
    saved = services.commitment_edit(
        commitment=form.instance,
        user=request.user,
        data=form.edit_data(),
        expected_version=form.cleaned_data.get("loaded_version"),
        note=form.cleaned_data.get("journal_note", ""),
    )
    warn_quote(request, form)
    return saved


# What the bulk actions tell when done; the plural is chosen by the "count" they are given.
_STATUS_CHANGED = ngettext_lazy(
    "Status changed on %(count)d commitment.", "Status changed on %(count)d commitments.", "count"
)
_REASSIGNED = ngettext_lazy(
    "Owner reassigned on %(count)d commitment.",
    "Owner reassigned on %(count)d commitments.",
    "count",
)


class FollowUpInline(NamedPickersMixin, admin.TabularInline):
    model = FollowUp
    fk_name = "commitment"
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")
    fields = ("meeting", "outcome", "note", "quote", "recorded_by", "recorded_at")
    autocomplete_fields = ("meeting",)


@admin.register(Commitment)
class CommitmentAdmin(
    NamedPickersMixin, FileImportExportMixin, ServiceSaveAdmin, SimpleHistoryAdmin
):
    form = CommitmentAdminForm
    resource_classes = [CommitmentResource]
    list_display = (
        "title",
        "origin_meeting",
        "status",
        "confidence",
        "owner_name",
        "division_name",
        "target_date",
        "last_update",
    )
    list_filter = (
        "status",
        "confidence",
        "strength",
        ("owner", NamedRelatedOnlyFilter),
        ("lead_division", NamedRelatedFilter),
        "target_date",
        ("themes", NamedRelatedFilter),
        ("parties", NamedRelatedFilter),
        ("origin_meeting", admin.RelatedOnlyFieldListFilter),
        "is_archived",
    )
    list_select_related = ("origin_meeting", "owner", "lead_division")
    search_fields = ("title", "quote")
    autocomplete_fields = ("origin_meeting", "owner", "lead_division", "follow_up_venue")
    filter_horizontal = ("themes", "parties")
    inlines = (FollowUpInline, StatusUpdateInline)
    actions = ("set_status", "reassign_owner")
    readonly_fields = ("version", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("origin_meeting", "title", "quote", "quote_position", "strength")}),
        (_("Scope"), {"fields": ("themes", "parties", "follow_up_venue")}),
        (_("Responsibility"), {"fields": ("lead_division", "owner")}),
        (
            _("Progress"),
            {
                "fields": (
                    "status",
                    "confidence",
                    "journal_note",
                    "target_date",
                    "target_date_reason",
                    "next_step",
                    "next_review_date",
                    "is_archived",
                )
            },
        ),
        (_("Record"), {"fields": ("version", "created_at", "updated_at", "loaded_version")}),
    )

    @admin.display(description=_("last update"), ordering="last_update_at")
    def last_update(self, commitment: Commitment) -> str:
        return datetime_text(commitment.last_update_at)

    @admin.display(description=_("owner"), ordering="owner__last_name", empty_value="—")
    def owner_name(self, commitment: Commitment) -> str | None:
        return names.user_name(commitment.owner) if commitment.owner_id else None

    @admin.display(description=_("lead division"), ordering="lead_division__name", empty_value="—")
    def division_name(self, commitment: Commitment) -> str | None:
        return names.display_name(commitment.lead_division) if commitment.lead_division_id else None

    def has_reassign_permission(self, request) -> bool:
        # Offered only to those who may reassign: the service would refuse everyone else.
        return request.user.has_perm("tracker.reassign_commitment")

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "tracker.edit_commitment", obj
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not request.user.has_perm("tracker.reassign_commitment", obj):
            # Reassigning is the managers' (the service refuses it too).
            fields = (*fields, "owner")
        return fields

    def save_through_services(self, request, obj, form, change):
        if change:
            return change_commitment(request, form)
        return add_commitment(request, form)

    def save_formset(self, request, form, formset, change):
        if formset.model is FollowUp:
            commitment = Commitment.objects.get(pk=form.instance.pk)
            save_followups(request, formset, commitment=commitment)
        elif formset.model is StatusUpdate:
            # Read-only: the journal's entries are written by status changes, none here.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        else:
            super().save_formset(request, form, formset, change)

    def _selected_action_page(self, request, queryset, form, action: str):
        """The action's question about the selection (again, after a refusal: with the selection
        and what was typed, to retry)."""
        return render(
            request,
            "admin/tracker/commitment/bulk_action.html",
            {
                **self.admin_site.each_context(request),
                "title": getattr(type(self), action).short_description,
                "form": form,
                "queryset": queryset,
                "action": action,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(
        description=_("Change status of the selected commitments"), permissions=["change"]
    )
    def set_status(self, request, queryset):
        if not all(request.user.has_perm("tracker.edit_commitment", c) for c in queryset):
            self.message_user(
                request, _("You may not change some of the selected commitments."), messages.ERROR
            )
            return None
        form = SetStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = services.commitments_set_status_bulk(
                commitments=queryset,
                user=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
            if refused:
                for commitment, error in refused:
                    self.message_user(
                        request,
                        f"{commitment}: {' '.join(error.messages)}",
                        messages.ERROR,
                    )
                self.message_user(
                    request, _("Nothing was changed: fix the above and try again."), messages.ERROR
                )
            else:
                self.message_user(request, _STATUS_CHANGED % {"count": done}, messages.SUCCESS)
                return None
        return self._selected_action_page(request, queryset, form, "set_status")

    @admin.action(
        description=_("Reassign owner of the selected commitments"), permissions=["reassign"]
    )
    def reassign_owner(self, request, queryset):
        if not request.user.has_perm("tracker.reassign_commitment"):
            self.message_user(request, _("Only managers may reassign owners."), messages.ERROR)
            return None
        form = ReassignForm(
            request.POST if "apply" in request.POST else None,
            fields=("owner",),
            user_label=user_label,
        )
        if form.is_valid():
            count = services.commitments_reassign_bulk(
                commitments=queryset, user=request.user, owner=form.cleaned_data["owner"]
            )
            self.message_user(request, _REASSIGNED % {"count": count}, messages.SUCCESS)
            return None
        return self._selected_action_page(request, queryset, form, "reassign_owner")
