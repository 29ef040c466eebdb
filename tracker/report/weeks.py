"""ISO weeks as the report reads them: Monday 00:00 to the next Monday, in the configured zone."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

# Reports cover modern diplomacy up to a far future; outside these years the date arithmetic of a
# report (the week before, the fortnight after) would leave the calendar.
FIRST_YEAR = 1900
LAST_YEAR = 2999

# ASCII digits only: int() would also read other scripts' digits.
_WEEK_RE = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE | re.ASCII)


def report_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def parse_iso_week(text: str) -> tuple[datetime.datetime, datetime.datetime]:
    """`"2026-W48"` → (Monday 00:00, next Monday 00:00), aware, in the configured time zone."""
    value = (text or "").strip()
    match = _WEEK_RE.fullmatch(value)
    if not match:
        raise ValueError(
            _(
                "“%(value)s” is not an ISO week: write the year, “-W” and the week number, "
                "e.g. 2026-W48."
            )
            % {"value": value}
        )
    year, number = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("Week %(value)s is out of range: choose a week of the years %(first)s to %(last)s.")
            % {"value": value, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    try:
        monday = datetime.date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(
            _("%(year)s has no week %(week)s: ISO weeks run from 1 to 52 (53 in some years).")
            % {"year": year, "week": number}
        ) from None
    zone = report_time_zone()
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time(), tzinfo=zone
    )
    return start, end


def week_label(day: datetime.date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


def last_complete_week(now: datetime.datetime | None = None) -> str:
    """The ISO week before the one `now` falls in, in the configured time zone."""
    today = timezone.localtime(now or timezone.now(), report_time_zone()).date()
    return week_label(today - datetime.timedelta(days=7))


def normalise_week(text: str) -> str:
    start, _end = parse_iso_week(text)
    return week_label(start.date())


def local(value: datetime.datetime | None) -> datetime.datetime | None:
    """`value` in the report's time zone, as every date and time in the report is printed."""
    return timezone.localtime(value, report_time_zone()) if value else None
