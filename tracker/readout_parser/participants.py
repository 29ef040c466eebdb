"""Who took part: "Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan", "Secretary of
State Antony J. Blinken", "President Biden"."""

from __future__ import annotations

import re

from . import words
from .drafts import ParticipantDraft
from .lexicon import countries_in
from .sentences import ABBREV_TAIL_RE, sentences

_NAME_TOKEN = r"[A-Z][\w’'\-]*\.?"
_NAME = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_HONORIFIC_RE = re.compile(
    r"(?<![\w.])(?P<hon>Mr\.|Ms\.|Mrs\.|Dr\.|(?:H\.\s?E\.|(?:His|Her)\s+Excellency|[Tt]he\s+Honou?rable"
    r"|[Tt]he\s+Hon\.)(?:\s+(?:Dr|Mr|Ms|Mrs|Prof)\.)?)\s+"
    rf"(?P<name>{_NAME})(?P<jr>,?\s+Jr\.)?(?:\s*,\s*(?P<title>[^,;()\n]{{2,160}}))?"
)
_ADJECTIVES = words.NATIONALITY_WORDS
_TITLE_FIRST_RE = re.compile(
    r"(?<![\w])(?:(?P<adj>"
    + "|".join(re.escape(a) for a in sorted(_ADJECTIVES, key=len, reverse=True))
    + r")\s+)?(?P<title>"
    + "|".join(re.escape(t) for t in words.TITLES)
    + rf")\s+(?P<dr>Dr\.\s+)?(?P<name>{_NAME})(?P<jr>,?\s+Jr\.)?"
)
_NAME_STOP = frozenset(words.NAME_STOP_WORDS)
_FAMILY_FIRST = frozenset(words.FAMILY_NAME_FIRST)
_JAPANESE_FAMILIES = frozenset(words.JAPANESE_FAMILY_NAMES_LATIN)
_SIDE = r"(?:Japanese|Japan|U\.S\.|United\s+States|American)"
# Who stands for which side: "The Japanese side is represented by A and B and the U.S. side by
# C", "The U.S. side is co-chaired by A", "A, …, represented the Japanese side", "A co-chaired
# for the Government of Japan". A side named before the people looks ahead, one named after
# them looks back.
_SIDE_RE = re.compile(
    rf"(?P<ahead>{_SIDE})\s+(?:side|delegation)(?:\s+(?:is|was|will\s+be|were))?"
    r"\s+(?:(?:represented|co-chaired|chaired|led|headed)\s+)?by"
    rf"|represented\s+the\s+(?P<back>{_SIDE})\s+side"
    rf"|(?:co-)?chaired(?:\s+the\s+meeting)?\s+for\s+the\s+Government\s+of\s+(?:the\s+)?(?P<back2>{_SIDE})"
)
_HINT_RE = re.compile(
    r"(?:Minister|Secretary|President|Ambassador|Mr\.|Ms\.|Mrs\.)\s+([A-Z][\w’'\-]+)"
)


def _name_tokens(raw: str) -> list[str]:
    tokens: list[str] = []
    for token in raw.split():
        bare = token.rstrip(".")
        if token in _NAME_STOP or bare in _NAME_STOP:
            break
        possessive = token.endswith(("’s", "'s"))
        # A full stop after a whole word ends the sentence; after an initial it does not.
        final = token.endswith(".") and len(bare) > 1 and "." not in bare
        tokens.append(token[:-2] if possessive else bare if final else token)
        if possessive or final:
            break
    return tokens


def _honorific(raw: str) -> str:
    raw = " ".join(raw.split())
    dr = " Dr." if raw.endswith("Dr.") and raw != "Dr." else ""
    if "Excellency" in raw or raw.startswith("H."):
        return "H.E." + dr
    if "Hon" in raw:
        return "the Honorable" + dr
    return raw


def _clean_title(raw: str) -> str:
    title = re.split(
        r"\s+(?:who|which|held|met|had|spoke|hosted|visited|paid|is|was|will)\s|"
        r"\s+and\s+(?=(?:the\s+)?(?:Mr\.|Ms\.|Mrs\.|Dr\.|H\.E\.|His|Her|Honou?rable|Secretary|"
        r"Minister|President|Prime|Foreign|Ambassador))",
        raw,
        maxsplit=1,
    )[0].strip()
    if title.endswith(".") and not ABBREV_TAIL_RE.search(title):
        title = title[:-1].rstrip()
    return title


