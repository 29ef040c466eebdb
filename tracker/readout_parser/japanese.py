"""Japanese readouts: era dates, times and durations, the place visited, participants, titles.

The ministry publishes the Japanese text first ("現地時間11月14日午後3時25分(日本時間11月15日
午前5時25分)から約30分間、…を訪問中の岩屋毅外務大臣は、…"). Times are rewritten into the English
forms that `clock` already reads ("3:25 p.m. on November 14 (local time)"), so both languages share
one set of rules for zones and offsets.
"""

from __future__ import annotations

import re
from datetime import date

from . import words
from .dates import nearest_year, safe_date
from .drafts import ParticipantDraft

_ERA_RE = re.compile(
    r"(?P<era>" + "|".join(words.JAPANESE_ERAS) + r")\s*(?P<year>\d{1,2}|元)\s*年\s*"
    r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
)
_MONTH_NAMES = {number: name.capitalize() for name, number in words.MONTHS.items()}
# One clock time, with what may precede it: a label, a month and day, a weekday in brackets.
_TIME_RE = re.compile(
    r"(?P<label>現地時間|日本時間|米国時間|米東部時間)?\s*"
    r"(?:(?P<month>\d{1,2})\s*月)?(?:(?P<day>\d{1,2})\s*日)?\s*(?:[(（][^()（）]{1,6}[)）])?\s*"
    r"(?P<ampm>午前|午後)?(?P<hour>\d{1,2})\s*時(?!間)\s*(?:(?P<minute>\d{1,2})\s*分|(?P<half>半))?"
)
_DURATION_RE = re.compile(
    r"(?P<about>約|およそ)?\s*(?:(?P<hours>\d{1,2})\s*時間\s*(?:(?P<hminutes>\d{1,2})\s*分)?"
    r"|(?P<minutes>\d{1,3})\s*分)間?"
)
_MONTH_DAY_RE = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
_VISIT_RE = re.compile(
    r"(?:ため|、|,|，|\s|^)(?P<place>[^\s、,，。()（）のをにへはが]{1,24}?)を(?:訪問|訪れ)中"
)
_JAPAN_VISIT_RE = re.compile(r"訪日中|来日中")
_NAME_TITLE_RE = re.compile(
    r"(?P<name>[\u30a0-\u30ff\u30fc・]{2,30}?|[\u4e00-\u9fff々]{2,6}?)"
    r"(?P<country>"
    + "|".join(sorted(words.JAPANESE_TITLE_COUNTRIES, key=len, reverse=True))
    + r")?(?P<title>"
    + "|".join(re.escape(t) for t, _ in words.JAPANESE_TITLES)
    # "日米外相会談" names a meeting, not a person.
    + r")(?!会談|会議|会合|協議|級|間)"
)
_TITLE_NAMES = dict(words.JAPANESE_TITLES)
_JAPANESE_ONLY_TITLES = frozenset(
    ("内閣総理大臣", "総理大臣", "外務副大臣", "外務事務次官", "外務大臣", "防衛大臣", "官房長官")
)


def era_date(text: str) -> tuple[date | None, int, int]:
    """The first Japanese-era date ("令和4年7月29日", "平成元年1月8日") with its span."""
    m = _ERA_RE.search(text)
    if m is None:
        return None, -1, -1
    year_in_era = 1 if m.group("year") == "元" else int(m.group("year"))
    year = words.JAPANESE_ERAS[m.group("era")] + year_in_era - 1
    found = safe_date(year, int(m.group("month")), int(m.group("day")))
    return (found, m.start(), m.end()) if found else (None, -1, -1)


def month_day(intro: str, anchor: date | None) -> date | None:
    """The first "7月29日" of the intro, in the year nearest ``anchor`` (the dateline)."""
    m = _MONTH_DAY_RE.search(intro)
    if m is None or anchor is None:
        return None
    return nearest_year(int(m.group("month")), int(m.group("day")), anchor)


def has_month_day(intro: str) -> bool:
    return _MONTH_DAY_RE.search(intro) is not None


