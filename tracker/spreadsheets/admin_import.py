"""The admin's import and export pages: CSV and XLSX only, the uploaded file checked (caps,
format, encoding, columns) before the preview, and a confirmation that imports a file once."""

from __future__ import annotations

import os
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from ..models import SecurityEventKind
from ..services.security_log import record_security_event
from .files import (
    CSVFile,
    ImportFileError,
    XLSXFile,
    detected_format,
    max_bytes,
    max_rows,
    read_table,
    size_error,
    size_text,
)


class _DetectedFormatField(forms.ChoiceField):
    """Kept for the library's views; the format is read from the file, so any choice is valid."""

    widget = forms.HiddenInput

    def validate(self, value):
        pass


class FileImportForm(ImportForm):
    """Reads the file once before the preview: caps, format, encoding, columns."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats, self.resources = list(formats), list(resources)
        choices = self.fields["format"].choices
        self.fields["format"] = _DetectedFormatField(choices=choices, required=False)
        self.fields["import_file"].help_text = _(
            "An .xlsx workbook (its first sheet) or a CSV file in UTF-8 or Shift_JIS, at most "
            "%(bytes)s and %(rows)s rows; the first row names the columns."
        ) % {"bytes": size_text(max_bytes()), "rows": max_rows()}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None:
            return cleaned
        if upload.size > max_bytes():
            # Refused before a byte of it is read.
            self.add_error("import_file", size_error(upload.size))
            return cleaned
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            dataset = read_table(data)
        except ImportFileError as error:
            self.add_error("import_file", str(error))
            return cleaned
        try:
            resource = self.resources[int(cleaned.get("resource") or 0)]
        except (ValueError, IndexError):
            resource = self.resources[0]
        for message in column_problems(resource, dataset.headers):
            self.add_error("import_file", message)
        fmt = detected_format(data)
        index = next((i for i, f in enumerate(self.formats) if issubclass(f, fmt)), 0)
        cleaned["format"] = str(index)
        return cleaned


def column_problems(resource, headers: list[str]) -> list[str]:
    problems = []
    known = resource.import_columns()
    if missing := [name for name in resource.required_columns if name not in headers]:
        problems.append(
            ngettext(
                "The file lacks the required column %(columns)s.",
                "The file lacks the required columns %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    if unknown := [name for name in headers if name not in known]:
        problems.append(
            ngettext(
                "The column %(columns)s is not one the import knows",
                "The columns %(columns)s are not ones the import knows",
                len(unknown),
            )
            % {"columns": ", ".join(unknown)}
            + _(" (the columns are: %(known)s). Export a list to get a file with the right ones.")
            % {"known": ", ".join(known)}
        )
    return problems


class FileImportExportMixin(ImportExportMixin):
    """Import and export in the admin, in CSV and XLSX only, through `FileImportForm`."""

    import_form_class = FileImportForm

    def get_import_formats(self):
        return [CSVFile, XLSXFile]

    def get_export_formats(self):
        # The library's XLSX class, so that dates and numbers are written as such.
        return [CSVFile, base_formats.XLSX]

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        _record(SecurityEventKind.EXPORT, request, self.model, {"format": file_format.get_title()})
        return data

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmation. The previewed file is claimed (moved aside) before it is read, so that
        a second click on "Confirm import" finds nothing to import instead of importing it twice."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return super().process_import(request, **kwargs)
        try:
            data = self._claim_previewed_file(confirm_form.cleaned_data["import_file_name"])
            dataset = read_table(data)
        except (OSError, ImportFileError):
            messages.error(
                request,
                _(
                    "This import was already confirmed, or its preview has expired. Check the "
                    "list below; to import the file, upload it again."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_changelist",
                    current_app=self.admin_site.name,
                )
            )
        result = self.process_dataset(dataset, confirm_form, request, **kwargs)
        return self.process_result(result, request)

    def _claim_previewed_file(self, name: str) -> bytes:
        storage = self.get_tmp_storage_class()(
            name=name, encoding=None, read_mode="rb", **self.get_tmp_storage_class_kwargs()
        )
        if not hasattr(storage, "get_full_path"):  # a cache or media storage: read, then remove
            data = storage.read()
            storage.remove()
            return data
        # A rename is atomic: of two confirmations of one preview, only one gets the file.
        claimed = f"{storage.get_full_path()}.{uuid.uuid4().hex}"
        os.rename(storage.get_full_path(), claimed)
        try:
            with open(claimed, "rb") as file:
                return file.read()
        finally:
            os.remove(claimed)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            _record(
                SecurityEventKind.IMPORT,
                request,
                self.model,
                {key: value for key, value in result.totals.items() if value},
            )
            return super().process_result(result, request)
        # A row was refused at confirmation (someone saved in between): the file's transaction
        # rolled back, so nothing was saved; show why, as the preview would have.
        messages.error(
            request,
            _(
                "Nothing was imported: a row was refused when the import was confirmed. Fix the "
                "file and import it again."
            ),
        )
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "fields_list": [],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)


def _record(kind: str, request, model, detail: dict) -> None:
    """An admin import or export, in the security log (the model and what was done)."""
    record_security_event(
        kind=kind,
        request=request,
        detail={"source": "admin", "model": model._meta.label, **detail},
    )
