"""The agreed actions: one draft commitment per sentence that binds, with a short title, how
binding it is, its themes and the countries bound."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import words
from .drafts import CommitmentDraft
from .lexicon import NON_PARTY, any_phrase, countries_in, ordered, strength_of, themes_of
from .sentences import ABBREV_TAIL_RE, sentences

# Items beyond this length are read only so far; this keeps pasted megabytes fast.
MAX_ITEM_CHARS = 6000
_BOILERPLATE_RE = re.compile(
    r"as follows|overview of the|summary of the|fact\s+sheet\s+provides|概要は以下|概要は次", re.I
)
# "At the outset, … welcomed …": the greeting, not an agreed action (nor is what it welcomes).
_OUTSET_RE = re.compile(r"(?:At\s+the\s+outset|At\s+the\s+beginning|冒頭)[,、]?", re.I)
_SUBJECT_RE = re.compile(
    r"^(?:(?:At the outset|In response|In addition|Furthermore|Moreover|Finally|Also),?\s+)?"
    r"(?:(?:The|Both)\s+(?:two|three|four)?\s*(?:foreign\s+)?(?:ministers|leaders|sides|secretaries|"
    r"countries|governments)|They|We|[A-Z][\w.]*(?:\s+[A-Z][\w.’'\-]*){0,3}"
    r"(?:\s+and\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.’'\-]*){0,3})?)\s+"
    r"(?:also\s+|once\s+again\s+|further\s+)?",
)
_LEAD_RE = re.compile(
    r"^(?:(?:their|its|his|her|the|our)\s+(?:shared\s+|strong\s+|firm\s+|unwavering\s+|continued\s+)?"
    r"(?:commitment|intention|determination|resolve|importance)\s+(?:to|of|on|that)\s+"
    r"|(?:to|on|that|upon|of|with|for)\s+)",
    re.I,
)
_OBJECT_VERBS = frozenset(words.OBJECT_VERBS)
_OWNER_RE = re.compile(
    r"^(?:The\s+)?(?:Japan|United\s+States(?:\s+of\s+America)?|U\.S\.|Government\s+of\s+Japan)"
    r"\s+(?:also\s+|further\s+)?$"
)
_TRAILING_WORDS = frozenset(words.TRAILING_WORDS)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _trim_end(text: str) -> str:
    text = text.rstrip(" ,;:")
    if text.endswith(".") and not ABBREV_TAIL_RE.search(text.split()[-1] if text.split() else ""):
        text = text[:-1]
    return text.rstrip(" ,;:")


def _short_title(sentence: str, found: tuple[str, str, int, int] | None) -> str:
    if found is not None and found[0] in ("joint", "request"):
        # An inherited verb (found[3] == 0) is not in the sentence: the action starts at once.
        rest = sentence[found[3] :].strip()
        if found[1].lower() in _OBJECT_VERBS:
            # Only a named object ("the U.S.", "North Korea") is the party asked, not the action.
            obj = re.match(r"(?:the\s+)?(?:[A-Z][^,;]{0,38}?|all\s+\w+)\s+to\s+(?=[a-z])", rest)
            if obj:
                rest = rest[obj.end() :]
        rest = _LEAD_RE.sub("", rest, count=1)
        rest = _LEAD_RE.sub("", rest, count=1) if rest.lower().startswith(("to ", "on ")) else rest
        # "reaffirmed X and welcomed Y": the title is X only.
        nxt = any_phrase(rest)
        if nxt is not None and nxt.start() >= 20:
            rest = re.sub(r"(?:,?\s+(?:and|while|but)(?:\s+also)?)?\s*$", "", rest[: nxt.start()])
        text = rest if len(rest) >= 10 else sentence[found[2] :]
    elif found is not None and found[0] == "acknowledgement" and found[3]:
        text = sentence[found[2] :]
    else:
        text = _SUBJECT_RE.sub("", sentence, count=1) or sentence
        starts_with_verb = re.match(r"[a-z]+ed\b", text) is not None
        if found is not None and found[3] and (len(text) < 10 or not starts_with_verb):
            text = sentence[found[2] :]
    text = text.strip()
    cut = min((i for i in (text.find(", "), text.find("; ")) if i >= 20), default=-1)
    if cut > 0:
        text = text[:cut]
    text = _trim_end(text)
    if len(text) > 80:
        words = text[:79].split(" ")
        if len(words) > 1:
            words.pop()
        while len(words) > 1 and words[-1].lower() in _TRAILING_WORDS:
            words.pop()
        text = _trim_end(" ".join(words))[:79] + "…"
    return _capitalise(text)


def _parties(sentence: str, sides: list[str], found_at: int = 0) -> list[str]:
    # "Japan resolved to …", "The United States intends to …": one side owns the action.
    owner = countries_in(sentence[:found_at]) if 0 < found_at <= 40 else []
    if len(owner) == 1 and _OWNER_RE.match(sentence[:found_at]):
        return owner
    found = [c for c in countries_in(sentence) if c not in NON_PARTY]
    if not sides:
        return ordered(found)
    return ordered([*sides, *found])


@dataclass
class Item:
    start: int
    end: int
    inherited: tuple[str, str] | None = None
    intro: bool = False


def draft_commitments(
    text: str, items: list[Item], sides: list[str], notes: list[str]
) -> list[CommitmentDraft]:
    drafts: list[CommitmentDraft] = []
    for index, item in enumerate(items):
        spans = sentences(text, item.start, min(item.end, item.start + MAX_ITEM_CHARS))
        if item.end - item.start > MAX_ITEM_CHARS:
            notes.append(f"Item {index + 1} is very long; only its start was read")
        readings = []
        for s, e in spans:
            sentence = text[s:e]
            if _BOILERPLATE_RE.search(sentence[:200]):
                continue
            found = strength_of(sentence)
            if found is not None and _greeting(sentence):
                found = ("none", found[1], found[2], found[3])
            if found is None and item.inherited is not None:
                found = (item.inherited[0], item.inherited[1], 0, 0)
            readings.append((s, e, sentence, found))
        lone = len(readings) == 1 and not item.intro
        for s, _e, sentence, found in readings:
            if found is None and not lone:
                continue
            strength = found[0] if found else "none"
            drafts.append(
                CommitmentDraft(
                    quote=sentence,
                    position=s,
                    item_index=index,
                    title=_short_title(sentence, found),
                    strength=strength,
                    themes=themes_of(sentence),
                    parties=_parties(sentence, sides, found[2] if found else 0),
                    selected=strength != "none",
                    verb=found[1] if found else "",
                )
            )
    return drafts


def _greeting(sentence: str) -> bool:
    """True for a greeting: "At the outset, … welcomed …", "welcomed Secretary X’s visit"."""
    first = any_phrase(sentence)
    if first is None or first.group().lower() not in ("welcomed", "歓迎した", "歓迎しました"):
        return False
    if _OUTSET_RE.match(sentence):
        return True
    rest = sentence[first.end() :]
    return strength_of(rest) is None and _VISIT_RE.match(rest) is not None


_VISIT_RE = re.compile(r"\s+(?:the\s+)?[^,;.]{0,60}?[’']s\s+visit\b(?:\s+to\s+[A-Z][\w.\-]*)?\.?$")
