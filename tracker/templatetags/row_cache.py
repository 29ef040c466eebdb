"""Rows rendered once per content: `{% cachedrow c today %}<tr>…</tr>{% endcachedrow %}`.

The lists render the same rows on every request, and most of a list page's time is the template
engine walking each row. This tag keeps a row's HTML in the process's memory, keyed by everything
the row can show: every loaded field of the object and of the objects loaded with it
(select_related and prefetch_related), the values named in the tag, the tag itself, the language
and the time zone. A saved change changes a field, so it changes the key: there is
nothing to invalidate and nothing stale to show.

What the row may read is therefore the object, what was loaded with it, and the values named in
the tag; nothing else from the context. The lists' pinned query counts prove that a row reads
nothing more from the database (a row that did would add a query per row).
"""

from __future__ import annotations

import hashlib
import secrets

from django import template
from django.core.cache import caches
from django.db.models import Model
from django.utils import timezone, translation

register = template.Library()

CACHE_ALIAS = "rows"
# How deep related objects are followed: a commitment's meeting's series is two steps away.
MAX_DEPTH = 3


def _state(value, depth: int = 0):
    """A representation of everything a template can read off `value` without a query."""
    if not isinstance(value, Model) or depth > MAX_DEPTH:
        return value
    fields = sorted((k, v) for k, v in vars(value).items() if not k.startswith("_"))
    related = sorted(
        (name, _state(obj, depth + 1)) for name, obj in value._state.fields_cache.items()
    )
    prefetched = sorted(
        (name, [_state(obj, depth + 1) for obj in objects])
        for name, objects in getattr(value, "_prefetched_objects_cache", {}).items()
    )
    return (type(value).__name__, fields, related, prefetched)


def row_key(position: str, obj, vary) -> str:
    state = (
        position,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _state(obj),
        [_state(v) for v in vary],
    )
    digest = hashlib.blake2b(
        repr(state).encode("utf-8", "surrogatepass"), digest_size=20
    ).hexdigest()
    return f"row:{digest}"


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
        cache = caches[CACHE_ALIAS]
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html)
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
