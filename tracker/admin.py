"""The admin site, where data-entry clerks enter meetings, participants, commitments and follow-ups.

Declarative where it can be; where a save has side effects (a new commitment opens its journal, a
status change writes an entry) it calls `tracker.services`, like every other door into the data.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import names, services, timezones
from .import_forms import FileImportExportMixin
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
    validate_time_zone,
)
from .resources import CommitmentResource, MeetingResource
from .templatetags.tracker_tags import local_name

admin.site.site_header = _("Commitment tracker — data entry")
admin.site.site_title = _("Commitment tracker")
admin.site.index_title = _("Data entry")


def _datetime(value) -> str:
    return formats.date_format(value, "DATETIME_FORMAT") if value else "—"


# Names as the interface writes them -----------------------------------------------------------
# Pickers, filters and search-as-you-type show users by name (not by log-in) and divisions,
# themes and countries in the interface's language, wherever the admin lists them.


def _label(obj) -> str:
    """How a picker or filter names a row: a user by name (and log-in), the rest in Japanese in
    the Japanese interface."""
    if isinstance(obj, get_user_model()):
        name, login = names.user_name(obj), obj.get_username()
        return name if name == login else f"{name} ({login})"
    return local_name(obj)


def _named_choices(field, *, limit_choices_to=None, ordering=()) -> list[tuple]:
    # Field.get_choices() with our labels: the same one query.
    rows = field.related_model._default_manager.complex_filter(limit_choices_to or {})
    if ordering:
        rows = rows.order_by(*ordering)
    return [(obj.pk, _label(obj)) for obj in rows]


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
        return {**super().serialize_result(obj, to_field_name), "text": _label(obj)}


def _autocomplete_view(request):
    return NamedAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# AdminSite.autocomplete_view is the documented place to change what the results say.
admin.site.autocomplete_view = _autocomplete_view


class NamedPickersMixin:
    """Foreign-key and many-to-many pickers (select or autocomplete) name rows like `_label`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None:
            field.label_from_instance = _label
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None:
            field.label_from_instance = _label
        return field


# Saves go through the services, which check what a form cannot (a version under the row lock, a
# rule on another row). A refusal met while saving is raised as `Refused`: the admin's transaction
# rolls back whole (main form and every inline), and the change view is shown again, as typed, with
# the refusal above the form.


