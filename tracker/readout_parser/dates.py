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
    # The State Department's dateline: "03/16/2021 07:53 AM EDT".
    re.compile(r"(?<![\d/])(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?![\d/])"),
    re.compile(
        r"(?P<era>" + "|".join(words.JAPANESE_ERAS) + r")\s*(?P<year>\d{1,2}|元)\s*年\s*"
        r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
    ),
)
_ON_DATE_RE = re.compile(
    rf"(?<![\w])[Oo]n\s+{WEEKDAY}(?:(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{MONTH}))(?:,?\s+(?P<year>\d{{4}}))?(?![\d])"
)
# A meeting over several days starts on the first: "from December 12 to 13", "from 15th to 16th
# of November 2022".
_RANGE_DATE_RE = re.compile(
    rf"(?<![\w])from\s+(?:(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:of\s+)?(?P<mon2>{MONTH}))?)"
    rf"\s*(?:to|until|through|-|–)\s*(?:(?P<mon3>{MONTH})\s+)?\d{{1,2}}(?:st|nd|rd|th)?"
    rf"(?:\s+(?:of\s+)?(?P<mon4>{MONTH}))?(?:,?\s+(?P<year>\d{{4}}))?(?![\d])"
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
        year = 1 if groups["year"] == "元" else int(groups["year"])
        if groups.get("era"):
            # 令和元年 is 2019: an era's year 1 is the year it began.
            year += words.JAPANESE_ERAS[groups["era"]] - 1
        found = safe_date(year, month, int(groups["day"]))
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
    given: date | None = None,
) -> date | None:
    """The day of the meeting, read from the intro (``context``); doubts go into ``conf``.

    ``given`` is a date a person supplied (``import_readout --date``, the review form): it fills
    in a date the text does not give, and is said so.
    """
    found = _read_date(context, text, dateline=dateline, has_intro=has_intro, japanese=japanese)
    found, note = found
    if found is not None:
        if note:
            conf["date"] = note
        return found
    if given is not None:
        conf["date"] = "The text gives no full date; used the date supplied with the readout"
        return given
    if note:
        conf["date"] = note
    return _fallback(context, today, japanese, conf)


def _read_date(
    context: str, text: str, *, dateline: date | None, has_intro: bool, japanese: bool
) -> tuple[date | None, str]:
    """The date the text itself gives, with a note on how sure it is."""
    note = ""
    on = _ON_DATE_RE.search(context) or _range_date(context)
    if on:
        month = month_number(on.group("mon") or on.group("mon2"))
        day = int(on.group("day") or on.group("day2"))
        if on.group("year"):
            return safe_date(int(on.group("year")), month, day), ""
        if dateline:
            return nearest_year(month, day, dateline), ""
        note = "The text gives a day but no year"
    md = _JA_MONTH_DAY_RE.search(context) if japanese else None
    if md and dateline:
        return nearest_year(int(md.group("month")), int(md.group("day")), dateline), ""
    if md:
        note = "The text gives a day but no year"
    if dateline:
        if not on and not md and not has_intro:
            return dateline, "Taken from the dateline (the publication date)"
        return dateline, ""
    found = full_date(context)[0] or full_date(text[:4000])[0]
    if found:
        return found, "Took the first date in the text"
    return None, note


def _range_date(context: str) -> re.Match[str] | None:
    m = _RANGE_DATE_RE.search(context)
    if m is None:
        return None
    # The month may come only after the second day; pretend it came with the first.
    month = m.group("mon") or m.group("mon2") or m.group("mon3") or m.group("mon4")
    if not month:
        return None
    day = m.group("day") or m.group("day2")
    year = f", {m.group('year')}" if m.group("year") else ""
    return _ON_DATE_RE.search(f"on {month} {day}{year}")


def _fallback(
    context: str, today: date | None, japanese: bool, conf: dict[str, str]
) -> date | None:
    """Without a full date in the text: the year from ``today`` for a day, or ``today`` itself."""
    on = _ON_DATE_RE.search(context)
    md = _JA_MONTH_DAY_RE.search(context) if japanese else None
    if today is not None and (on or md):
        conf["date"] = "No year in the text; took the year from today's date"
        if on:
            month = month_number(on.group("mon") or on.group("mon2"))
            return nearest_year(month, int(on.group("day") or on.group("day2")), today)
        assert md is not None
        return nearest_year(int(md.group("month")), int(md.group("day")), today)
    if _TODAY_RE.search(context):
        if today is not None:
            conf["date"] = "The text says only 'today'; used the date the readout was parsed"
            return today
        conf["date"] = "The text says only 'today' and no date was supplied"
        return None
    conf.setdefault("date", "No date found")
    return None
