"""Time zones as people read them: "Washington time (UTC−4)", not "America/New_York".

The database keeps the IANA name (it knows the summer-time rules); pages and the admin show the
city and the offset in force at the meeting's time, in the interface's language.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .readout_parser import place_zone

JAPAN = "Asia/Tokyo"

# The city a diplomat names a zone by (the capital where there is one), for the zones where
# meetings are held. Other zones fall back to the city in their IANA name.
CITIES = {
    "America/New_York": gettext_lazy("Washington"),
    "America/Chicago": gettext_lazy("Chicago"),
    "America/Denver": gettext_lazy("Denver"),
    "America/Los_Angeles": gettext_lazy("Los Angeles"),
    "America/Toronto": gettext_lazy("Toronto"),
    "America/Sao_Paulo": gettext_lazy("São Paulo"),
    "Pacific/Honolulu": gettext_lazy("Honolulu"),
    "Pacific/Guam": gettext_lazy("Guam"),
    "Europe/London": gettext_lazy("London"),
    "Europe/Paris": gettext_lazy("Paris"),
    "Europe/Berlin": gettext_lazy("Berlin"),
    "Europe/Brussels": gettext_lazy("Brussels"),
    "Europe/Rome": gettext_lazy("Rome"),
    "Europe/Madrid": gettext_lazy("Madrid"),
    "Europe/Kyiv": gettext_lazy("Kyiv"),
    "Europe/Moscow": gettext_lazy("Moscow"),
    "Asia/Seoul": gettext_lazy("Seoul"),
    "Asia/Shanghai": gettext_lazy("Beijing"),
    "Asia/Taipei": gettext_lazy("Taipei"),
    "Asia/Hong_Kong": gettext_lazy("Hong Kong"),
    "Asia/Manila": gettext_lazy("Manila"),
    "Asia/Singapore": gettext_lazy("Singapore"),
    "Asia/Kuala_Lumpur": gettext_lazy("Kuala Lumpur"),
    "Asia/Bangkok": gettext_lazy("Bangkok"),
    "Asia/Vientiane": gettext_lazy("Vientiane"),
    "Asia/Phnom_Penh": gettext_lazy("Phnom Penh"),
    "Asia/Ho_Chi_Minh": gettext_lazy("Hanoi"),
    "Asia/Jakarta": gettext_lazy("Jakarta"),
    "Asia/Makassar": gettext_lazy("Bali"),
    "Asia/Kolkata": gettext_lazy("New Delhi"),
    "Australia/Sydney": gettext_lazy("Sydney"),
}


@cache
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    # OSError: a name too long to be a file of the tzdata package.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


def offset_text(name: str, at: datetime.datetime | None = None) -> str:
    """ "UTC−4", "UTC+9", "UTC+5:30": the offset of the zone at `at` (default: now)."""
    zone = _zone(name)
    if zone is None:
        return ""
    at = at or timezone.now()
    minutes = int((at.astimezone(zone).utcoffset() or datetime.timedelta()).total_seconds() // 60)
    sign = "−" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def city(name: str) -> str:
    """The city a zone is named by, translated where we know it."""
    if name in CITIES:
        return str(CITIES[name])
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(name: str, at: datetime.datetime | None = None) -> str:
    """ "Washington time (UTC−4)" / "ワシントン時間（UTC−4）" for America/New_York in summer."""
    if not name:
        return ""
    offset = offset_text(name, at)
    if not offset:
        return name  # not an IANA name: show it as it was entered rather than hide it
    if name == JAPAN:
        return _("Japan time (%(offset)s)") % {"offset": offset}
    if name in ("UTC", "Etc/UTC", "Etc/GMT"):
        return "UTC"
    return _("%(city)s time (%(offset)s)") % {"city": city(name), "offset": offset}


def usual_zone(place: str) -> str:
    """The zone of a place as the readout import knows it ("Washington, D.C." → New York's)."""
    return place_zone(place) if place else ""


def zone_options(at: datetime.datetime | None = None, first: str = "") -> list[tuple[str, str]]:
    """(IANA name, label) for every zone, `first` (the place's usual zone) at the top."""
    names = all_zones()
    if first in names:
        names = (first, *(name for name in names if name != first))
    return [(name, zone_label(name, at)) for name in names]
