import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import names, timezones
from ..models import Confidence, Status

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


# The pieces every row of a commitment list shows. Tags rather than included templates: a list
# renders them for every row, and an include costs far more than formatting a few spans.


# Labels looked up once per value: `get_status_display()` rebuilds its dict on every call.
_STATUS_LABELS = dict(Status.choices)
_CONFIDENCE_LABELS = dict(Confidence.choices)


@register.simple_tag
def badges(commitment) -> str:
    """`{% badges c %}`: the status and confidence badges."""
    return format_html(
        '<span class="badge status-badge status-{}">{}</span> '
        '<span class="badge confidence-{}">{}</span>',
        commitment.status,
        _STATUS_LABELS.get(commitment.status, commitment.status),
        commitment.confidence,
        _CONFIDENCE_LABELS.get(commitment.confidence, commitment.confidence),
    )


@register.simple_tag
def owner(user) -> str:
    """`{% owner c.owner %}`: the owner by name, or a muted word that there is none."""
    if user:
        return names.display_name(user)
    return format_html('<span class="muted">{}</span>', _("no owner"))


@register.simple_tag
def target_date(commitment, date_format: str, today: datetime.date, say_overdue: bool = False):
    """`{% target_date c "SHORT_DATE_FORMAT" today say_overdue=True %}`: the target date, marked
    when it has passed on an open item, and said so too with `say_overdue`."""
    if not commitment.target_date:
        return "—"
    overdue = commitment.is_overdue(today)
    return format_html(
        "<span{}>{}{}</span>",
        mark_safe(' class="overdue"') if overdue else "",
        formats.date_format(commitment.target_date, date_format),
        format_html(" ({})", _("overdue")) if overdue and say_overdue else "",
    )
