"""The one rule for user text written into a file: a spreadsheet cell, a CSV field, a PDF, a mail.

Staff paste from Word and from web pages, so stored text may hold characters that no file format
can carry (Word's Shift+Enter is U+000B, which XML 1.0 forbids) or that a spreadsheet would run
(a cell starting with "=" is a formula). Every writer passes user text through `safe_text` (for
formats that need only legal characters) or `safe_cell` (for spreadsheets and CSV), so a file is
always valid and never active, whatever was typed.
"""

from __future__ import annotations

import re

# Spreadsheet programs read a cell starting with these as a formula (OWASP "CSV injection"); the
# full-width forms are included because Japanese input methods produce them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# What XML 1.0 (and so XLSX, the PDF's HTML and a MIME text part) cannot carry: C0 controls other
# than tab, line feed and carriage return; lone surrogates; the non-characters U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Word's line break (U+000B) and form feed (U+000C) mean "new line" to the person who typed them.
_LINE_BREAKS = re.compile("[\x0b\x0c]")


def safe_text(value: str) -> str:
    """`value` with line-break controls as newlines and every other illegal character removed."""
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", value))


def safe_cell(value):
    """A value for a spreadsheet cell or CSV field: legal characters only, never a formula.

    Non-strings (numbers, dates, None) pass through unchanged.
    """
    if not isinstance(value, str):
        return value
    value = safe_text(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_cell(value):
    """Undo `safe_cell`'s formula guard on import: drop the apostrophe before a formula prefix."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
