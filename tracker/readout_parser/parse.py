"""Reading a readout: the header (title, dateline), the intro sentence, the numbered items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from . import clock, dates, meetings
from . import japanese as ja
from .actions import Item, draft_commitments
from .drafts import MeetingDraft, ReadoutDraft
from .lexicon import NON_PARTY, countries_in, ordered, strength_of
from .mentions import mentions
from .participants import participants, representation_sentences
from .sentences import (
    MARKER_RE,
    TERMINAL_PUNCT,
    line_spans,
    sentences,
    split_inline,
    strip_markers,
)
from .text import clean_text, html_to_text, looks_japanese, looks_like_html

# Input beyond these limits is still cleaned and returned, but not analysed further; they keep a
# megabyte of pasted text well under a second.
_MAX_ITEMS = 400
_MAX_INTRO_CHARS = 3000
_MAX_LINES = 4000

_KEYWORD_TITLE_RE = re.compile(
    r"meeting|talk|summit|call|conference|dialogue|consultation|committee|readout|visit|2\+2"
    r"|会談|会議|協議",
    re.I,
)
_INTRO_HINT_RE = re.compile(
    r"(?<![A-Za-z])(?:held|hold|met|spoke|hosted|had|commencing|took\s+place|convened)(?![A-Za-z])"
    r"|会談を行|会談し",
    re.I,
)


def parse_readout(
    text: str, *, today: date | None = None, date: date | None = None
) -> ReadoutDraft:
    """Read a readout (plain text or pasted HTML) into a draft; never raises on str input.

    ``date`` is the meeting date a person supplied for a text that gives none ("met today");
    ``today`` only resolves a missing year or a "today" when no date is supplied.
    """
    if not isinstance(text, str):
        return ReadoutDraft(notes=["No text to read"])
    try:
        return _parse(text, today, date)
    except Exception as exc:  # callers rely on a draft for any input
        cleaned = ""
        try:
            cleaned = clean_text(text)
        except Exception:
            cleaned = ""
        return ReadoutDraft(
            notes=[f"The text could not be read ({type(exc).__name__}); please fill in the form"],
            text=cleaned,
        )


@dataclass
class _Layout:
    """Where the parts of a readout are in the cleaned text."""

    header: list[tuple[int, int]] = field(default_factory=list)
    title: str = ""
    dateline: date | None = None
    # The sentence that says who met whom, where and when, and the lines after it.
    intro_span: tuple[int, int] | None = None
    intro_sentences: list[tuple[int, int]] = field(default_factory=list)
    body_lines: list[tuple[int, int]] = field(default_factory=list)


def _is_sentence_line(line: str) -> bool:
    if MARKER_RE.match(line):
        # "・日米外相会談": a bulleted copy of the title in the page header, not an item.
        return not ja.is_title_line(line[MARKER_RE.match(line).end() :])
    if len(line) >= 80:
        return True
    count = len(line.split())
    if line.endswith((".", "。", "!", "?")) and (count >= 6 or len(line) >= 30):
        return True
    return bool(re.match(r"(?:On|Today|Earlier today)\s", line) and count >= 5)


def _is_heading(piece: str) -> bool:
    return (
        len(piece) < 100
        and not piece.rstrip().endswith(TERMINAL_PUNCT)
        and len(piece.split()) <= 12
        and strength_of(piece) is None
    )


def _layout(text: str) -> _Layout:
    layout = _Layout()
    # Header: the short lines above the first sentence (title, dateline).
    lines = line_spans(text, _MAX_LINES + 20)
    body_from = len(lines)
    for i, (s, e) in enumerate(lines):
        if i >= 8 or _is_sentence_line(text[s:e]):
            body_from = i
            break
        layout.header.append((s, e))
    header_texts = [text[s:e] for s, e in layout.header]
    if looks_japanese(text):
        # Photo captions sit in the header too; a Japanese title ends in 会談, 会議 …
        header_texts = [h for h in header_texts if dates.is_date_line(h) or ja.is_title_line(h)]
    layout.title = next(
        (h for h in header_texts if not dates.is_date_line(h) and _KEYWORD_TITLE_RE.search(h)),
        "",
    ) or next((h for h in header_texts if not dates.is_date_line(h)), "")
    for h in header_texts:
        layout.dateline = dates.full_date(h)[0]
        if layout.dateline:
            break
    layout.body_lines = lines[body_from:]
    if layout.body_lines:
        s, e = layout.body_lines[0]
        content_start, marked = strip_markers(text, s, e)
        if not marked or _INTRO_HINT_RE.search(text[content_start : min(e, content_start + 600)]):
            layout.intro_span = (content_start, e)
            layout.body_lines = layout.body_lines[1:]
    if layout.intro_span:
        start, end = layout.intro_span
        layout.intro_sentences = sentences(text, start, min(end, start + _MAX_INTRO_CHARS))
    return layout


def _items(text: str, layout: _Layout, notes: list[str]) -> list[Item]:
    """The body's items, each a unit of commitments; an item under "They agreed:" inherits it."""
    items: list[Item] = []
    if layout.intro_span and layout.intro_sentences:
        # U.S. readouts act in their first sentence ("met … and reaffirmed …"); MOFA's first
        # sentence only says who met whom, and "welcomed" there is the greeting.
        first = strength_of(text[slice(*layout.intro_sentences[0])])
        acts = first is not None and first[0] in ("joint", "request")
        rest = layout.intro_sentences[0 if acts else 1 :]
        if rest and (acts or any(strength_of(text[s:e]) for s, e in rest)):
            items.append(Item(rest[0][0], layout.intro_span[1], intro=True))
    inherited: tuple[str, str] | None = None
    for number, (s, e) in enumerate(layout.body_lines):
        if len(items) >= _MAX_ITEMS or number >= _MAX_LINES:
            notes.append(
                f"The body is very long; only its first {len(items)} items "
                f"({number} lines) were read"
            )
            break
        start, marked = strip_markers(text, s, e)
        if not marked:
            inherited = None
        piece = text[start:e]
        if not piece.strip() or _is_heading(piece):
            continue
        for part_start, part_end, preamble in split_inline(text, start, e):
            part = text[part_start:part_end].strip()
            if not part:
                continue
            if part.endswith(":") or (preamble and part.rstrip().endswith(":")):
                found = strength_of(part)
                inherited = (found[0], found[1]) if found else None
                continue
            items.append(
                Item(part_start, part_end, inherited=inherited if marked or not preamble else None)
            )
    return items