def clock_text(intro: str) -> str:
    """The intro's times and durations in the English forms `clock` reads.

    "現地時間4月7日15時45分(日本時間7日22時45分)から35分間" becomes
    "15:45 on April 7 (local time) ; 22:45 on April 7 (Japan time) ; for 35 minutes".
    """
    parts: list[str] = []
    month = 0
    for m in _TIME_RE.finditer(intro[:1500]):
        hour = int(m.group("hour"))
        minute = 30 if m.group("half") else int(m.group("minute") or 0)
        if hour > 24 or minute > 59:
            continue
        if m.group("month"):
            month = int(m.group("month"))
        clock = f"{hour}:{minute:02d}"
        if m.group("ampm"):
            if hour > 12:
                continue
            clock += " a.m." if m.group("ampm") == "午前" else " p.m."
        piece = clock
        if month and m.group("day"):
            piece += f" on {_MONTH_NAMES[month]} {int(m.group('day'))}"
        label = m.group("label") or ""
        # A time inside "(日本時間…)" is Japan time even when the label is further back.
        opening = intro.rfind("(", 0, m.start()), intro.rfind("（", 0, m.start())
        bracket = intro[max(opening) : m.start()] if max(opening) >= 0 else ""
        if not label and ")" not in bracket and "）" not in bracket and "日本時間" in bracket:
            label = "日本時間"
        if label == "日本時間":
            piece += " (Japan time)"
        elif label:
            piece += " (local time)"
        parts.append(piece)
    for m in _DURATION_RE.finditer(intro[:1500]):
        if m.group("hours") is None and m.group("minutes") is None:
            continue
        if not m.group(0).endswith("間") and m.group("hminutes") is None:
            continue  # "15時45分" is a time; a duration ends in 間 ("35分間", "約1時間")
        if m.group("hours"):
            text = f"{int(m.group('hours'))} hours"
            if m.group("hminutes"):
                text += f" and {int(m.group('hminutes'))} minutes"
        else:
            text = f"{int(m.group('minutes'))} minutes"
        parts.append(f"for {'about ' if m.group('about') else ''}{text}")
        break
    return " ; ".join(parts)


def find_place(intro: str) -> str:
    """Where the meeting was held: the place "…を訪問中" names, or Japan for a visit to Japan."""
    m = _VISIT_RE.search(intro[:1500])
    if m is not None:
        return m.group("place").strip("・ ")
    if _JAPAN_VISIT_RE.search(intro[:1500]):
        return "日本"
    return ""


def _split_name(name: str) -> tuple[str, str]:
    if "・" in name:
        given, _, family = name.rpartition("・")
        return family, given.replace("・", " ")
    if re.fullmatch(r"[\u30a0-\u30ff\u30fc]+", name):
        return name, ""
    for family in sorted(words.JAPANESE_FAMILY_NAMES, key=len, reverse=True):
        if name.startswith(family) and len(name) > len(family):
            return family, name[len(family) :]
    return (name[:2], name[2:]) if len(name) > 2 else (name, "")


def participants(intro: str) -> list[ParticipantDraft]:
    """People named with a title in the intro: "林芳正外務大臣", "ブリンケン米国国務長官".

    A foreign name followed by its English form in brackets ("(The Honorable Antony Blinken,
    …)") is left to the English reader, which gives the name as the person writes it.
    """
    found: list[ParticipantDraft] = []
    seen: set[str] = set()
    for m in _NAME_TITLE_RE.finditer(intro[:1500]):
        name, title = m.group("name").strip("・"), m.group("title")
        if len(name) < 2 or name in seen:
            continue  # "バイデン大統領" again after "ジョセフ・バイデン米国大統領"
        seen.update((name, _split_name(name)[0]))
        after = intro[m.end() : m.end() + 40]
        if re.match(r"\s*[(（]\s*(?:The\s+Honou?rable|H\.\s?E\.|Mr\.|Ms\.|Dr\.)", after):
            continue
        if m.group("country"):
            country = words.JAPANESE_TITLE_COUNTRIES[m.group("country")]
        elif title in _JAPANESE_ONLY_TITLES:
            country = "JP"
        else:
            country = ""
        family, given = _split_name(name)
        found.append(
            ParticipantDraft(
                name=name,
                family_name=family,
                given_name=given,
                title=_TITLE_NAMES.get(title, title),
                country=country,
            )
        )
    return found


def is_title_line(line: str) -> bool:
    return line.rstrip("　 ").endswith(words.JAPANESE_TITLE_ENDINGS) and len(line) <= 60


def made_up_title(kind: str, countries: list[str]) -> str:
    """A made-up title ("日米外相会談"); "" when the kind of meeting is unknown."""
    base = words.JAPANESE_KIND_TITLES.get(kind, "")
    if not base:
        return ""
    prefix = words.JAPANESE_PAIR_PREFIXES.get(tuple(countries), "")
    return prefix + base
