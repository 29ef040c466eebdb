"""Cursor pages: `?cursor=` continues where the last page ended, `?limit=` sizes a page.

A keyset, not an offset: the cursor holds the sort values of the last row sent, and the next page
is the rows after it in the same order. A page costs the same however deep it is, and rows
written meanwhile neither repeat nor go missing. Every ordering ends on the primary key, so it is
total; blanks sort last in both directions, on every database alike.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Sequence

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CURSOR_MAX_LENGTH = 1000


def _ordering(items: Sequence[str | OrderBy]) -> list[OrderBy]:
    """Each ordering item as an OrderBy with blanks last ("-field" → F("field").desc())."""
    result = []
    for item in items:
        if isinstance(item, str):
            descending = item.startswith("-")
            item = OrderBy(F(item.removeprefix("-")), descending=descending)
        result.append(OrderBy(item.expression, descending=item.descending, nulls_last=True))
    return result


def _encode_value(value):
    if value is None:
        return ["n", None]
    if isinstance(value, datetime.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, bool | int):
        return ["i", int(value)]
    return ["s", str(value)]


def _decode_value(tagged):
    tag, value = tagged
    if tag == "n":
        return None
    if tag == "t":
        return datetime.datetime.fromisoformat(value)
    if tag == "d":
        return datetime.date.fromisoformat(value)
    if tag == "i":
        if not isinstance(value, int):
            raise ValueError
        return value
    if tag == "s" and isinstance(value, str):
        return value
    raise ValueError


def encode_cursor(sort: str, values: Sequence) -> str:
    data = json.dumps({"s": sort, "v": [_encode_value(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, sort: str, length: int) -> list:
    """The sort values a cursor holds; 400 for a cursor that is not one of ours, or belongs to
    another sort."""
    try:
        if len(cursor) > CURSOR_MAX_LENGTH:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("v"), list):
            raise ValueError
        values = [_decode_value(v) for v in data["v"]]
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise ParseError(
            _("The cursor is not valid: use the “next” link of the previous page as it is.")
        ) from None
    if data.get("s") != sort or len(values) != length:
        raise ParseError(_("This cursor belongs to another sort: start again without “cursor”."))
    return values


def _after(aliases: Sequence[str], ordering: Sequence[OrderBy], values: Sequence) -> Q:
    """The rows that come after `values` in the ordering (lexicographic, blanks last)."""
    alias, order, value = aliases[0], ordering[0], values[0]
    if value is None:
        # Nothing sorts after a blank but other blanks, which the next key decides.
        later = Q(pk__in=[])
        same = Q(**{f"{alias}__isnull": True})
    else:
        lookup = "lt" if order.descending else "gt"
        later = Q(**{f"{alias}__{lookup}": value}) | Q(**{f"{alias}__isnull": True})
        same = Q(**{alias: value})
    if len(aliases) == 1:
        return later
    return later | (same & _after(aliases[1:], ordering[1:], values[1:]))


class KeysetPagination(BasePagination):
    """`paginate_queryset(queryset, request, view)` with the view's `ordering()`: a name for the
    sort (written into the cursor) and its items, ending on the primary key."""

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        sort, items = view.ordering()
        self.request = request
        ordering = _ordering(items)
        aliases = [f"_cursor_{index}" for index in range(len(ordering))]
        queryset = queryset.alias(
            **{alias: order.expression for alias, order in zip(aliases, ordering, strict=True)}
        ).order_by(
            *(
                OrderBy(F(alias), descending=order.descending, nulls_last=True)
                for alias, order in zip(aliases, ordering, strict=True)
            )
        )
        limit = self._limit(request)
        if cursor := request.query_params.get("cursor"):
            values = decode_cursor(cursor, sort=sort, length=len(aliases))
            queryset = queryset.filter(_after(aliases, ordering, values))
        # The sort values of the last row are read with it: annotated only for that row would
        # need a second query.
        rows = list(queryset.annotate(**{f"{a}_v": F(a) for a in aliases})[: limit + 1])
        self.next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            self.next_cursor = encode_cursor(sort, [getattr(last, f"{a}_v") for a in aliases])
        return rows

    @staticmethod
    def _limit(request) -> int:
        raw = request.query_params.get("limit", "")
        if not raw:
            return DEFAULT_LIMIT
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
            raise ParseError(
                _("“limit” must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
            )
        return int(raw)

    def next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, "cursor", self.next_cursor)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page; null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Where the page starts: the “next” link's cursor, as it is.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
        ]
