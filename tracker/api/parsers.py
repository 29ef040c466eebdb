"""JSON in: whatever a client sends is parsed or refused with a problem, never a server error."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _check_strings(value) -> None:
    """Refuse lone surrogates ("\\ud800"): JSON lets them through, but no database can store
    them. Iterative, so that it cannot exhaust the stack on deep nesting."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts = [item]
        elif isinstance(item, dict):
            texts = list(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
            continue
        else:
            continue
        for text in texts:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise exceptions.ParseError(
                    _("The JSON has a text with an invalid character (a lone surrogate).")
                ) from None


class StrictJSONParser(JSONParser):
    """JSON bodies, read with limits DRF's own parser lacks: UTF-8 only, no NaN or Infinity, no
    nesting deep enough to exhaust Python's recursion, no lone surrogates, and an object ({…}) at
    the top, as every write takes one."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads the body through `request.body`, which refuses one larger than
        # DATA_UPLOAD_MAX_MEMORY_SIZE (answered 413 by `errors`).
        raw = stream.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError(_("The body is not UTF-8 text.")) from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON is nested too deeply.")) from None
        except ValueError as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": error}
            ) from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("Send a JSON object ({…}) as the body."))
        _check_strings(data)
        return data
