"""Meetings in a spreadsheet: the start given in the place's local time plus its IANA zone, the
way readouts state them; a row saved by `services.meeting_create` / `services.meeting_edit`."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields

from .. import services
from ..models import Meeting, MeetingSeries, validate_time_zone
from .columns import StrictForeignKeyWidget
from .resources import TrackerResource

LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M"


class MeetingResource(TrackerResource):
    series = fields.Field(
        attribute="series",
        column_name="series",
        widget=StrictForeignKeyWidget(MeetingSeries, field="name"),
    )
    start_local = fields.Field(column_name="start_local")

    required_columns = ("title", "kind", "start_local", "time_zone")
    edit_fields = services.MEETING_FIELDS

    class Meta:
        model = Meeting
        # The service's fields, the start as its local time, without the readout (too long for
        # a cell; it is entered on the meeting's page).
        fields = (
            "id",
            *(
                "start_local" if name == "starts_at" else name
                for name in services.MEETING_FIELDS
                if name != "readout_text"
            ),
        )
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def dehydrate_start_local(self, meeting: Meeting) -> str:
        return meeting.local_start.strftime(LOCAL_TIME_FORMAT)

    def import_instance(self, instance, row, **kwargs):
        errors = self.read_row(instance, row)
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
            start = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            # The file states the minute: a stored start within it (with seconds) is unchanged.
            stored = instance.starts_at
            if stored is None or stored.replace(second=0, microsecond=0) != start:
                instance.starts_at = self._row["cleaned"]["starts_at"] = start
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self.writes(kwargs):
            return
        data = self.row_changes()
        if is_create:
            instance.pk = services.meeting_create(user=self._user, data=data).pk
        else:
            services.meeting_edit(meeting=instance, user=self._user, data=data)
