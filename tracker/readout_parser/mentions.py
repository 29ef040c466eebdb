"""Other meetings a readout mentions ("the Japan-U.S. Summit Meeting in May", "President Biden's
visit to Japan"), with their kind and date as far as the text tells."""

from __future__ import annotations

import bisect
import re
from datetime import date

from . import words
from .dates import MONTH, WEEKDAY, month_number, safe_date
from .drafts import MentionDraft
from .meetings import classify
from .sentences import ABBREV_TAIL_RE

# Enough for any real readout; a pasted megabyte of meeting names stops here.
_MAX_MENTIONS = 200
_MAX_ANCHORS = 2000
_ANCHOR_RE = re.compile(
    r"(?<![A-Za-z])(?:Summit\s+Meeting|Summit|Meetings?|Dialogue|Consultative\s+Committee|"
    r"Committee|Consultations?|Conference|Talks?|Ministerial)(?![A-Za-z])|[\"“]2\+2[\"”]|2\+2"
)
_TOKEN_RE = re.compile(r"\S+")
_MENTION_STOP = frozenset(words.MENTION_STOP_WORDS)
_MENTION_DATE_RE = re.compile(
    rf"\s*(?:\(\s*)?(?:(?:held|convened)\s+)?(?:on\s+{WEEKDAY}(?:(?P<mon>{MONTH})\s+(?P<day>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{MONTH}))(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|in\s+(?P<mmon>{MONTH})(?:\s+(?P<myear>\d{{4}}))?)(?![\w])"
)
_VISIT_RE = re.compile(
    r"(?P<who>(?:Prime\s+Minister|Vice\s+President|President|Secretary(?:\s+of\s+State)?|Foreign\s+"
    r"Minister|Minister|Chancellor|Premier)\s+(?:[A-Z][\w\-]+\s+){0,2}?[A-Z][\w\-]+)[’']s\s+"
    r"(?:(?:recent|upcoming|first|official|state|successful|historic)\s+)*visit\s+to\s+(?:the\s+)?"
    r"(?P<dest>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3})"
)
_FUTURE_RE = re.compile(r"upcoming|forthcoming|next|look(?:ed|s|ing)?\s+forward|will\s", re.I)
_SERIES_KINDS = frozenset({"security_2plus2", "economic_2plus2", "dialogue"})


def _token_ok(token: str) -> bool:
    if token in _MENTION_STOP:
        return False
    if not (token[:1].isupper() or token[:1].isdigit()):
        return False
    return not (token[-1] in ",;:)(" or (token.endswith(".") and not ABBREV_TAIL_RE.search(token)))


