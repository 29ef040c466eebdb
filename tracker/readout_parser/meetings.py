"""The meeting's kind, format and place, read from its title and first sentence."""

from __future__ import annotations

import re

from . import words
from .dates import month_number
from .lexicon import NON_PARTY, countries_in, phrase_pattern
from .sentences import ABBREV_TAIL_RE

_TELEPHONE_RE = re.compile(
    r"telephone|phone\s+call|by\s+phone|(?<![a-z])call(?![a-z])|電話会談|電話会議", re.I
)
_VIDEO_RE = re.compile(
    r"video\s*conference|videoconference|video\s+(?:call|meeting|talk)|virtual|online\s+meeting"
    r"|teleconference|テレビ会議|ビデオ会議|オンライン",
    re.I,
)
_BODY_TELEPHONE_RE = re.compile(
    r"telephone\s+(?:talk|call|conversation|meeting)|phone\s+call|spoke\s+(?:by|on\s+the)\s+"
    r"(?:tele)?phone|held\s+a\s+call|電話会談",
    re.I,
)


def classify(name: str, *, strict_call: bool = False) -> str:
    """The meeting kind (one of words.KINDS) that a title or sentence names.

    ``strict_call`` is for body text, where a lone "call" ("called for") says nothing.
    """
    low = name.lower()
    if "economic policy consultative committee" in low or re.search(
        r"economic\s*[\"“]?2\s*\+\s*2", low
    ):
        return "economic_2plus2"
    if "経済版2+2" in name or "経済政策協議委員会" in name:
        return "economic_2plus2"
    if (
        "security consultative committee" in low
        or "2+2" in low.replace(" ", "")
        or "安全保障協議委員会" in name
    ):
        return "security_2plus2"
    phone = _BODY_TELEPHONE_RE if strict_call else _TELEPHONE_RE
    if phone.search(name):
        return "telephone"
    sides = [c for c in countries_in(name) if (c not in NON_PARTY or c == "CN") and c != "G7"]
    forum = phrase_pattern(words.MULTILATERAL_WORDS).search(name) is not None
    if (forum and len(sides) < 2) or len(sides) > 3:
        return "multilateral"
    if "trilateral" in low or "日米韓" in name or len(sides) == 3:
        return "trilateral"
    if re.search(r"dialogue|consultations?(?![a-z])|協議", low):
        return "dialogue"
    if (
        "summit" in low
        or "leaders" in low
        or "首脳" in name
        or ("総理大臣" in name and "大統領" in name)
        or ("president" in low and "prime minister" in low)
    ):
        return "summit"
    if re.search(r"vice[\s-]+(?:foreign\s+)?minister|deputy\s+secretary", low) or (
        "事務次官" in name or "次官" in name
    ):
        # Officials below the ministers meet at working level, whoever they report to.
        return "working"
    if (
        "foreign minister" in low
        or "secretary of state" in low
        or "secretary blinken" in low
        or "外相" in name
        or "外務大臣" in name
    ):
        return "foreign_ministers"
    if re.search(r"working\s+(?:lunch|dinner|breakfast|group|level|meeting)", low):
        return "working"
    return "other"


def meeting_format(kind: str, source: str) -> str:
    """In person unless the kind or the title and first sentence (``source``) say otherwise."""
    if kind == "telephone" or _BODY_TELEPHONE_RE.search(source):
        return "telephone"
    if _VIDEO_RE.search(source):
        return "video"
    return "in_person"


_PLACE_RE = re.compile(
    r"(?<![A-Za-z])(?P<prep>visiting|in|at|to)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w’'.\-]*(?:,?\s+(?:[A-Z][\w’'.\-]*|upon|am|de|of)){0,5})"
)
_NOT_PLACES = frozenset(words.NOT_PLACES)
_STATE_RE = re.compile(
    r",\s+(" + "|".join(re.escape(s) for s in words.US_STATES) + r")(?![A-Za-z])"
)
_VENUE_RE = re.compile("|".join(re.escape(w) for w in words.VENUE_WORDS))


def place_zone(place: str) -> str:
    """The IANA time zone of a place by its name ("" when unknown)."""
    low = place.lower()
    for key, zone in words.PLACE_ZONES:
        if key in low:
            return zone
    return ""


def find_place(sentences: list[str]) -> str:
    """Where the meeting was held, from the first sentences that say so."""
    for index, text in enumerate(sentences):
        best = ""
        for m in _PLACE_RE.finditer(text):
            place = m.group("place")
            place = re.split(r",\s+(?![A-Z]\.)|\s+(?=of\s+[a-z])|\.\s+", place, maxsplit=1)[0]
            if m.group("prep") != "visiting" and (
                month_number(place.split()[0]) or place in _NOT_PLACES
            ):
                continue
            tail = text[m.start("place") + len(place) : m.start("place") + len(place) + 8]
            if re.match(r",\s+D\.C\.", tail):
                place += ", D.C."
            elif state := _STATE_RE.match(text, m.start("place") + len(place)):
                place += ", " + state.group(1)
            if place.endswith(".") and not ABBREV_TAIL_RE.search(place.split()[-1]):
                place = place[:-1]
            place = place.rstrip(",; ")
            if place.split()[0] in _NOT_PLACES or place in _NOT_PLACES:
                continue
            if m.group("prep") == "visiting":
                return place
            if m.group("prep") == "at" and not (place_zone(place) or _VENUE_RE.search(place)):
                continue
            if m.group("prep") == "in" and not (place_zone(place) or len(place.split()) <= 3):
                continue
            # Past the first sentence, "in X" is as likely a topic as a venue.
            if (m.group("prep") == "to" or index > 0) and not place_zone(place):
                continue
            best = best or place
        if best:
            return best
    return ""
