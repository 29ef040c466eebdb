"""Dates in a readout: "July 29, 2022", "29 July", "2022年7月29日", "today", and the meeting's."""

from __future__ import annotations

import re
from datetime import date

from . import words


def _month_alternation() -> str:
    full = sorted(words.MONTHS, key=len, reverse=True)
    short = sorted(words.MONTH_ABBREVIATIONS, key=len, reverse=True)
    full_forms = "|".join(form for n in full for form in (n.capitalize(), n.upper()))
    short_forms = "|".join(form for n in short for form in (n.capitalize(), n.upper()))
    # Only abbreviations take a period ("Sept."), so "in May." keeps its full stop.
    return rf"(?:(?:{full_forms})(?![a-z])|(?:{short_forms})(?![a-z])\.?)"


# A month name, for other patterns. Case-sensitive so that "may" the verb is never a month.
MONTH = _month_alternation()
WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"


def month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    return words.MONTHS.get(key) or words.MONTH_ABBREVIATIONS.get(key, 0)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


_FULL_DATE_RES = (
    re.compile(
        rf"(?<![\w])(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
        r"(?!\d)"
    ),
    re.compile(
        rf"(?<![\w])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{MONTH}),?\s+(?P<year>\d{{4}})"
        r"(?!\d)"
    ),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
)
_ON_DATE_RE = re.compile(
    rf"(?<![\w])[Oo]n\s+{WEEKDAY}(?:(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{MONTH}))(?:,?\s+(?P<year>\d{{4}}))?(?![\d])"
)
_JA_MONTH_DAY_RE = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
_TODAY_RE = re.compile(r"(?<![A-Za-z])(?:today|this morning|this afternoon|this evening)", re.I)


def full_date(text: str) -> tuple[date | None, int, int]:
    """The first complete date in ``text`` with its span."""
    best: tuple[date | None, int, int] = (None, -1, -1)
    for pattern in _FULL_DATE_RES:
        m = pattern.search(text)
        if m is None or (best[1] != -1 and m.start() >= best[1]):
            continue
        groups = m.groupdict()
        month = month_number(groups["mon"]) if groups.get("mon") else int(groups["month"])
        found = safe_date(int(groups["year"]), month, int(groups["day"]))
        if found is not None:
            best = (found, m.start(), m.end())
    return best


def nearest_year(month: int, day: int, anchor: date) -> date | None:
    """The date with this month and day closest to ``anchor``."""
    options = [safe_date(anchor.year + k, month, day) for k in (0, -1, 1)]
    valid = [d for d in options if d is not None]
    return min(valid, key=lambda d: abs((d - anchor).days)) if valid else None


def is_date_line(line: str) -> bool:
    found, s, e = full_date(line)
    return found is not None and len(line) - (e - s) <= 14


def meeting_date(
    context: str,
    text: str,
    *,
    dateline: date | None,
    has_intro: bool,
    japanese: bool,
    today: date | None,
    conf: dict[str, str],
) -> date | None:
    """The day of the meeting, read from the intro (``context``); doubts go into ``conf``."""
    found: date | None = None
    on = _ON_DATE_RE.search(context)
    if on:
        month = month_number(on.group("mon") or on.group("mon2"))
        day = int(on.group("day") or on.group("day2"))
        if on.group("year"):
            found = safe_date(int(on.group("year")), month, day)
        elif dateline:
            found = nearest_year(month, day, dateline)
        elif today:
            found = nearest_year(month, day, today)
            conf["date"] = "No year in the text; took the year from today's date"
        else:
            conf["date"] = "The text gives a day but no year"
    if found is None and dateline:
        found = dateline
        if not on and not has_intro:
            conf.setdefault("date", "Taken from the dateline (the publication date)")
    if found is None:
        found = full_date(context)[0] or full_date(text[:4000])[0]
        if found:
            conf["date"] = "Took the first date in the text"
    if found is None and japanese:
        md = _JA_MONTH_DAY_RE.search(context)
        if md and today:
            found = nearest_year(int(md.group("month")), int(md.group("day")), today)
            conf["date"] = "No year in the text; took the year from today's date"
    if found is None and _TODAY_RE.search(context):
        if today is not None:
            found = today
            conf["date"] = "The text says only 'today'; used the date the readout was parsed"
        else:
            conf["date"] = "The text says only 'today' and no date was supplied"
    if found is None:
        conf.setdefault("date", "No date found")
    return found