def _mention_date(
    m: re.Match[str], meeting_date: date | None, future: bool
) -> tuple[date | None, str, str]:
    groups = m.groupdict()
    month_name = groups.get("mon") or groups.get("mon2") or groups.get("mmon") or ""
    month = month_number(month_name)
    day = int(groups.get("day") or groups.get("day2") or 0)
    year = groups.get("year") or groups.get("myear")
    if not month:
        return None, "none", ""
    if year:
        y = int(year)
    elif meeting_date is None:
        return None, "none", "No meeting date to resolve the year against"
    else:
        y = meeting_date.year
        if future and month < meeting_date.month:
            y += 1
        elif not future and month > meeting_date.month:
            y -= 1
    if day:
        found = safe_date(y, month, day)
        return (found, "day", "") if found else (None, "none", "Impossible date")
    found = safe_date(y, month, 1)
    return found, "month", "Only the month is known; the date is set to the 1st"


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether ``position`` falls in one of the sorted ``spans`` (mentions are short: the few
    spans starting just before it are the only ones that can hold it). A megabyte of meeting
    names made the linear scan quadratic."""
    index = bisect.bisect_right(spans, (position, float("inf")))
    return any(s <= position < e for s, e in spans[max(0, index - 4) : index])


def _normalise_name(name: str) -> str:
    name = " ".join(name.replace("“", "").replace("”", "").replace('"', "").split())
    return re.sub(r"^(?:the|The|recent|Recent)\s+", "", name)


def mentions(
    text: str, meeting_date: date | None, title: str, skip_until: int
) -> list[MentionDraft]:
    found: dict[tuple[str, date | None], tuple[int, MentionDraft]] = {}
    own = _normalise_name(title).lower()
    taken: list[tuple[int, int]] = []
    for m in _VISIT_RE.finditer(text, skip_until):
        name_end = m.end("dest")
        dest = m.group("dest")
        if dest.endswith(".") and not ABBREV_TAIL_RE.search(dest):
            name_end -= 1
        name = text[m.start() : name_end]
        when = _MENTION_DATE_RE.match(text, name_end)
        end = when.end() if when else name_end
        future = bool(_FUTURE_RE.search(text[max(0, m.start() - 60) : m.start()]))
        day, precision, note = (
            _mention_date(when, meeting_date, future) if when else (None, "none", "")
        )
        who = m.group("who")
        kind = (
            "summit"
            if re.match(r"Prime|President|Vice|Chancellor|Premier", who)
            else ("foreign_ministers" if re.match(r"Secretary|Foreign", who) else "other")
        )
        mention = MentionDraft(text[m.start() : end], name, kind, day, "", precision, note)
        found.setdefault((name.lower(), day), (m.start(), mention))
        bisect.insort(taken, (m.start(), end))
        if len(found) >= _MAX_MENTIONS:
            break
    kinds: dict[str, str] = {}
    for number, m in enumerate(_ANCHOR_RE.finditer(text, skip_until)):
        if len(found) >= _MAX_MENTIONS or number >= _MAX_ANCHORS:
            break
        if not (m.group()[:1].isupper() or m.group()[:1] in '"“2'):
            continue
        window_start = max(skip_until, m.start() - 160)
        chunk = text[window_start : m.start()]
        if "\n" in chunk:
            window_start += chunk.rfind("\n") + 1
            chunk = text[window_start : m.start()]
        tokens = list(_TOKEN_RE.finditer(chunk))
        first = m.start()
        for t in reversed(tokens):
            if not _token_ok(t.group()):
                break
            first = window_start + t.start()
        if first == m.start() and m.group().lower().startswith(
            ("meeting", "summit", "talk", "conference")
        ):
            continue
        if first == m.start() and not m.group().startswith(
            ("Dialogue", "Consult", "2+2", '"', "“")
        ):
            continue
        before = text[max(0, first - 12) : first].lower()
        if re.search(r"(?:this|today[’']s|present)\s+$", before):
            continue
        if _inside(taken, first):
            continue
        name = _normalise_name(text[first : m.end()])
        lead_date = re.match(rf"({MONTH})\s+(\d{{1,2}}),?\s+", name)
        if name.lower() == own or len(name) < 3:
            continue
        when = _MENTION_DATE_RE.match(text, m.end())
        end = when.end() if when else m.end()
        future = bool(_FUTURE_RE.search(text[max(0, first - 60) : first]))
        day, precision, note = (
            _mention_date(when, meeting_date, future) if when else (None, "none", "")
        )
        if lead_date and when is None:
            fake = _MENTION_DATE_RE.match(f" on {lead_date.group(1)} {lead_date.group(2)}")
            if fake:
                day, precision, note = _mention_date(fake, meeting_date, future)
            name = name[lead_date.end() :]
        kind = kinds.get(name) or kinds.setdefault(name, classify(name, strict_call=True))
        series = name if kind in _SERIES_KINDS else ""
        if series in ("2+2", "Dialogue", "Consultations"):
            series = ""
        mention = MentionDraft(text[first:end], name, kind, day, series, precision, note)
        found.setdefault((name.lower(), day), (first, mention))
        bisect.insort(taken, (first, end))
    return [mention for _, mention in sorted(found.values(), key=lambda pair: pair[0])]
