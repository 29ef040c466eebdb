"""Durations in words, in the reader's language: "30 minutes", "1 hour, 30 minutes", "30分"."""

from __future__ import annotations

import datetime

from django import template
from django.utils.timesince import timeuntil

register = template.Library()

# Any fixed moment: only the difference matters, and a fixed one has no daylight-saving jumps.
_EPOCH = datetime.datetime(2000, 1, 3, tzinfo=datetime.UTC)


@register.filter
def duration_words(value: datetime.timedelta | None) -> str:
    """`timedelta(minutes=30)` as "30 minutes" (two units at most); "" for nothing or less."""
    if not isinstance(value, datetime.timedelta) or value <= datetime.timedelta(0):
        return ""
    # Rounded up to the minute: "try again in 0 minutes" would be wrong until the last second.
    minutes = -(-value // datetime.timedelta(minutes=1))
    return timeuntil(_EPOCH + datetime.timedelta(minutes=minutes), _EPOCH, depth=2)
