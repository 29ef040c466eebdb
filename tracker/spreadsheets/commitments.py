"""Commitments in a spreadsheet, saved row by row through `services.commitment_create` /
`services.commitment_edit`, with the same rules as the admin form.

An exported commitment carries its version: a row whose version is no longer current is refused
with what changed since. A status move made by a row takes its journal note from a "note" column.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from import_export import fields
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff
from import_export.results import RowResult

from .. import services
from ..models import Commitment, Country, Division, Meeting, MeetingSeries, Theme
from ..service_errors import errors_by_field, field_label
from .columns import (
    StrictForeignKeyWidget,
    StrictManyToManyWidget,
    TextWidget,
    WholeNumberWidget,
    blank,
)
from .resources import TrackerResource


def _ids_in(dataset) -> list[int]:
    """The ids a file's rows name (one that cannot be read is named by its row's own error)."""
    ids = []
    for value in dataset["id"] if "id" in (dataset.headers or ()) else ():
        try:
            pk = WholeNumberWidget().clean(value)
        except ValueError:
            continue
        if pk is not None:
            ids.append(pk)
    return ids


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
        ids = {pk for pk in _ids_in(dataset) if 0 < pk < 2**31}
        queryset = resource.get_queryset().filter(pk__in=ids) if ids else ()
        self._loaded = {commitment.pk: commitment for commitment in queryset}

    def get_instance(self, row):
        return self._loaded.get(self.resource.fields["id"].clean(row))


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
    edit_fields = services.COMMITMENT_EDIT_FIELDS
    # The journal note for a status or confidence move made by the row (never exported).
    extra_import_columns = ("note",)

    class Meta:
        model = Commitment
        # The edit service's fields, after the row's id and version and the origin meeting
        # named for the reader.
        fields = (
            "id",
            "version",
            "origin_meeting",
            "origin_meeting_name",
            *(name for name in services.COMMITMENT_EDIT_FIELDS if name != "origin_meeting"),
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
        super().before_import(dataset, **kwargs)
        ids = Counter(_ids_in(dataset))
        self._duplicate_ids = {pk for pk, count in ids.items() if count > 1}

    # One row: what the file says (see TrackerResource.read_row), and the stored values and
    # version it is compared with.

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new and not blank(row.get("id")):
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
        return instance, new

    def stored_values(self, instance: Commitment) -> dict[str, Any]:
        return {**super().stored_values(instance), "version": instance.version}

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and self._row["dry_run"]:
            self._row["before"] = _Diff._read_field_values(self, instance)

    def get_diff_class(self):
        return _Diff if getattr(self, "_row", {}).get("dry_run", True) else _NoDiff

    def import_instance(self, instance, row, **kwargs):
        errors = self.read_row(instance, row)
        if instance.pk in self._duplicate_ids:
            errors.setdefault("id", []).append(
                _("Commitment %(id)s is in the file more than once: keep one row for it.")
                % {"id": instance.pk}
            )
        try:
            self._row["note"] = TextWidget().clean(row.get("note")).strip()
        except ValueError as error:
            errors["note"] = [str(error)]
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
        if not self.writes(kwargs):
            return
        if is_create:
            # A new row can only be refused by full_clean(), which has run (validate_instance):
            # the preview skips the writes, so that it takes half the time of the import.
            if not self._is_dry_run(kwargs):
                self._create(instance, self._user)
        else:
            self._edit(instance, self._user, row)

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
        data = self.row_changes()
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
        except (PermissionDenied, ValidationError) as error:
            errors = errors_by_field(error)
            if "note" in errors:
                errors["note"].append(_("Write the reason in a “note” column of this row."))
            raise ValidationError(errors) from None
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
                "field": field_label(Commitment, name),
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