def _parse(raw: str, today: date | None, given: date | None) -> ReadoutDraft:
    notes: list[str] = []
    if looks_like_html(raw):
        raw = html_to_text(raw)
        notes.append("The text was pasted as HTML and reduced to plain text")
    text = clean_text(raw)
    meeting = MeetingDraft()
    conf = meeting.confidence
    if not text.strip():
        notes.append("No text to read")
        conf["title"] = "No text"
        return ReadoutDraft(meeting=meeting, notes=notes, text=text)
    japanese = looks_japanese(text)
    if japanese:
        notes.append("The text is Japanese; it was read with the Japanese word lists")

    layout = _layout(text)
    title = meeting.title = layout.title
    if not title:
        conf["title"] = "No title line found"
    intro = ""
    if layout.intro_span:
        intro = text[layout.intro_span[0] : layout.intro_span[0] + _MAX_INTRO_CHARS]
    first_sentence = text[slice(*layout.intro_sentences[0])] if layout.intro_sentences else ""
    context = intro or text[:_MAX_INTRO_CHARS]

    meeting.date = dates.meeting_date(
        context,
        text,
        dateline=layout.dateline,
        has_intro=bool(intro),
        japanese=japanese,
        today=today,
        conf=conf,
        given=given,
    )
    if meeting.date is None:
        notes.append("The text gives no date for the meeting; enter it before saving")

    kind = meetings.classify(title) if title else "other"
    if kind == "other" and first_sentence:
        kind = meetings.classify(first_sentence, strict_call=True)
        if kind != "other":
            conf["kind"] = "Read from the first sentence, not the title"
    if kind == "other":
        conf["kind"] = "Could not tell the kind of meeting"
    meeting.kind = kind
    meeting.format = meetings.meeting_format(kind, f"{title}\n{first_sentence}")
    if japanese:
        meeting.place = ja.find_place(intro or context[:1500])
    else:
        meeting.place = meetings.find_place(
            [first_sentence, intro] if first_sentence else [context[:600]]
        )
    if not meeting.place and meeting.format == "in_person":
        conf["place"] = "No place found"
    people = participants(
        [title, first_sentence or context[:600], *representation_sentences(intro or context)], text
    )
    if japanese:
        people = ja.participants(first_sentence or context[:1500]) + people
    if not people:
        notes.append("No participants found")
    countries = countries_in(title) if title else []
    countries += [p.country for p in people if p.country]
    if not countries:
        countries = [c for c in countries_in(first_sentence) if c not in NON_PARTY]
        conf["countries"] = "Read from the first sentence" if countries else "No countries found"
    meeting.countries = ordered(countries)
    if japanese and not title:
        meeting.title = title = ja.made_up_title(kind, meeting.countries)
        if title:
            conf["title"] = "No title line; made up from the kind of meeting and the countries"

    clock_source = intro or context
    if japanese:
        clock_source = ja.clock_text(first_sentence or context[:1500])
    start = clock.read_clock(clock_source, meeting.date, meeting.place, conf)
    meeting.start_local, meeting.start_japan = start.start_local, start.start_japan
    meeting.utc_offset, meeting.time_zone = start.utc_offset, start.time_zone
    meeting.duration_minutes = clock.duration(
        clock_source if japanese else intro or context[:600], "" if japanese else text
    )
    if meeting.duration_minutes is None and start.range_minutes:
        meeting.duration_minutes = start.range_minutes
        conf["duration_minutes"] = "Computed from the start and end times"
    if meeting.duration_minutes is None:
        conf["duration_minutes"] = "No duration in the text"

    sides = [c for c in meeting.countries if c not in NON_PARTY] or meeting.countries
    commitments = draft_commitments(text, _items(text, layout, notes), sides, notes)
    if not commitments and not japanese:
        notes.append("No agreed actions found in the text")

    skip_until = layout.header[-1][1] if layout.header else 0
    return ReadoutDraft(
        meeting=meeting,
        participants=people,
        commitments=commitments,
        mentions=mentions(text, meeting.date, title, skip_until),
        notes=notes,
        text=text,
    )
