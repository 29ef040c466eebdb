"""How a spreadsheet cell becomes a model value, for the import's columns.

Each widget turns a cell (a string from a CSV, a typed value from an XLSX) into a value, or raises
ValueError with a message that tells the clerk what to write. `same_text` recognises a text cell
an export wrote and nobody changed.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import widgets

from ..cells import safe_cell, safe_text, unescape_cell

# Japanese Excel saves dates in a CSV as 2023/3/31.
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def blank(value: Any) -> bool:
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


def differs(in_file: Any, stored: Any) -> bool:
    """Whether a row changes a stored value (a set of primary keys for a many-to-many field)."""
    if isinstance(stored, set):
        return {obj.pk for obj in in_file} != stored
    if isinstance(in_file, str) and isinstance(stored, str):
        return not same_text(in_file, stored)
    return in_file != stored


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
        if blank(value):
            return None
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except ValueError:
            raise ValueError(_("Write the date as YYYY-MM-DD, e.g. 2023-03-31.")) from None


class WholeNumberWidget(widgets.IntegerWidget):
    _NUMBER = re.compile(r"-?[0-9]{1,15}")

    def clean(self, value, row=None, **kwargs):
        if blank(value):
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
        if blank(value):
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
        if blank(value):
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
        if blank(value):
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
