"""CSV/XLSX import and export of meetings and commitments (django-import-export).

Rows name related things by their natural keys (theme and country codes, division codes, user
names, series names) so a file can be written by hand in a spreadsheet. Times are given in the
place's local time plus its IANA zone, the way readouts state them.

Every exported cell passes `cells.safe_cell` (no live formulas, only characters a file can carry),
and reading a file undoes exactly that escaping (`unescape_cell`), so an unchanged export imports
as "nothing to change". An exported commitment carries its version: a row whose version is no
longer current is refused with what changed since, and the rows of a file are saved through
`services.commitment_create` / `services.commitment_edit`, with the same rules as the admin form.
A file is one transaction: one refused row and nothing of the file is saved.
"""

from __future__ import annotations

import datetime
import functools
import re
import zoneinfo
from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff
from import_export.results import RowResult

from . import services
from .cells import safe_cell, safe_text, unescape_cell
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
# Japanese Excel saves dates in a CSV as 2023/3/31.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _one_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_text(in_file: str, stored: str) -> bool:
    """Whether a text cell still holds what an export wrote for the stored text.

    An export cannot carry every stored character (Word's line break becomes a newline, XLSX
    turns CR LF into LF, an apostrophe before a formula is ambiguous), so an unchanged cell is
    recognised by comparing it with what the export made of the stored value.
    """
    if in_file == stored:
        return True
    exported = unescape_cell(safe_cell(stored))
    return _one_line_ends(in_file) == _one_line_ends(exported)


# Widgets: each turns a cell (a string from a CSV, a typed value from an XLSX) into a model value,
# or raises ValueError with a message that tells the clerk what to write.


class TextWidget(widgets.CharWidget):
    """Text: an empty cell is "", Word's line breaks are new lines, other control characters are
    refused (they cannot be stored in PostgreSQL or written to a file again)."""

    def __init__(self, strip: bool = False, **kwargs):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.strip = strip

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number typed into a text cell of a workbook
        text = force_str(value).replace("\x0b", "\n").replace("\x0c", "\n")
        if safe_text(text) != text:
            bad = next(c for c in text if safe_text(c) != c)
            raise ValueError(
                _(
                    "Contains the control character U+%(code)04X, which cannot be stored: "
                    "delete it and import again."
                )
                % {"code": ord(bad)}
            )
        return text.strip() if self.strip else text


class DayWidget(widgets.DateWidget):
    def __init__(self, **kwargs):
        super().__init__(coerce_to_string=kwargs.get("coerce_to_string", True))
        self.formats = DATE_FORMATS

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # a date cell of a workbook
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if _blank(value):
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except ValueError:
            raise ValueError(_("Write the date as YYYY-MM-DD, e.g. 2023-03-31.")) from None


class WholeNumberWidget(widgets.IntegerWidget):
    _NUMBER = re.compile(r"-?[0-9]{1,15}")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("Write a whole number, e.g. 12."))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not self._NUMBER.fullmatch(text):
            raise ValueError(_("Write a whole number, e.g. 12."))
        return int(text)


class YesNoWidget(widgets.BooleanWidget):
    """1/0, true/false, yes/no; anything else is refused, not read as "no"."""

    _TRUE = {"1", "true", "yes"}
    _FALSE = {"0", "false", "no"}

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, bool):
            return value
        text = str(int(value) if isinstance(value, float) and value.is_integer() else value)
        text = text.strip().lower()
        if text in self._TRUE:
            return True
        if text in self._FALSE:
            return False
        raise ValueError(_("Write 1 for yes or 0 for no."))


