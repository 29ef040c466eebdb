"""Cutting the cleaned text into lines, list items and sentences, by character offsets."""

from __future__ import annotations

import re

from . import words

# A list marker at the start of a line: "- ", "・", "(1)", "1.", "(a)", "ii)".
MARKER_RE = re.compile(
    r"(?:[-–—•・*●○▪■◆◇]\s+|[・•●]|[(（]\s*\d{1,2}\s*[)）]\s*|\d{1,2}[.)]\s+|[(（][a-zA-Z][)）]\s*"
    r"|[a-z]\)\s+|[ivx]{1,4}[.)]\s+"
    # "1 両者は…": MOFA's Japanese pages number items with a bare figure and a space.
    r"|\d{1,2}\s+(?=[\u3040-\u30ff\u4e00-\u9fff]))"
)
# A dotted abbreviation at the end of a word ("U.S.", "D.C.").
ABBREV_TAIL_RE = re.compile(r"(?:^|[-(])(?:[A-Za-z]\.){2,}$")
TERMINAL_PUNCT = (".", "!", "?", ":", ";", "。", "」", ")", '"', "”", "’")

_INLINE_MARKER_RE = re.compile(r"(?:(?<=\s)|^)[(（](\d{1,2})[)）]\s*")
_END_RE = re.compile(r"[.!?]+[”\"’)\]]*(?=\s+\S)|[。！？]")
_PAREN_RE = re.compile(r"\([^()\n]{0,300}\)")
_NEVER_END = frozenset(words.NEVER_SENTENCE_END)
_SOMETIMES_END = frozenset(words.SOMETIMES_SENTENCE_END)
_STARTERS = frozenset(words.SENTENCE_STARTERS)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) inside ``text[start:end]``."""
    chunk = text[start:end]
    protected = [(m.start(), m.end()) for m in _PAREN_RE.finditer(chunk)]
    spans: list[tuple[int, int]] = []
    begin = 0
    p = 0
    for m in _END_RE.finditer(chunk):
        stop = m.end()
        while p < len(protected) and protected[p][1] <= m.start():
            p += 1
        if p < len(protected) and protected[p][0] < m.start() < protected[p][1]:
            continue
        if not _ends_sentence(chunk, m.start(), stop):
            continue
        spans.append((begin, stop))
        begin = stop
    spans.append((begin, len(chunk)))
    out = []
    for s, e in spans:
        piece = chunk[s:e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            out.append((start + s + lead, start + s + trail))
    return out


def _ends_sentence(chunk: str, dot: int, stop: int) -> bool:
    if chunk[dot] != ".":
        return True
    token_start = chunk.rfind(" ", max(0, dot - 40), dot) + 1
    token = chunk[token_start : dot + 1]
    following = chunk[stop : stop + 40].split(maxsplit=1)
    nxt = following[0] if following else ""
    low = token.lower().lstrip('("“')
    if low in _NEVER_END or re.fullmatch(r"[A-Z]\.", token):
        return False
    if low in _SOMETIMES_END or ABBREV_TAIL_RE.search(token):
        return nxt.strip('"“(') in _STARTERS
    first = nxt[:1]
    return bool(first) and not first.islower()


def line_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of the first ``limit`` non-empty lines."""
    spans = []
    pos = 0
    size = len(text)
    while pos <= size and len(spans) < limit:
        end = text.find("\n", pos)
        end = size if end == -1 else end
        if end > pos:
            spans.append((pos, end))
        pos = end + 1
    return spans


def strip_markers(text: str, start: int, end: int) -> tuple[int, bool]:
    """Where a line's content starts after its list markers, and whether it had any."""
    marked = False
    for _ in range(3):
        m = MARKER_RE.match(text, start, end)
        if m is None or m.end() == start:
            break
        start, marked = m.end(), True
    return start, marked


def split_inline(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Split "(1) ... (2) ..." inside one line into (start, end, is_preamble) parts."""
    numbered = list(_INLINE_MARKER_RE.finditer(text, start, end))
    if len(numbered) < 2 or [int(m.group(1)) for m in numbered[:2]] not in ([1, 2], [2, 3]):
        return [(start, end, False)]
    parts: list[tuple[int, int, bool]] = []
    if numbered[0].start() > start:
        parts.append((start, numbered[0].start(), True))
    for i, m in enumerate(numbered):
        stop = numbered[i + 1].start() if i + 1 < len(numbered) else end
        parts.append((m.end(), stop, False))
    return parts
