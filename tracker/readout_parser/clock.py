"""The meeting's start (local and Japan time, UTC offset, IANA zone) and its duration.

Readouts give times in many ways: "10:05 a.m. (local time; 11:05 p.m. Japan time)", "9:30 a.m.
EST", a range "from 10:05 to 10:40", or only "for about an hour". Whatever is inferred rather
than read is said in the confidence notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from . import words
from .dates import MONTH, month_number, nearest_year
from .meetings import place_zone

_JAPAN_ZONE = words.JAPAN_ZONE
_ABBREVIATIONS = words.ZONE_ABBREVIATIONS
_TIME_RE = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![A-Za-z])"
    r"|(?<![\d:.])(?P<h24>\d{1,2}):(?P<m24>\d{2})(?![\d:])"
    r"|(?<![A-Za-z])(?P<word>noon|midnight)(?![A-Za-z])"
)
_JAPAN_LABEL_RE = re.compile(
    r"Japan(?:ese)?\s+(?:standard\s+)?time|\bJST\b|Tokyo\s+time|日本時間", re.I
)
_LOCAL_LABEL_RE = re.compile(r"local\s+time|現地時間", re.I)
_ABBR_LABEL_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_ABBREVIATIONS) + r")(?![A-Za-z])")
_SEGMENT_DATE_RE = re.compile(
    rf"^[\s(,;]{{0,3}}(?:on\s+)?(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"
)
_RANGE_GAP_RE = re.compile(r"\s*(?:to|until|till|through|-|–|—)\s*")
_NUMBER_WORDS = words.NUMBER_WORDS
_NUM = r"\d{1,3}(?:\.\d{1,2})?|half\s+an?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_DURATION_RE = re.compile(
    rf"(?<![\w.])(?P<n>{_NUM})\s*-?\s*(?P<unit>hours?|hrs?|minutes?|mins?)(?![A-Za-z])"
    r"(?P<half>\s+and\s+a\s+half)?"
    rf"(?:,?\s*(?:and\s+)?(?P<n2>{_NUM})\s*-?\s*(?P<unit2>minutes?|mins?)(?![A-Za-z]))?",
    re.I,
)
_DURATION_CONTEXT_RE = re.compile(
    r"(?:lasted|lasting|took|for|last)\s+(?:(?:approximately|about|around|some|nearly|roughly|over"
    r"|just\s+over|more\s+than|almost)\s+)?$",
    re.I,
)


def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except Exception:  # a missing tz database must not break parsing
        return None


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _zone_offset(zone_name: str, local: datetime) -> int | None:
    zone = _zone(zone_name)
    if zone is None:
        return None
    offset = local.replace(tzinfo=zone).utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


@dataclass
class _TimeHit:
    start: int
    end: int
    clock: time
    label: str = ""  # "japan", "local", "zone" or ""
    abbreviation: str = ""
    month: int = 0
    day: int = 0
    is_end: bool = False


def _time_hits(intro: str) -> list[_TimeHit]:
    hits: list[_TimeHit] = []
    for m in _TIME_RE.finditer(intro):
        if m.group("word"):
            clock = time(12, 0) if m.group("word").lower() == "noon" else time(0, 0)
        else:
            hour = int(m.group("h") or m.group("h24"))
            minute = int(m.group("m") or m.group("m24") or 0)
            if m.group("ampm"):
                if hour > 12:
                    continue
                hour = hour % 12 + (12 if m.group("ampm").lower().startswith("p") else 0)
            if hour > 23 or minute > 59:
                continue
            clock = time(hour, minute)
        hits.append(_TimeHit(m.start(), m.end(), clock))
    for i, hit in enumerate(hits):
        limit = hits[i + 1].start if i + 1 < len(hits) else len(intro)
        segment = intro[hit.end : min(limit, hit.end + 45)]
        segment = segment.split(")", 1)[0]
        if _JAPAN_LABEL_RE.search(segment):
            hit.label = "japan"
        elif _LOCAL_LABEL_RE.search(segment):
            hit.label = "local"
        else:
            abbr = _ABBR_LABEL_RE.search(segment[:12])
            if abbr:
                hit.label, hit.abbreviation = "zone", abbr.group(1)
        when = _SEGMENT_DATE_RE.match(segment)
        if when:
            hit.month, hit.day = month_number(when.group("mon")), int(when.group("day"))
        if i + 1 < len(hits) and _RANGE_GAP_RE.fullmatch(intro[hit.end : hits[i + 1].start]):
            hits[i + 1].is_end = True
    # A range's closing label ("10:05 to 10:40 (local time)") also labels its start.
    for i in range(len(hits) - 1):
        if hits[i + 1].is_end and not hits[i].label and hits[i + 1].label:
            hits[i].label, hits[i].abbreviation = hits[i + 1].label, hits[i + 1].abbreviation
    return hits


@dataclass
class Clock:
    start_local: datetime | None = None
    start_japan: datetime | None = None
    utc_offset: str | None = None
    time_zone: str = ""
    range_minutes: int | None = None


def _guess_zone(
    offset: int,
    local: datetime,
    place: str,
    site_zone: str,
    label_zone: str,
    notes: dict[str, str],
) -> str:
    text = _offset_text(offset)
    if label_zone and _zone_offset(label_zone, local) == offset:
        notes["time_zone"] = (
            f"Zone taken from the time label; UTC{text} fits {label_zone} on that date"
        )
        return label_zone
    if site_zone and _zone_offset(site_zone, local) == offset:
        if site_zone != _JAPAN_ZONE:
            notes["time_zone"] = (
                f"Offset UTC{text} fits several zones; guessed {site_zone} from the place"
            )
        return site_zone
    for candidate in words.OFFSET_ZONES.get(offset, ()):
        if _zone_offset(candidate, local) == offset:
            why = f"; the place ({place}) does not fit that offset" if site_zone else ""
            notes["time_zone"] = f"Guessed {candidate} from the offset UTC{text} alone{why}"
            return candidate
    notes["time_zone"] = f"No zone found for UTC{text}"
    return ""


def read_clock(intro: str, meeting_date: date | None, place: str, notes: dict[str, str]) -> Clock:
    site_zone = place_zone(place) if place else ""
    in_japan = not place or site_zone == _JAPAN_ZONE
    hits = _time_hits(intro)
    starts = [h for h in hits if not h.is_end]
    clock = Clock()
    if not hits:
        notes["start_local"] = "No start time in the text"
        if in_japan:
            clock.time_zone = _JAPAN_ZONE
            if not place:
                notes["time_zone"] = "No place or zone given; assumed Japan"
        else:
            clock.time_zone = site_zone
            if not site_zone:
                notes["time_zone"] = f"No zone known for the place ({place})"
        return clock
    if meeting_date is None:
        notes["start_local"] = "A time is given but no date to attach it to"
        clock.time_zone = site_zone or (_JAPAN_ZONE if in_japan else "")
        return clock
    japan = next((h for h in starts if h.label == "japan"), None)
    local = next((h for h in starts if h.label in ("local", "zone")), None)
    bare = next((h for h in starts if not h.label), None)
    if local is None and japan is not None and bare is not None:
        local = bare
    tokyo = _zone(_JAPAN_ZONE)
    offset: int | None = None
    local_naive: datetime | None = None
    label_zone, nominal = "", None
    if local is not None and local.abbreviation:
        label_zone, nominal = _ABBREVIATIONS[local.abbreviation]
    if local is not None:
        local_naive = datetime.combine(meeting_date, local.clock)
    if local is not None and japan is not None and local_naive is not None:
        if japan.month:
            japan_date = nearest_year(japan.month, japan.day, meeting_date)
            candidates = [japan_date] if japan_date else []
        else:
            candidates = [
                meeting_date,
                meeting_date + timedelta(days=1),
                meeting_date - timedelta(days=1),
            ]
            notes["start_japan"] = "Japan date not stated; inferred from the two times"
        for japan_date in candidates:
            japan_naive = datetime.combine(japan_date, japan.clock)
            minutes = int((local_naive - japan_naive).total_seconds() // 60) + 540
            if -720 <= minutes <= 840 and minutes % 15 == 0:
                offset = minutes
                break
        if offset is None:
            notes["utc_offset"] = "The local and Japan times do not give a plausible UTC offset"
        elif nominal is not None and nominal != offset:
            notes["utc_offset"] = (
                f"The label {local.abbreviation} means UTC{_offset_text(nominal)}, but the local "
                f"and Japan times give UTC{_offset_text(offset)}; the times were trusted"
            )
    elif local is not None and local_naive is not None:
        zone_name = label_zone or (site_zone if local.label == "local" else "")
        if zone_name:
            offset = _zone_offset(zone_name, local_naive)
            if nominal is not None and offset is not None and nominal != offset:
                notes["utc_offset"] = (
                    f"The label {local.abbreviation} means UTC{_offset_text(nominal)}, but "
                    f"{zone_name} is at UTC{_offset_text(offset)} on that date; "
                    "used the real offset"
                )
            label_zone = label_zone or zone_name
        else:
            notes["start_local"] = "Local time given, but the place's time zone is unknown"
    elif (hit := japan or bare) is not None:
        day = nearest_year(hit.month, hit.day, meeting_date) if hit.month else meeting_date
        day = day or meeting_date
        if japan is None and not in_japan and site_zone:
            local, local_naive = hit, datetime.combine(day, hit.clock)
            offset = _zone_offset(site_zone, local_naive)
            notes["start_local"] = f"No zone given; the time was read as local time in {place}"
        else:
            start_japan = datetime.combine(day, hit.clock, tzinfo=tokyo)
            clock.start_japan = start_japan
            if in_japan or not site_zone:
                clock.start_local = start_japan.astimezone(timezone(timedelta(hours=9)))
                clock.utc_offset, clock.time_zone = "+09:00", _JAPAN_ZONE
                if japan is None:
                    notes["time_zone"] = "No time zone given; assumed Japan time"
                elif not in_japan:
                    notes["time_zone"] = "Only Japan time is given; the local zone is unknown"
                    clock.time_zone = ""
                    clock.start_local = None
            else:
                zone = _zone(site_zone)
                if zone is not None:
                    converted = start_japan.astimezone(zone)
                    fixed = converted.utcoffset() or timedelta(0)
                    clock.start_local = converted.astimezone(timezone(fixed))
                    clock.utc_offset = _offset_text(int(fixed.total_seconds() // 60))
                    clock.time_zone = site_zone
                    notes["start_local"] = f"Converted from Japan time using the place ({place})"
            clock.range_minutes = _range_minutes(hits, hit)
            return clock
    if offset is None or local_naive is None or local is None:
        clock.time_zone = site_zone or (_JAPAN_ZONE if in_japan else "")
        return clock
    fixed = timezone(timedelta(minutes=offset))
    clock.start_local = local_naive.replace(tzinfo=fixed)
    clock.start_japan = clock.start_local.astimezone(tokyo) if tokyo else None
    clock.utc_offset = _offset_text(offset)
    clock.time_zone = _guess_zone(offset, local_naive, place, site_zone, label_zone, notes)
    clock.range_minutes = _range_minutes(hits, local)
    return clock


def _range_minutes(hits: list[_TimeHit], start: _TimeHit) -> int | None:
    index = hits.index(start)
    if index + 1 < len(hits) and hits[index + 1].is_end:
        a = start.clock.hour * 60 + start.clock.minute
        b = hits[index + 1].clock.hour * 60 + hits[index + 1].clock.minute
        return (b - a) % (24 * 60) or None
    return None


def _duration_value(number: str) -> float:
    key = " ".join(number.lower().split())
    if key.startswith("half"):
        return 0.5
    if key in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[key])
    try:
        return float(key)
    except ValueError:
        return 0.0


def duration(intro: str, whole: str) -> int | None:
    candidates = list(_DURATION_RE.finditer(intro))
    if not candidates:
        candidates = [
            m
            for m in _DURATION_RE.finditer(whole[:20000])
            if _DURATION_CONTEXT_RE.search(whole[max(0, m.start() - 40) : m.start()])
        ]
    for m in candidates:
        value = _duration_value(m.group("n"))
        minutes = value * 60 if m.group("unit").lower().startswith("h") else value
        if m.group("half"):
            minutes += 30
        if m.group("n2"):
            minutes += _duration_value(m.group("n2"))
        if 0 < minutes <= 24 * 60:
            return round(minutes)
    return None
