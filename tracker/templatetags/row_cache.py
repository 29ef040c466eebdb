"""Rows rendered once per content: `{% cachedrow c today %}<tr>…</tr>{% endcachedrow %}`.

The lists render the same rows on every request, and most of a list page's time is the template
engine walking each row. This tag keeps a row's HTML in the process's memory, keyed by everything
the row can show: every loaded field of the object and of the objects loaded with it
(select_related and prefetch_related), the values named in the tag, the tag itself, the language
and the time zone. The key is that content itself, in a dict: two rows are told apart by
Python's own equality, with nothing serialised and no digest that could collide. A saved change
changes a field, so it changes the key: there is nothing to invalidate and nothing stale to show.

What the row may read is therefore the object, what was loaded with it, and the values named in
the tag; nothing else from the context. The lists' pinned query counts prove that a row reads
nothing more from the database (a row that did would add a query per row).
"""

from __future__ import annotations

import secrets

from django import template
from django.db.models import Model
from django.utils import timezone, translation

register = template.Library()

# Rendered rows by content; emptied when full (a list page renders 50, the next pages refill it).
_ROWS: dict[tuple, str] = {}
MAX_ROWS = 5000
# How deep related objects are followed: a commitment's meeting's series is two steps away.
MAX_DEPTH = 3


def _state(value, depth: int = 0):
    """A representation of everything a template can read off `value` without a query.

    The fields in the order the instance holds them, not sorted: rows read by one query hold
    them in one order, and another order would only make another key (a miss), never a wrong
    row. Computed for every row of every list page, so spelled for speed."""
    if isinstance(value, list):
        # Related rows attached as a list (the list page's `theme_list`).
        return tuple(_state(item, depth) for item in value)
    if isinstance(value, dict):
        # A value named in the tag, e.g. the list's chosen columns.
        return (dict, tuple((k, _state(v, depth)) for k, v in value.items()))
    if not isinstance(value, Model) or depth > MAX_DEPTH:
        return value
    held = value.__dict__
    depth += 1
    return (
        type(value).__name__,
        # Rows attached to the instance (the list page's `theme_list`) by their content, not
        # their ids: a model instance equals another of the same id, whatever its fields.
        tuple(
            (k, _state(v, depth) if isinstance(v, list | Model) else v)
            for k, v in held.items()
            if k[0] != "_"
        ),
        tuple((name, _state(obj, depth)) for name, obj in held["_state"].fields_cache.items()),
        tuple(
            (name, tuple(_state(obj, depth) for obj in objects))
            for name, objects in held.get("_prefetched_objects_cache", {}).items()
        ),
    )


def row_key(position: str, obj, vary) -> tuple:
    return (
        position,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _state(obj),
        tuple(_state(v) for v in vary),
    )


class CachedRowNode(template.Node):
    def __init__(self, nodelist, target, vary, position: str):
        self.nodelist = nodelist
        self.target = target
        self.vary = vary
        self.position = position

    def render(self, context):
        key = row_key(
            self.position,
            self.target.resolve(context),
            [value.resolve(context) for value in self.vary],
        )
        try:
            html = _ROWS.get(key)
        except TypeError:
            # A value that cannot be a key (a JSON field's dict): rendered every time.
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            if len(_ROWS) >= MAX_ROWS:
                _ROWS.clear()
            _ROWS[key] = html
        return html


@register.tag
def cachedrow(parser, token):
    """`{% cachedrow obj value … %}…{% endcachedrow %}`: the inside rendered once per content of
    `obj` and the values (see the module's docstring for what the inside may read)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cachedrow needs the row's object")
    nodelist = parser.parse(("endcachedrow",))
    parser.delete_first_token()
    # Each compiled tag has its own: a template edited and compiled again keys its rows anew.
    position = secrets.token_hex(8)
    return CachedRowNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
        position,
    )
