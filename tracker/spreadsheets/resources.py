"""What every import and export of the tracker shares: cells by the model field they fill, one
escaping rule for what is written, one transaction per file, and a row read into the data its
service saves.

A row is read from its cells (`self._row["cleaned"]`), never off the instance the library fills in
for the preview; only the values that differ from the stored ones (`row_changes`) are sent to the
service, so that a text an export could not carry exactly is not overwritten by its copy.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import resources, widgets
from import_export.results import RowResult

from ..cells import safe_cell
from .columns import DayWidget, TextWidget, WholeNumberWidget, YesNoWidget, blank, differs


class TrackerResource(resources.ModelResource):
    """The base of the tracker's resources.

    `required_columns` must be in a file's first row; `extra_import_columns` are read by the
    resource itself (not fields of the model). The admin's import form checks both.
    `edit_fields` are what the resource's service writes: a stored row's values are read for them.
    """

    required_columns: tuple[str, ...] = ()
    extra_import_columns: tuple[str, ...] = ()
    edit_fields: tuple[str, ...] = ()

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

    def before_import(self, dataset, **kwargs):
        self._user = kwargs.get("user")

    def import_row(self, row, instance_loader, **kwargs):
        # Blank lines are kept in the dataset so that row numbers match the spreadsheet's.
        if all(blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        self._row: dict[str, Any] = {"dry_run": self._is_dry_run(kwargs), "cleaned": {}}
        return super().import_row(row, instance_loader, **kwargs)

    def get_or_init_instance(self, instance_loader, row):
        try:
            instance, new = super().get_or_init_instance(instance_loader, row)
        except ValueError as error:
            raise ValidationError({"id": [str(error)]}) from None
        if not new:
            self._row["stored"] = self.stored_values(instance)
        return instance, new

    def stored_values(self, instance: models.Model) -> dict[str, Any]:
        """The row's values as loaded, before the library sets the file's on it; a many-to-many
        field's as the set of primary keys (prefetched by the resource's queryset)."""
        many = {field.name for field in instance._meta.many_to_many}
        return {
            name: {obj.pk for obj in getattr(instance, name).all()}
            if name in many
            else getattr(instance, name)
            for name in self.edit_fields
        }

    def read_row(self, instance: models.Model, row) -> dict[str, list[str]]:
        """Read the row's cells into `self._row["cleaned"]` and, for the preview's diff and for
        full_clean(), onto the instance; return what could not be read, by field."""
        errors: dict[str, list[str]] = {}
        cleaned = self._row["cleaned"]
        for field in self.get_import_fields():
            if field.readonly or field.attribute in (None, "id") or field.column_name not in row:
                continue
            try:
                value = field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
                continue
            if isinstance(field.widget, widgets.ManyToManyWidget):
                cleaned[field.attribute] = list(value)
            else:
                cleaned[field.attribute] = value
                setattr(instance, field.attribute, value)
        return errors

    def import_instance(self, instance, row, **kwargs):
        if errors := self.read_row(instance, row):
            raise ValidationError(errors)

    def row_changes(self) -> dict[str, Any]:
        """What the row changes: every value it reads for a new row, else those that differ."""
        cleaned, stored = self._row["cleaned"], self._row.get("stored")
        if stored is None:
            return dict(cleaned)
        return {name: value for name, value in cleaned.items() if differs(value, stored[name])}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or "stored" not in self._row:
            return False
        return not self.row_changes()

    def save_m2m(self, instance, row, **kwargs):
        """Many-to-many fields are saved by the services with the rest of the row."""

    def writes(self, kwargs) -> bool:
        """Whether this pass may write (the preview writes too, in a transaction rolled back)."""
        return self._is_using_transactions(kwargs) or not self._is_dry_run(kwargs)