class StrictForeignKeyWidget(widgets.ForeignKeyWidget):
    """Names the missing row instead of failing the whole file with a bare DoesNotExist.

    Each value is looked up once per file: a resource's widgets are copied for every import,
    and a file names the same meeting, division and owner on many rows.
    """

    def __init__(self, model, field="pk", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self._found: dict[str, Any] = {}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            value = value.strip()
        if _blank(value):
            return None
        key = str(value)
        if key not in self._found:
            try:
                self._found[key] = super().clean(value, row, **kwargs)
            except (self.model.DoesNotExist, ValueError, TypeError):
                self._found[key] = ValueError(
                    _("No %(model)s with %(field)s “%(value)s”.")
                    % {"model": self.model._meta.verbose_name, "field": self.field, "value": key}
                )
        found = self._found[key]
        if isinstance(found, ValueError):
            raise found
        return found


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Refuses unknown codes: the stock widget silently drops them, losing data."""

    def __init__(self, model, separator=None, field=None, **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self._by_code: dict[str, Any] = {}

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return []
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        wanted = {str(v).strip() for v in str(value).split(self.separator) if str(v).strip()}
        if unseen := wanted - set(self._by_code):
            for obj in self.model.objects.filter(**{f"{self.field}__in": unseen}):
                self._by_code[str(getattr(obj, self.field))] = obj
            self._by_code.update(dict.fromkeys(unseen - set(self._by_code)))
        if missing := sorted(code for code in wanted if self._by_code[code] is None):
            raise ValueError(
                _("Unknown %(model)s: %(codes)s.")
                % {"model": self.model._meta.verbose_name, "codes": ", ".join(missing)}
            )
        return sorted((self._by_code[code] for code in wanted), key=lambda obj: obj.pk)


class TrackerResource(resources.ModelResource):
    """What every import and export of the tracker shares.

    `required_columns` must be in a file's first row; `extra_import_columns` are read by the
    resource itself (not fields of the model). The admin's import form checks both.
    """

    required_columns: tuple[str, ...] = ()
    extra_import_columns: tuple[str, ...] = ()

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.CharField | models.TextField):
            return functools.partial(TextWidget, strip=bool(f.choices))
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            return DayWidget
        if isinstance(f, models.BooleanField):
            return YesNoWidget
        if isinstance(f, models.IntegerField | models.AutoField):
            return WholeNumberWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def import_columns(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields()] + list(cls.extra_import_columns)

    def export_field(self, field, instance, **kwargs):
        # The one escaping rule for every cell written to a file, whatever produced the value.
        value = super().export_field(field, instance, **kwargs)
        return safe_cell(str(value) if isinstance(value, models.Model) else value)

    def import_data(self, dataset, **kwargs):
        # A file is one transaction: any refused row rolls back every row, on confirmation too.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        # Blank lines are kept in the dataset so that row numbers match the spreadsheet's.
        if all(_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def get_or_init_instance(self, instance_loader, row):
        try:
            return super().get_or_init_instance(instance_loader, row)
        except ValueError as error:
            raise ValidationError({"id": [str(error)]}) from None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        for field in self.get_import_fields():
            if field.column_name not in row or field.attribute is None:
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                wanted = {obj.pk for obj in field.clean(row)}
                if wanted != set(field.get_value(original).values_list("pk", flat=True)):
                    return False
                continue
            new, old = field.get_value(instance), field.get_value(original)
            if isinstance(new, str) and isinstance(old, str):
                if not same_text(new, old):
                    return False
            elif new != old:
                return False
        return True


class MeetingResource(TrackerResource):
    series = fields.Field(
        attribute="series",
        column_name="series",
        widget=StrictForeignKeyWidget(MeetingSeries, field="name"),
    )
    start_local = fields.Field(column_name="start_local")

    required_columns = ("title", "kind", "start_local", "time_zone")

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
            start = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
            # The file states the minute: a stored start within it (with seconds) is unchanged.
            stored = instance.starts_at
            if stored is None or stored.replace(second=0, microsecond=0) != start:
                instance.starts_at = start
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The start is read from two columns into a field that is not a column of its own.
        if original is not None and instance.starts_at != original.starts_at:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)


def _stored_values(commitment: Commitment) -> dict[str, Any]:
    """A commitment's editable values as loaded, before the library sets the file's on it."""
    values = {
        name: getattr(commitment, name)
        for name in services.COMMITMENT_EDIT_FIELDS
        if name not in services.M2M_FIELDS
    }
    for name in services.M2M_FIELDS:
        values[name] = {obj.pk for obj in getattr(commitment, name).all()}  # prefetched
    values["version"] = commitment.version
    return values


def _differs(name: str, in_file: Any, stored: Any) -> bool:
    if name in services.M2M_FIELDS:
        return {obj.pk for obj in in_file} != stored
    if isinstance(in_file, str) and isinstance(stored, str):
        return not same_text(in_file, stored)
    return in_file != stored


class _Diff(Diff):
    """The preview's before/after, with "before" read in `after_init_instance`: the library reads
    it off a deep copy, which has lost the prefetched themes and parties (two queries a row)."""

    def __init__(self, resource, instance, new):
        before = getattr(resource, "_row", {}).get("before")
        self.left = before if before is not None else self._read_field_values(resource, instance)
        self.right = []
        self.new = new


class _NoDiff(Diff):
    """The confirmation shows no preview: nothing to compare."""

    def __init__(self, resource, instance, new):
        self.left, self.right, self.new = [], [], new

    def compare_with(self, resource, instance):
        pass


class _FileInstanceLoader(ModelInstanceLoader):
    """Loads every commitment a file names in one query (and one each for themes and parties),
    instead of three queries a row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        ids = set()
        for value in dataset["id"] if "id" in (dataset.headers or ()) else ():
            try:
                pk = WholeNumberWidget().clean(value)
            except ValueError:
                continue  # named by the row's own error
            if pk is not None and 0 < pk < 2**31:
                ids.add(pk)
        queryset = resource.get_queryset().filter(pk__in=ids) if ids else ()
        self._loaded = {commitment.pk: commitment for commitment in queryset}

    def get_instance(self, row):
        return self._loaded.get(self.resource.fields["id"].clean(row))


def _label(name: str) -> str:
    return str(Commitment._meta.get_field(name).verbose_name)


def _shown(name: str, value: Any) -> str:
    """A value of a conflict message as a clerk knows it: labels, user names, codes."""
    if value is None or value == "":
        return _("(empty)")
    field = Commitment._meta.get_field(name)
    if field.is_relation and name == field.attname:
        related = field.related_model._default_manager.filter(pk=value).first()
        value = related if related is not None else value
    elif field.choices:
        value = dict(field.flatchoices).get(value, value)
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


class CommitmentResource(TrackerResource):
    version = fields.Field(
        attribute="version", column_name="version", readonly=True, widget=WholeNumberWidget()
    )
    origin_meeting = fields.Field(
        attribute="origin_meeting",
        column_name="origin_meeting_id",
        widget=StrictForeignKeyWidget(Meeting),
    )
    # For the reader: eight meetings share one title, so the id is named with title and date.
    # Read-only: a re-imported file may keep it, and only the id counts.
    origin_meeting_name = fields.Field(column_name="origin_meeting", readonly=True)
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

    required_columns = ("origin_meeting_id", "title", "quote")
    # The journal note for a status or confidence move made by the row (never exported).
    extra_import_columns = ("note",)

    class Meta:
        model = Commitment
        fields = (
            "id",
            "version",
            "origin_meeting",
            "origin_meeting_name",
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
        report_skipped = True
        instance_loader_class = _FileInstanceLoader

    def get_queryset(self):
        return Commitment.objects.for_list()

    def dehydrate_origin_meeting_name(self, commitment: Commitment) -> str:
        meeting = commitment.origin_meeting
        return f"{meeting.title} ({meeting.local_date.isoformat()})"

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "origin_meeting", "owner", "lead_division", "follow_up_venue"
        ).prefetch_related("themes", "parties")

    # One import: the user, and which ids occur more than once (a row may not undo another).

    def before_import(self, dataset, **kwargs):
        self._user = kwargs.get("user")
        ids = Counter()
        if "id" in (dataset.headers or ()):
            for value in dataset["id"]:
                try:
                    ids[WholeNumberWidget().clean(value)] += 1
                except ValueError:
                    continue
        self._duplicate_ids = {pk for pk, count in ids.items() if pk is not None and count > 1}

    # One row: what the file says, read from the row (never off the instance the library fills
    # in for the preview), and the stored values it is compared with.

    def import_row(self, row, instance_loader, **kwargs):
        self._row: dict[str, Any] = {"dry_run": self._is_dry_run(kwargs)}
        return super().import_row(row, instance_loader, **kwargs)

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new and not _blank(row.get("id")):
            raise ValidationError(
                {
                    "id": [
                        _(
                            "There is no commitment with id %(id)s. Leave the id empty to add a "
                            "new commitment."
                        )
                        % {"id": row.get("id")}
                    ]
                }
            )
        if not new:
            self._row["stored"] = _stored_values(instance)
        return instance, new

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and self._row["dry_run"]:
            self._row["before"] = _Diff._read_field_values(self, instance)

    def get_diff_class(self):
        return _Diff if getattr(self, "_row", {}).get("dry_run", True) else _NoDiff

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        for field in self.get_import_fields():
            if field.readonly or field.attribute in (None, "id") or field.column_name not in row:
                continue
            try:
                value = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                value = list(value)
            cleaned[field.attribute] = value
        if instance.pk in self._duplicate_ids:
            errors.setdefault("id", []).append(
                _("Commitment %(id)s is in the file more than once: keep one row for it.")
                % {"id": instance.pk}
            )
        try:
            self._row["note"] = TextWidget().clean(row.get("note")).strip()
        except ValueError as error:
            errors["note"] = [str(error)]
        self._row["cleaned"] = cleaned
        # For the preview's diff and for full_clean(); the save reads `cleaned`, not these.
        for name, value in cleaned.items():
            if name not in services.M2M_FIELDS:
                setattr(instance, name, value)
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if "stored" not in self._row and self._row["dry_run"]:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        # Otherwise the service validates: commitment_create the whole new row, commitment_edit
        # the values a row changes.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Whether anything changes is decided in _edit (see after_import_row).
        return False

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs):
            return
        user = kwargs.get("user") or self._user
        if is_create:
            # A new row can only be refused by full_clean(), which has run (validate_instance):
            # the preview skips the writes, so that it takes half the time of the import.
            if not self._is_dry_run(kwargs):
                self._create(instance, user)
        else:
            self._edit(instance, user, row)

    def save_m2m(self, instance, row, **kwargs):
        """Themes and parties are saved by the services with the rest of the row."""

    def after_import_row(self, row, row_result, **kwargs):
        if self._row.get("unchanged"):
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP

    def _create(self, instance: Commitment, user) -> None:
        values = dict(self._row["cleaned"])
        created = services.commitment_create(
            user=user,
            origin_meeting=values.pop("origin_meeting", None),
            title=values.pop("title", ""),
            quote=values.pop("quote", ""),
            themes=values.pop("themes", ()),
            parties=values.pop("parties", ()),
            note=self._row.get("note") or _("Imported from a file."),
            **values,
        )
        instance.pk, instance.version = created.pk, created.version

    def _edit(self, instance: Commitment, user, row) -> None:
        version = self._version(row, instance)
        stored = self._row["stored"]
        data = {
            name: value
            for name, value in self._row["cleaned"].items()
            if _differs(name, value, stored[name])
        }
        # The note goes with the row's changes: alone, it would be written again by every
        # re-import of the same file.
        note = self._row.get("note", "") if data else ""
        if not data and version == stored["version"]:
            # Nothing to write, so nothing to lock: an unchanged row costs no query.
            self._row["unchanged"] = True
            return
        if ("status" in data or "confidence" in data) and not note:
            # Say where the move came from, unless the lifecycle wants the clerk's reason.
            before = Commitment(status=stored["status"], confidence=stored["confidence"])
            needs_note = services.status_move_errors(
                commitment=before,
                status=data.get("status", stored["status"]),
                confidence=data.get("confidence", stored["confidence"]),
                note="",
            )
            if not needs_note:
                note = _("Changed by a file import.")
        try:
            saved = services.commitment_edit(
                commitment=instance,
                user=user,
                data=data,
                expected_version=version,
                note=note,
            )
        except services.ConflictError as error:
            raise ValidationError({NON_FIELD_ERRORS: [self._conflict(error, version)]}) from None
        except PermissionDenied as error:
            raise ValidationError(
                {NON_FIELD_ERRORS: [str(error) or _("You may not change this commitment.")]}
            ) from None
        except ValidationError as error:
            if hasattr(error, "error_dict") and "note" in error.error_dict:
                errors = error.update_error_dict({})
                errors["note"] = [
                    *errors["note"],
                    _("Write the reason in a “note” column of this row."),
                ]
                raise ValidationError(errors) from None
            raise
        self._row["unchanged"] = saved.version == version

    def _version(self, row, instance: Commitment) -> int:
        try:
            version = WholeNumberWidget().clean(row.get("version"))
        except ValueError:
            version = None
        if version is None:
            raise ValidationError(
                {
                    "version": [
                        _(
                            "Commitment %(id)s has no version in this file, so the import cannot "
                            "tell whether someone changed it since. Export again to get the "
                            "version column, make your changes in that file and import it."
                        )
                        % {"id": instance.pk}
                    ]
                }
            )
        return version

    @staticmethod
    def _conflict(error: services.ConflictError, version: int) -> str:
        current = error.current
        changes = "; ".join(
            _("%(field)s: “%(yours)s” when exported, now “%(now)s”")
            % {
                "field": _label(name),
                "yours": _shown(name, yours),
                "now": _shown(name, now),
            }
            for name, yours, now in error.changes
        )
        return _(
            "Commitment %(id)s “%(title)s” was changed after this file was exported (the file "
            "has version %(yours)s, the commitment is at version %(now)s). Changed since: "
            "%(changes)s. Nothing of this file was saved: export again, make your changes in "
            "the new file and import that."
        ) % {
            "id": current.pk,
            "title": current.title,
            "yours": version,
            "now": current.version,
            "changes": changes or _("(no details recorded)"),
        }
