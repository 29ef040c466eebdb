import datetime

from django import template

from .. import names, timezones

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The Japanese name of a theme, division or country in the Japanese interface."""
    return names.display_name(obj)


@register.filter
def person_name(obj) -> str:
    """A user's or a meeting participant's name, family name first in the Japanese interface."""
    return names.display_name(obj)


@register.filter
def overdue_on(commitment, today: datetime.date) -> bool:
    """`{% if c|overdue_on:today %}`: the item is open and its target date has passed."""
    return commitment.is_overdue(today)


@register.filter
def zone_label(meeting) -> str:
    """The meeting's time zone as people read it: "Washington time (UTC−4)" at its start."""
    if meeting is None or meeting == "":
        return ""
    return timezones.zone_label(meeting.time_zone, meeting.starts_at)