def _make_participant(
    tokens: list[str], title: str, country: str, honorific: str, hints: set[str]
) -> ParticipantDraft | None:
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    if not country:
        for token in tokens:
            country = words.KNOWN_PEOPLE.get(token.lower().strip(".,"), "")
            if country:
                break
    proper = [t for t in tokens if not re.fullmatch(r"[A-Z]\.", t)]
    caps = [t for t in proper if len(t) > 1 and t.isupper()]
    if caps and not country:
        country = "JP"
    ends = (proper[0], proper[-1]) if proper else ()
    known = [t for t in ends if t.lower() in _JAPANESE_FAMILIES]
    if caps:
        family = caps[0]
    elif country == "JP" and len(proper) > 1 and len(known) == 1:
        family = known[0]
    elif country in _FAMILY_FIRST and len(proper) > 1:
        hinted = [t for t in (proper[0], proper[-1]) if t.lower() in hints]
        family = hinted[0] if hinted else proper[0]
    else:
        family = proper[-1] if proper else tokens[-1]
    given = " ".join(t for t in tokens if t is not family)
    if country == "JP":
        name = " ".join(x for x in (family.upper(), given) if x)
    else:
        name = " ".join(tokens)
    return ParticipantDraft(
        name=name,
        family_name=family.upper() if caps else family,
        given_name=given,
        title=title,
        country=country,
        honorific=honorific,
    )


def _side_country(side: str) -> str:
    return "JP" if side.startswith("Japan") else "US"


def _sides(source: str) -> list[tuple[int, int, str]]:
    """(start, end, country) of the stretches of ``source`` that list one side's people."""
    found = list(_SIDE_RE.finditer(source))
    spans = []
    for i, m in enumerate(found):
        previous_end = found[i - 1].end() if i else 0
        if m.group("ahead"):
            stop = found[i + 1].start() if i + 1 < len(found) else len(source)
            spans.append((m.end(), stop, _side_country(m.group("ahead"))))
        else:
            side = m.group("back") or m.group("back2")
            spans.append((previous_end, m.start(), _side_country(side)))
    return spans


def representation_sentences(text: str) -> list[str]:
    """The sentences near the top that say who represented which side."""
    spans = sentences(text, 0, min(len(text), 6000))
    return [text[s:e] for s, e in spans if _SIDE_RE.search(text[s:e])][:6]


def participants(sources: list[str], full_text: str) -> list[ParticipantDraft]:
    hints = {m.group(1).lower() for m in _HINT_RE.finditer(full_text[:20000])}
    found: list[ParticipantDraft] = []
    for number, source in enumerate(sources):
        taken: list[tuple[int, int]] = []
        sides = _sides(source)
        for m in _HONORIFIC_RE.finditer(source):
            tokens = _name_tokens(m.group("name"))
            title = _clean_title(m.group("title") or "")
            countries = countries_in(title)
            side = next((c for s, e, c in sides if s <= m.start() < e), "")
            person = _make_participant(
                tokens,
                title,
                side or (countries[0] if countries else ""),
                _honorific(m.group("hon")),
                hints,
            )
            if person:
                found.append(person)
                taken.append((m.start(), m.end()))
        for m in _TITLE_FIRST_RE.finditer(source):
            if any(s <= m.start() < e for s, e in taken):
                continue
            tokens = _name_tokens(m.group("name"))
            if not tokens:
                continue
            tail = source[m.start("name") : m.end("name") + 30]
            if number and re.match(r"[\w.\s]*?[’']s\s+(?:\w+\s+){0,2}visit", tail):
                continue  # "Prime Minister Kan's visit to the U.S." mentions, it does not attend
            title = m.group("title")
            country = _ADJECTIVES.get(m.group("adj") or "", "")
            after = re.match(
                r",?\s+of\s+(?:the\s+)?([A-Z][\w.’' ]{1,40})", source[m.end() : m.end() + 60]
            )
            if not country and after:
                codes = countries_in(after.group(1))
                country = codes[0] if codes else ""
            country = country or words.TITLE_COUNTRY.get(title, "")
            country = country or next((c for s, e, c in sides if s <= m.start() < e), "")
            honorific = "Dr." if m.group("dr") else ""
            person = _make_participant(tokens, title, country, honorific, hints)
            if person:
                found.append(person)
    return _merge_people(found)


def _merge_people(people: list[ParticipantDraft]) -> list[ParticipantDraft]:
    merged: dict[str, ParticipantDraft] = {}
    for person in people:
        key = person.family_name.lower()
        known = merged.get(key)
        if known is None:
            merged[key] = person
            continue
        if len(person.name) > len(known.name):
            known.name, known.given_name = person.name, person.given_name
        # "Secretary" from the headline, "Secretary of State" from the body: the fuller wins.
        if len(person.title) > len(known.title) and not known.title.startswith(person.title):
            known.title = person.title
        for attr in ("title", "country", "honorific"):
            if not getattr(known, attr) and getattr(person, attr):
                setattr(known, attr, getattr(person, attr))
    return list(merged.values())
