"""CSV/XLSX import and export of meetings and commitments (django-import-export).

Rows name related things by their natural keys (theme and country codes, division codes, user
names, series names) so a file can be written by hand in a spreadsheet. Times are given in the
place's local time plus its IANA zone, the way readouts state them. New commitments and status
changes go through `tracker.services`, so an imported row writes its journal entry like any other.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from . import services
from .models import (
    Commitment,
    Country,
    Division,
    Meeting,
    MeetingSeries,
    Theme,
    validate_time_zone,
)

LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M"


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    """Names the missing row instead of failing the whole file with a bare DoesNotExist."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s with %(field)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "field": self.field, "value": value}
            ) from None


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Refuses unknown codes: the stock widget silently drops them, losing data."""

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        if not value:
            return found
        wanted = {str(v).strip() for v in str(value).split(self.separator) if str(v).strip()}
        known = {str(getattr(obj, self.field)) for obj in found}
        if missing := sorted(wanted - known):
            raise ValueError(
                _("Unknown %(model)s: %(codes)s.")
                % {"model": self.model._meta.verbose_name, "codes": ", ".join(missing)}
            )
        return found


class MeetingResource(resources.ModelResource):
    series = fields.Field(
        attribute="series",
        column_name="series",
        widget=StrictForeignKeyWidget(MeetingSeries, field="name"),
    )
    start_local = fields.Field(column_name="start_local")

    class Meta:
        model = Meeting
        fields = (
            "id",
            "title",
            "kind",
            "series",
            "start_local",
            "time_zone",
            "start_time_known",
            "duration_minutes",
            "end_date",
            "place",
            "format",
            "summary",
            "source_url",
            "notes",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_start_local(self, meeting: Meeting) -> str:
        return meeting.local_start.strftime(LOCAL_TIME_FORMAT)

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        zone = str(row.get("time_zone") or "").strip()
        text = row.get("start_local")
        try:
            validate_time_zone(zone)
        except ValidationError as error:
            errors.setdefault("time_zone", []).extend(error.messages)
            zone = ""
        if isinstance(text, datetime.datetime):  # XLSX cells arrive as datetimes
            local = text
        else:
            try:
                local = datetime.datetime.strptime(str(text or "").strip(), LOCAL_TIME_FORMAT)
            except ValueError:
                errors.setdefault("start_local", []).append(
                    _("Write the local start as YYYY-MM-DD HH:MM, e.g. 2022-07-29 13:43.")
                )
                local = None
        if local is not None and zone:
            instance.starts_at = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        if errors:
            raise ValidationError(errors)


class CommitmentResource(resources.ModelResource):
    origin_meeting = fields.Field(
        attribute="origin_meeting",
        column_name="origin_meeting_id",
        widget=StrictForeignKeyWidget(Meeting),
    )
    themes = fields.Field(
        attribute="themes",
        column_name="themes",
        widget=StrictManyToManyWidget(Theme, field="code", separator="|"),
    )
    parties = fields.Field(
        attribute="parties",
        column_name="parties",
        widget=StrictManyToManyWidget(Country, field="code", separator="|"),
    )
    lead_division = fields.Field(
        attribute="lead_division",
        column_name="lead_division",
        widget=StrictForeignKeyWidget(Division, field="code"),
    )
    owner = fields.Field(
        attribute="owner",
        column_name="owner",
        widget=StrictForeignKeyWidget(get_user_model(), field="username"),
    )
    follow_up_venue = fields.Field(
        attribute="follow_up_venue",
        column_name="follow_up_venue",
        widget=StrictForeignKeyWidget(MeetingSeries, field="name"),
    )

    class Meta:
        model = Commitment
        fields = (
            "id",
            "origin_meeting",
            "title",
            "quote",
            "quote_position",
            "themes",
            "parties",
            "strength",
            "lead_division",
            "owner",
            "status",
            "confidence",
            "target_date",
            "target_date_reason",
            "next_step",
            "next_review_date",
            "follow_up_venue",
            "is_archived",
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Commitment.objects.for_list()

    def import_instance(self, instance, row, **kwargs):
        # The library checks many-to-many cells only after saving; check them with the rest, so
        # that an unknown code is a row error in the preview like any other.
        errors: dict[str, list[str]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(str(error))
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        user = kwargs.get("user")
        if kwargs.get("dry_run") and not kwargs.get("using_transactions", True):
            return
        if is_create:
            services.commitment_save_new(
                commitment=instance, user=user, note=_("Imported from a file.")
            )
            return
        # A status or confidence change is a move in the journal, made through the service
        # (which also refuses a move the lifecycle does not allow); the rest is a plain update.
        before = Commitment.objects.get(pk=instance.pk)
        status, confidence = instance.status, instance.confidence
        instance.status, instance.confidence = before.status, before.confidence
        instance.version = before.version + 1
        services._set_history_user(instance, user)
        instance.save()
        if (status, confidence) != (before.status, before.confidence):
            services.commitment_set_status(
                commitment=instance,
                user=user,
                status=status,
                confidence=confidence,
                note=_("Changed by a file import."),
            )
