"""Meetings, with their participants, the commitments made there and the follow-ups held there
as inlines, each row saved by its service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models.functions import ExtractYear
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .. import services, timezones
from ..models import Commitment, FollowUp, Meeting, Participation, validate_time_zone
from ..spreadsheets.admin_import import FileImportExportMixin
from ..spreadsheets.meetings import MeetingResource
from .commitment_forms import MeetingCommitmentForm
from .commitments import add_commitment, change_commitment
from .followups import save_followups
from .labels import NamedPickersMixin, datetime_text
from .saving import ServiceSaveAdmin, form_data, save_inline, warn_after_save


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


class ParticipationInline(NamedPickersMixin, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("person", "side")
    fields = ("order", "person", "title", "side")


@admin.register(Participation)
class ParticipationAdmin(NamedPickersMixin, ServiceSaveAdmin):
    list_display = ("person", "title", "side", "meeting")
    list_filter = ("side",)
    list_select_related = ("person__country", "side", "meeting")
    search_fields = ("person__family_name", "person__given_name", "title", "meeting__title")
    autocomplete_fields = ("meeting", "person")

    def save_through_services(self, request, obj, form, change):
        data = form_data(form, services.PARTICIPATION_FIELDS, change=change)
        if change:
            return services.participation_edit(participation=obj, user=request.user, data=data)
        meeting = form.cleaned_data["meeting"]
        return services.participation_add(meeting=meeting, user=request.user, data=data)

    def delete_model(self, request, obj):
        services.participation_remove(participation=obj, user=request.user)


# What a clerk enters with the meeting's readout at hand; the rest is on the commitment's page.
_LEFT_TO_THE_COMMITMENT_PAGE = {
    "origin_meeting",
    "follow_up_venue",
    "confidence",
    "target_date_reason",
    "next_step",
    "next_review_date",
    "is_archived",
}


class OriginatedCommitmentInline(NamedPickersMixin, admin.StackedInline):
    model = Commitment
    form = MeetingCommitmentForm
    fk_name = "origin_meeting"
    extra = 0
    fields = (
        *(f for f in services.COMMITMENT_EDIT_FIELDS if f not in _LEFT_TO_THE_COMMITMENT_PAGE),
        "journal_note",
        "loaded_version",
    )
    autocomplete_fields = ("lead_division", "owner", "themes", "parties")
    show_change_link = True
    verbose_name_plural = _("commitments made at this meeting")

    def get_queryset(self, request):
        # The rows' themes and parties in two queries, not two a row.
        return super().get_queryset(request).prefetch_related("themes", "parties")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FollowUpHeldInline(NamedPickersMixin, admin.TabularInline):
    model = FollowUp
    fk_name = "meeting"
    extra = 0
    fields = ("commitment", "outcome", "note", "quote")
    autocomplete_fields = ("commitment",)
    verbose_name_plural = _("follow-ups held at this meeting")


class TimeZoneInput(forms.TextInput):
    """A text box for the IANA name with every zone offered as you type (a datalist, searchable
    by city too), the place's usual zone first."""

    def __init__(self, attrs=None, *, suggested: str = "", at=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.suggested = suggested
        self.at = at

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_zones"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join(
            "",
            '<option value="{}" label="{}"></option>',
            timezones.zone_options(at=self.at, first=self.suggested),
        )
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


@admin.register(Meeting)
class MeetingAdmin(FileImportExportMixin, ServiceSaveAdmin, SimpleHistoryAdmin):
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "time_zone" in form.base_fields:
            field = form.base_fields["time_zone"]
            # Checked on the field, so that a zone refused never reaches the meeting shown with
            # the form again (its title and local time are computed in its zone).
            field.validators = [*field.validators, validate_time_zone]
            suggested = timezones.usual_zone(obj.place) if obj is not None else ""
            field.widget = TimeZoneInput(
                suggested=suggested, at=obj.starts_at if obj is not None else None
            )
            field.help_text = _(
                "Start typing a city or an IANA name, e.g. America/New_York for Washington."
            )
            if suggested:
                field.help_text = _("The usual zone for “%(place)s” is %(zone)s, %(label)s.") % {
                    "place": obj.place,
                    "zone": suggested,
                    "label": timezones.zone_label(suggested, obj.starts_at),
                }
        return form

    def save_through_services(self, request, obj, form, change):
        data = form_data(form, services.MEETING_FIELDS, change=change)
        if change:
            meeting = services.meeting_edit(meeting=obj, user=request.user, data=data)
        else:
            meeting = services.meeting_create(user=request.user, data=data)
        usual = timezones.usual_zone(meeting.place)
        if usual and usual != meeting.time_zone:
            # Not refused: a meeting can be held away from where its place name suggests.
            warn_after_save(
                request,
                _(
                    "“%(place)s” is usually in %(usual)s, %(label)s, but the meeting was saved "
                    "with %(zone)s: check its time zone."
                )
                % {
                    "place": meeting.place,
                    "usual": usual,
                    "label": timezones.zone_label(usual, meeting.starts_at),
                    "zone": meeting.time_zone,
                },
            )
        return meeting

    @admin.display(description=_("local time"), ordering="starts_at")
    def local_time(self, meeting: Meeting) -> str:
        # The form shown again after a refused zone carries that zone: no local time to show.
        if not meeting.starts_at or meeting.time_zone not in timezones.all_zones():
            return "—"
        label = timezones.zone_label(meeting.time_zone, meeting.starts_at)
        return f"{datetime_text(meeting.local_start)} · {label}"

    @admin.display(description=_("Japan time"), ordering="starts_at")
    def japan_time(self, meeting: Meeting) -> str:
        return datetime_text(meeting.japan_start) if meeting.starts_at else "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is Commitment:
            _save_commitments(request, formset, origin_meeting=form.instance)
        elif formset.model is FollowUp:
            save_followups(request, formset, meeting=form.instance)
        elif formset.model is Participation:
            _save_participations(request, formset, meeting=form.instance)
        else:
            super().save_formset(request, form, formset, change)


def _save_participations(request, formset, *, meeting: Meeting) -> None:
    def data(form):
        return form_data(form, services.PARTICIPATION_FIELDS, change=True)

    save_inline(
        request,
        formset,
        add=lambda form: services.participation_add(
            meeting=meeting, user=request.user, data=data(form)
        ),
        edit=lambda form: services.participation_edit(
            participation=form.instance, user=request.user, data=data(form)
        ),
        remove=lambda participation: services.participation_remove(
            participation=participation, user=request.user
        ),
        about=lambda form: form.instance,
    )


def _save_commitments(request, formset, *, origin_meeting: Meeting) -> None:
    save_inline(
        request,
        formset,
        add=lambda form: add_commitment(request, form, origin_meeting=origin_meeting),
        edit=lambda form: change_commitment(request, form),
        about=lambda form: form.cleaned_data.get("title") or form.instance,
    )
