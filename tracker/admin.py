"""The admin site, where data-entry clerks enter meetings, participants, commitments and follow-ups.

Declarative where it can be; where a save has side effects (a new commitment opens its journal, a
status change writes an entry) it calls `tracker.services`, like every other door into the data.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    Status,
    StatusUpdate,
    Theme,
)
from .resources import CommitmentResource, MeetingResource

admin.site.site_header = _("Commitment tracker — data entry")
admin.site.site_title = _("Commitment tracker")
admin.site.index_title = _("Data entry")


def _datetime(value) -> str:
    return formats.date_format(value, "DATETIME_FORMAT") if value else "—"


# Reference data -----------------------------------------------------------------------------------


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_ja", "is_group")
    list_filter = ("is_group",)
    search_fields = ("name", "code", "name_ja")


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_ja")
    search_fields = ("name", "code", "name_ja")


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_ja")
    search_fields = ("name", "code", "name_ja")
    filter_horizontal = ("members",)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("full_name", "country")
    list_filter = ("country",)
    list_select_related = ("country",)
    search_fields = ("family_name", "given_name")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "side", "meeting")
    list_filter = ("side",)
    list_select_related = ("person__country", "side", "meeting")
    search_fields = ("person__family_name", "person__given_name", "title", "meeting__title")
    autocomplete_fields = ("meeting", "person")


# Meetings -----------------------------------------------------------------------------------------


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            Meeting.objects.annotate(year=ExtractYear("starts_at"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(starts_at__year=self.value())
        return queryset


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("person", "side")
    fields = ("order", "person", "title", "side")


class OriginatedCommitmentInline(admin.StackedInline):
    model = Commitment
    fk_name = "origin_meeting"
    extra = 0
    fields = ("title", "quote", "quote_position", "strength", "lead_division", "owner")
    autocomplete_fields = ("lead_division", "owner")
    show_change_link = True
    verbose_name_plural = _("commitments made at this meeting")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FollowUpHeldInline(admin.TabularInline):
    model = FollowUp
    fk_name = "meeting"
    extra = 0
    fields = ("commitment", "outcome", "note", "quote")
    autocomplete_fields = ("commitment",)
    verbose_name_plural = _("follow-ups held at this meeting")


@admin.register(Meeting)
class MeetingAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [MeetingResource]
    list_display = ("title", "kind", "series", "local_time", "japan_time", "place", "format")
    list_filter = ("kind", "series", YearFilter, "format")
    list_select_related = ("series",)
    date_hierarchy = "starts_at"
    search_fields = ("title", "place", "summary", "readout_text")
    autocomplete_fields = ("series",)
    readonly_fields = ("local_time", "japan_time")
    inlines = (ParticipationInline, OriginatedCommitmentInline, FollowUpHeldInline)
    fieldsets = (
        (None, {"fields": ("title", "kind", "series", "format", "place")}),
        (
            _("Time"),
            {
                "fields": (
                    "starts_at",
                    "time_zone",
                    "start_time_known",
                    "duration_minutes",
                    "end_date",
                    "local_time",
                    "japan_time",
                ),
                "description": _(
                    "Enter the start in the admin’s time zone (Japan time by default); the "
                    "place’s local time is computed from its IANA time zone."
                ),
            },
        ),
        (_("Content"), {"fields": ("summary", "readout_text", "source_url", "notes")}),
    )

    @admin.display(description=_("local time"), ordering="starts_at")
    def local_time(self, meeting: Meeting) -> str:
        if not meeting.starts_at:
            return "—"
        return f"{_datetime(meeting.local_start)} ({meeting.time_zone})"

    @admin.display(description=_("Japan time"), ordering="starts_at")
    def japan_time(self, meeting: Meeting) -> str:
        return _datetime(meeting.japan_start) if meeting.starts_at else "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is Commitment:
            for commitment in formset.save(commit=False):
                if commitment.pk is None:
                    services.commitment_save_new(commitment=commitment, user=request.user)
                else:
                    services.commitment_update(commitment=commitment, user=request.user)
            formset.save_m2m()
        elif formset.model is FollowUp:
            for follow_up in formset.save(commit=False):
                if follow_up.pk is None:
                    services.followup_record(
                        commitment=follow_up.commitment,
                        meeting=form.instance,
                        user=request.user,
                        outcome=follow_up.outcome,
                        note=follow_up.note,
                        quote=follow_up.quote,
                    )
                else:
                    follow_up.save()
            for obj in formset.deleted_objects:
                obj.delete()
        else:
            super().save_formset(request, form, formset, change)


# Commitments --------------------------------------------------------------------------------------


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    fk_name = "commitment"
    extra = 0
    fields = ("meeting", "outcome", "note", "quote")
    autocomplete_fields = ("meeting",)


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


class CommitmentAdminForm(forms.ModelForm):
    """Adds the journal note and the version the clerk started from (to refuse stale saves)."""

    journal_note = forms.CharField(
        label=_("note for the journal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the status moves to stalled, completed, superseded or dropped."),
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Commitment
        fields = (
            "origin_meeting",
            "title",
            "quote",
            "quote_position",
            "strength",
            "themes",
            "parties",
            "follow_up_venue",
            "lead_division",
            "owner",
            "status",
            "confidence",
            "target_date",
            "target_date_reason",
            "next_step",
            "next_review_date",
            "is_archived",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = Commitment.objects.filter(pk=self.instance.pk).values("version").first()
            if current and current["version"] != loaded:
                raise ValidationError(
                    _(
                        "Someone else saved this commitment while you were editing it. Open it "
                        "again to see their changes, then apply yours."
                    ),
                    code="conflict",
                )
        if self.instance.pk and "status" in cleaned and "confidence" in cleaned:
            before = Commitment.objects.get(pk=self.instance.pk)
            errors = services.status_move_errors(
                commitment=before,
                status=cleaned["status"],
                confidence=cleaned["confidence"],
                note=cleaned.get("journal_note", ""),
            )
            if errors:
                raise ValidationError({_JOURNAL_FIELDS.get(k, k): v for k, v in errors.items()})
        return cleaned


# The service names the note "note"; on this form it is the journal_note field.
_JOURNAL_FIELDS = {"note": "journal_note"}


class SetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=Status.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("new owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label=_("(nobody)"),
    )


@admin.register(Commitment)
class CommitmentAdmin(ImportExportMixin, SimpleHistoryAdmin):
    form = CommitmentAdminForm
    resource_classes = [CommitmentResource]
    list_display = (
        "title",
        "origin_meeting",
        "status",
        "confidence",
        "owner",
        "lead_division",
        "target_date",
        "last_update",
    )
    list_filter = (
        "status",
        "confidence",
        "strength",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "lead_division",
        "target_date",
        "themes",
        "parties",
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

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_last_update=Max("status_updates__created_at"))
        )

    @admin.display(description=_("last update"), ordering="_last_update")
    def last_update(self, commitment: Commitment) -> str:
        return _datetime(commitment._last_update)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and request.user.has_perm(
            "tracker.edit_commitment", obj
        )

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("journal_note", "")
        if not change:
            services.commitment_save_new(commitment=obj, user=request.user, note=note)
            return
        before = Commitment.objects.get(pk=obj.pk)
        status, confidence = obj.status, obj.confidence
        obj.status, obj.confidence = before.status, before.confidence
        services.commitment_update(commitment=obj, user=request.user)
        if (status, confidence) != (before.status, before.confidence) or note:
            services.commitment_set_status(
                commitment=obj, user=request.user, status=status, confidence=confidence, note=note
            )

    def _selected_action_page(self, request, queryset, *, form, title, template_action):
        return render(
            request,
            "admin/tracker/commitment/bulk_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": template_action,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Change status of the selected commitments"))
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
                self.message_user(
                    request,
                    ngettext(
                        "Status changed on %(count)d commitment.",
                        "Status changed on %(count)d commitments.",
                        done,
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return self._selected_action_page(
            request,
            queryset,
            form=form,
            title=_("Change status of the selected commitments"),
            template_action="set_status",
        )

    @admin.action(description=_("Reassign owner of the selected commitments"))
    def reassign_owner(self, request, queryset):
        if not request.user.has_perm("tracker.reassign_commitment"):
            self.message_user(request, _("Only managers may reassign owners."), messages.ERROR)
            return None
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = services.commitments_reassign_bulk(
                commitments=queryset, user=request.user, owner=form.cleaned_data["owner"]
            )
            self.message_user(
                request,
                ngettext(
                    "Owner reassigned on %(count)d commitment.",
                    "Owner reassigned on %(count)d commitments.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        return self._selected_action_page(
            request,
            queryset,
            form=form,
            title=_("Reassign owner of the selected commitments"),
            template_action="reassign_owner",
        )


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("commitment", "meeting", "outcome", "recorded_by", "recorded_at")
    list_filter = ("outcome", ("meeting", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("commitment", "meeting", "recorded_by")
    search_fields = ("commitment__title", "meeting__title", "note", "quote")
    autocomplete_fields = ("commitment", "meeting")
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            saved = services.followup_record(
                commitment=obj.commitment,
                meeting=obj.meeting,
                user=request.user,
                outcome=obj.outcome,
                note=obj.note,
                quote=obj.quote,
            )
            obj.pk = saved.pk


class StatusUpdateAddForm(forms.ModelForm):
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
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "commitment",
        "author",
        "status_from",
        "status_to",
        "confidence_from",
        "confidence_to",
    )
    list_filter = ("status_to", "confidence_to", ("author", admin.RelatedOnlyFieldListFilter))
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

    def save_model(self, request, obj, form, change):
        entry = services.commitment_set_status(
            commitment=obj.commitment,
            user=request.user,
            status=obj.status_to,
            confidence=obj.confidence_to,
            note=obj.note,
            evidence_url=obj.evidence_url,
        )
        obj.pk = entry.pk