class Refused(Exception):
    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def _refusal_messages(error: ValidationError, about: str = "") -> list[str]:
    prefix = f"{about}: " if about else ""
    if isinstance(error, services.ConflictError):
        lines = [prefix + error.messages[0]]
        lines += [
            _("%(field)s was “%(before)s” when you opened it and is now “%(after)s”.")
            % {"field": capfirst(label), "before": before, "after": after}
            for label, before, after in error.rows(notes=False)
        ]
        lines += [_("Note added: %(note)s") % {"note": note} for note in error.note_lines()]
        return lines
    if hasattr(error, "error_dict"):
        return [
            prefix + (f"{_field_label(field)}: {message}" if field != "__all__" else message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [prefix + message for message in error.messages]


def _field_label(name: str) -> str:
    try:
        return str(Commitment._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a form-only field (the journal note) has no model label
        return {"note": str(_("note for the journal"))}.get(name, name)


def _warn_after_save(request, message: str) -> None:
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


def _save_inline(request, formset, *, add, edit, remove=None, about) -> None:
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
            raise Refused(_refusal_messages(error, str(about(form)))) from None


def _changed(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in names}


FOLLOWUP_FIELDS = ("meeting", "outcome", "note", "quote")


def _save_followups(request, formset, **fixed) -> None:
    """Follow-up inlines (on a meeting page: `meeting=`; on a commitment page: `commitment=`)."""

    def add(form):
        data = {**form.cleaned_data, **fixed}
        return services.followup_record(
            commitment=data["commitment"],
            meeting=data["meeting"],
            user=request.user,
            outcome=data["outcome"],
            note=data.get("note", ""),
            quote=data.get("quote", ""),
        )

    def about(form):
        cleaned = getattr(form, "cleaned_data", {})
        return cleaned.get("commitment") or cleaned.get("meeting") or form.instance

    _save_inline(
        request,
        formset,
        add=add,
        edit=lambda form: services.followup_edit(
            follow_up=form.instance, user=request.user, data=_changed(form, FOLLOWUP_FIELDS)
        ),
        remove=lambda follow_up: services.followup_delete(follow_up=follow_up, user=request.user),
        about=about,
    )


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
    list_display = ("full_name", "name_ja", "country")
    list_filter = ("country",)
    list_select_related = ("country",)
    search_fields = ("family_name", "given_name", "name_ja")


@admin.register(Participation)
class ParticipationAdmin(NamedPickersMixin, ServiceSaveAdmin):
    list_display = ("person", "title", "side", "meeting")
    list_filter = ("side",)
    list_select_related = ("person__country", "side", "meeting")
    search_fields = ("person__family_name", "person__given_name", "title", "meeting__title")
    autocomplete_fields = ("meeting", "person")

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.PARTICIPATION_FIELDS
        }
        try:
            if change:
                services.participation_edit(participation=obj, user=request.user, data=data)
            else:
                meeting = form.cleaned_data["meeting"]
                obj.pk = services.participation_add(
                    meeting=meeting, user=request.user, data=data
                ).pk
        except ValidationError as error:
            raise Refused(_refusal_messages(error)) from None

    def delete_model(self, request, obj):
        services.participation_remove(participation=obj, user=request.user)


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


class ParticipationInline(NamedPickersMixin, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("person", "side")
    fields = ("order", "person", "title", "side")


class VersionedCommitmentForm(ServiceForm):
    """Carries the version the clerk started from, so that a stale save is refused.

    The quote's position in the readout is found from the quote: the clerk is asked for it only
    when the quote occurs more than once, and warned (`quote_warning`) when it does not occur.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quote_warning = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "quote_position" in self.fields:
            self.fields["quote_position"].help_text = _(
                "Leave empty: it is found from the quote in the meeting’s readout. Needed only "
                "when the quote occurs there more than once."
            )

    def has_changed(self) -> bool:
        # The version alone is not a change the clerk made.
        return bool(set(self.changed_data) - {"loaded_version"})

    def clean(self):
        cleaned = super().clean()
        if "quote_position" in self.fields and "quote_position" not in self.errors:
            adding = self.instance.pk is None
            if adding or {"quote", "quote_position", "origin_meeting"} & set(self.changed_data):
                cleaned["quote_position"] = self._quote_position(cleaned)
        return cleaned

    def _quote_position(self, cleaned: dict) -> int | None:
        given = cleaned.get("quote_position")
        quote = (cleaned.get("quote") or "").strip()
        meeting = cleaned.get("origin_meeting")
        if meeting is None and self.instance.origin_meeting_id:
            meeting = self.instance.origin_meeting
        readout = getattr(meeting, "readout_text", "") or ""
        if not quote or not readout:
            return given  # nothing to look the quote up in
        if given is not None and readout[given : given + len(quote)] == quote:
            return given
        found = services.quote_positions(readout=readout, quote=quote)
        if len(found) == 1:
            return found[0]
        if found:
            self.add_error(
                "quote_position",
                _(
                    "The quote occurs more than once in the meeting’s readout (at characters "
                    "%(positions)s): enter the position of the one meant."
                )
                % {"positions": ", ".join(str(p) for p in found)},
            )
            return given
        self.quote_warning = _(
            "The quote of “%(title)s” was not found word for word in the meeting’s readout, so "
            "its position was left empty: check the quote against the readout."
        ) % {"title": cleaned.get("title") or self.instance.title}
        return None

    def edit_data(self) -> dict:
        """The changed fields, as the edit service takes them."""
        data = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in services.COMMITMENT_EDIT_FIELDS
        }
        position = self.cleaned_data.get("quote_position")
        if "quote_position" in self.fields and position != self.initial.get("quote_position"):
            # Found from the quote rather than typed: not in changed_data, still a change.
            data["quote_position"] = position
        return data

    def new_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in services.COMMITMENT_EDIT_FIELDS
        }


class JournalNoteMixin(forms.Form):
    journal_note = forms.CharField(
        label=_("note for the journal"),
        required=False,
        max_length=StatusUpdate._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the status moves to stalled, completed, superseded or dropped."),
    )


class MeetingCommitmentForm(JournalNoteMixin, VersionedCommitmentForm):
    """A commitment on its meeting's page: a status move there is explained like anywhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # A row sent without a status (a script, an older page) keeps the one it has, or
            # starts as not started, as before the status was offered here.
            self.fields["status"].required = False

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and not cleaned.get("status") and "status" not in self.errors:
            cleaned["status"] = self.initial.get("status") or Status.NOT_STARTED
        return cleaned


class OriginatedCommitmentInline(NamedPickersMixin, admin.StackedInline):
    model = Commitment
    form = MeetingCommitmentForm
    fk_name = "origin_meeting"
    extra = 0
    fields = (
        "title",
        "quote",
        "quote_position",
        "strength",
        "themes",
        "parties",
        "lead_division",
        "owner",
        "status",
        "journal_note",
        "target_date",
        "loaded_version",
    )
    autocomplete_fields = ("lead_division", "owner", "themes", "parties")
    show_change_link = True
    verbose_name_plural = _("commitments made at this meeting")

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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        usual = timezones.usual_zone(obj.place)
        if usual and usual != obj.time_zone:
            # Not refused: a meeting can be held away from where its place name suggests.
            _warn_after_save(
                request,
                _(
                    "“%(place)s” is usually in %(usual)s, %(label)s, but the meeting was saved "
                    "with %(zone)s: check its time zone."
                )
                % {
                    "place": obj.place,
                    "usual": usual,
                    "label": timezones.zone_label(usual, obj.starts_at),
                    "zone": obj.time_zone,
                },
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _tell_warnings(request)

    @admin.display(description=_("local time"), ordering="starts_at")
    def local_time(self, meeting: Meeting) -> str:
        # The form shown again after a refused zone carries that zone: no local time to show.
        if not meeting.starts_at or meeting.time_zone not in timezones.all_zones():
            return "—"
        label = timezones.zone_label(meeting.time_zone, meeting.starts_at)
        return f"{_datetime(meeting.local_start)} · {label}"

    @admin.display(description=_("Japan time"), ordering="starts_at")
    def japan_time(self, meeting: Meeting) -> str:
        return _datetime(meeting.japan_start) if meeting.starts_at else "—"

    def save_formset(self, request, form, formset, change):
        if formset.model is Commitment:
            _save_commitment_inline(request, formset, origin_meeting=form.instance)
        elif formset.model is FollowUp:
            _save_followups(request, formset, meeting=form.instance)
        elif formset.model is Participation:
            _save_participations(request, formset, meeting=form.instance)
        else:
            raise TypeError(f"No service saves {formset.model.__name__} inlines")


def _save_participations(request, formset, *, meeting: Meeting) -> None:
    _save_inline(
        request,
        formset,
        add=lambda form: services.participation_add(
            meeting=meeting,
            user=request.user,
            data=_changed(form, services.PARTICIPATION_FIELDS),
        ),
        edit=lambda form: services.participation_edit(
            participation=form.instance,
            user=request.user,
            data=_changed(form, services.PARTICIPATION_FIELDS),
        ),
        remove=lambda participation: services.participation_remove(
            participation=participation, user=request.user
        ),
        about=lambda form: form.instance,
    )


def _save_commitment_inline(request, formset, *, origin_meeting: Meeting) -> None:
    def add(form):
        data = form.new_data()
        data.pop("origin_meeting", None)
        created = services.commitment_create(
            user=request.user,
            origin_meeting=origin_meeting,
            note=form.cleaned_data.get("journal_note", ""),
            **data,
        )
        _warn_quote(request, form)
        return created

    def edit(form):
        services.commitment_edit(
            commitment=form.instance,
            user=request.user,
            data=form.edit_data(),
            expected_version=form.cleaned_data.get("loaded_version"),
            note=form.cleaned_data.get("journal_note", ""),
        )
        _warn_quote(request, form)

    _save_inline(
        request,
        formset,
        add=add,
        edit=edit,
        about=lambda form: form.cleaned_data.get("title") or form.instance,
    )


def _warn_quote(request, form) -> None:
    if form.quote_warning:
        _warn_after_save(request, form.quote_warning)


# Commitments --------------------------------------------------------------------------------------


class FollowUpInline(NamedPickersMixin, admin.TabularInline):
    model = FollowUp
    fk_name = "commitment"
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")
    fields = ("meeting", "outcome", "note", "quote", "recorded_by", "recorded_at")
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


class CommitmentAdminForm(JournalNoteMixin, VersionedCommitmentForm):
    """Adds the journal note; the version the clerk started from comes with every change."""

    class Meta:
        model = Commitment
        fields = services.COMMITMENT_EDIT_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("loaded_version") is None:
            # Not a hidden-field error, which the admin would not show.
            self.add_error(
                None,
                _(
                    "This form was sent without the version you started from. Open the "
                    "commitment again and apply your change."
                ),
            )
        return cleaned


class SetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=Status.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("new owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "username"),
        required=False,
        empty_label=_("(nobody)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = _label


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

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_last_update=Max("status_updates__created_at"))
        )

    @admin.display(description=_("last update"), ordering="_last_update")
    def last_update(self, commitment: Commitment) -> str:
        return _datetime(commitment._last_update)

    @admin.display(description=_("owner"), ordering="owner__last_name", empty_value="—")
    def owner_name(self, commitment: Commitment) -> str | None:
        return names.user_name(commitment.owner) if commitment.owner_id else None

    @admin.display(description=_("lead division"), ordering="lead_division__name", empty_value="—")
    def division_name(self, commitment: Commitment) -> str | None:
        return local_name(commitment.lead_division) if commitment.lead_division_id else None

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

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("journal_note", "")
        try:
            if change:
                services.commitment_edit(
                    commitment=obj,
                    user=request.user,
                    data=form.edit_data(),
                    expected_version=form.cleaned_data.get("loaded_version"),
                    note=note,
                )
            else:
                data = form.new_data()
                created = services.commitment_create(user=request.user, note=note, **data)
                obj.pk = created.pk
        except ValidationError as error:
            raise Refused(_refusal_messages(error)) from None
        if form.quote_warning:
            _warn_after_save(request, form.quote_warning)

    def save_related(self, request, form, formsets, change):
        # Themes and parties were saved by the service with the rest of the commitment.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        _tell_warnings(request)

    def save_formset(self, request, form, formset, change):
        if formset.model is FollowUp:
            commitment = Commitment.objects.get(pk=form.instance.pk)
            _save_followups(request, formset, commitment=commitment)
        else:
            super().save_formset(request, form, formset, change)

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
        # The page (again, after a refusal: with the selection and what was typed, to retry).
        return self._selected_action_page(
            request,
            queryset,
            form=form,
            title=_("Change status of the selected commitments"),
            template_action="set_status",
        )

    @admin.action(
        description=_("Reassign owner of the selected commitments"), permissions=["reassign"]
    )
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
class FollowUpAdmin(NamedPickersMixin, ServiceSaveAdmin):
    list_display = ("commitment", "meeting", "outcome", "recorded_by", "recorded_at")
    list_filter = ("outcome", ("meeting", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("commitment", "meeting", "recorded_by")
    search_fields = ("commitment__title", "meeting__title", "note", "quote")
    autocomplete_fields = ("commitment", "meeting")
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.followup_edit(
                    follow_up=obj, user=request.user, data=_changed(form, FOLLOWUP_FIELDS)
                )
            else:
                saved = services.followup_record(
                    commitment=data["commitment"],
                    meeting=data["meeting"],
                    user=request.user,
                    outcome=data["outcome"],
                    note=data.get("note", ""),
                    quote=data.get("quote", ""),
                )
                obj.pk = saved.pk
        except ValidationError as error:
            raise Refused(_refusal_messages(error)) from None

    def delete_model(self, request, obj):
        services.followup_delete(follow_up=obj, user=request.user)


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

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        commitment = data["commitment"]
        try:
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
        except ValidationError as error:
            raise Refused(_refusal_messages(error)) from None
        obj.pk = commitment.status_updates.latest().pk
