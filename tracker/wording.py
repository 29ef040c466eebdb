"""Comparing wordings: readouts cut into sentences, a phrase marked in a sentence, near-identical
sentences grouped, and the words one wording adds to or drops from another.

Plain text functions for the agreed-language search and the commitment page's "Wording over
time"; the only Django in them is the escaping of what they mark up. Japanese has no spaces
between words, so its comparisons take each kana or kanji as a word of its own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import chain
from typing import Any

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .models.agreed_language import agreed_fold
from .readout_parser.sentences import line_spans, sentences, split_inline, strip_markers

# Readouts run to 200,000 characters: every line of them is read.
MAX_LINES = 100_000
# How alike two sentences must be (difflib's ratio on their words) to be one group, and a
# later readout's sentence to be taken as restating the previous wording.
GROUP_RATIO = 0.9
RESTATES_RATIO = 0.5
# Kana, kanji, full-width forms: one word each, as no space separates Japanese words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN_RE = re.compile(rf"[{_CJK}]\s*|[^\s{_CJK}]+\s*|\s+")


def readout_sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a readout as (character offset, sentence), in reading order: each line
    without its list marker ("- ", "(1)", "・"), cut at full stops (。 for Japanese)."""
    found: list[tuple[int, str]] = []
    for line_start, line_end in line_spans(text, MAX_LINES):
        start, _ = strip_markers(text, line_start, line_end)
        for part_start, part_end, _ in split_inline(text, start, line_end):
            for begin, end in sentences(text, part_start, part_end):
                sentence = text[begin:end].strip()
                if agreed_fold(sentence):
                    found.append((begin, sentence))
    return found


# Marking the phrase --------------------------------------------------------------------------


def _folded_map(text: str) -> tuple[str, list[int]]:
    """`text` folded one character at a time (as `agreed_fold` folds it whole), and for each
    folded character the index of the original character it came from."""
    folded: list[str] = []
    origin: list[int] = []
    space = True  # leading white space is dropped, as `agreed_fold` drops it
    for index, char in enumerate(text):
        if char.isspace():
            piece = ""
        elif char.isascii() and char.isprintable():
            piece = char.lower()  # what NFKC and case folding make of it, without asking them
        else:
            piece = agreed_fold(char)
        if not piece:
            # White space and control characters fold to one space; NUL to nothing.
            spacing = char.isspace() or (unicodedata.category(char) == "Cc" and char != "\x00")
            if spacing and not space:
                folded.append(" ")
                origin.append(index)
                space = True
            continue
        folded.extend(piece)
        origin.extend([index] * len(piece))
        space = False
    return "".join(folded), origin


def highlight(text: str, phrase: str) -> SafeString:
    """`text`, escaped, with every occurrence of the folded `phrase` in <mark>; nothing of the
    text is trusted as HTML, only the marks are added."""
    if not phrase:
        return conditional_escape(text)
    folded, origin = _folded_map(text)
    spans: list[tuple[int, int]] = []
    start = folded.find(phrase)
    while start != -1:
        end = start + len(phrase)
        spans.append((origin[start], origin[end - 1] + 1))
        start = folded.find(phrase, end)
    out: list[str] = []
    at = 0
    for begin, end in spans:
        if begin < at:
            continue
        out.append(conditional_escape(text[at:begin]))
        out.append(f"<mark>{conditional_escape(text[begin:end])}</mark>")
        at = end
    out.append(conditional_escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of the text was escaped above


# Grouping near-identical sentences ---------------------------------------------------------------


def _enough_shared(length: int) -> int:
    """The fewest words a sentence of `length` words shares with any group it is alike (by
    `Group.is_alike`'s two bounds: the group has at least ratio·length/(2 − ratio) words, and
    twice the shared words reach the ratio of both lengths), never fewer than one. A group
    sharing that many holds at least one of any length − that + 1 of the sentence's words."""
    bound = GROUP_RATIO * length / (2 - GROUP_RATIO)
    # A hair under the exact bound, so that rounding never makes it too high.
    return max(1, math.floor(bound - 1e-9))


def tokens(text: str) -> list[str]:
    """The words of `text`, each with the space after it: a Japanese character is a word."""
    return _TOKEN_RE.findall(text)


def _words(text: str) -> list[str]:
    return _folded_words(agreed_fold(text))


def _folded_words(folded: str) -> list[str]:
    return [token.strip() for token in tokens(folded) if token.strip()]


def _group_key(folded: str) -> str:
    # Punctuation and spacing aside, the same words are the same sentence.
    return " ".join(re.findall(r"\w+", folded))


def _bag(words: Sequence[str]) -> frozenset[tuple[str, int]]:
    # The words as a multiset (each with its occurrence number), so that a set intersection
    # counts what difflib's quick_ratio counts.
    seen: dict[str, int] = {}
    bag = []
    for word in words:
        seen[word] = seen.get(word, -1) + 1
        bag.append((word, seen[word]))
    return frozenset(bag)


@dataclass
class Group:
    """Sentences worded alike: the first (oldest) is shown, the others are counted and dated."""

    key: str
    words: list[str]
    bag: frozenset[tuple[str, int]]
    items: list[Any] = field(default_factory=list)

    @property
    def first(self) -> Any:
        return self.items[0]

    @property
    def count(self) -> int:
        return len(self.items)

    def is_alike(self, words: Sequence[str], bag: frozenset[tuple[str, int]]) -> bool:
        """Whether `words` are worded like this group's first sentence: difflib's ratio of
        GROUP_RATIO or more, after its two upper bounds (lengths, shared words), which are
        cheap and turn most sentences away."""
        total = len(words) + len(self.words)
        if not total or 2 * min(len(words), len(self.words)) < GROUP_RATIO * total:
            return False
        if 2 * len(bag & self.bag) < GROUP_RATIO * total:
            return False
        matcher = SequenceMatcher(None, self.words, words, autojunk=False)
        return matcher.ratio() >= GROUP_RATIO


def group_alike(items: Iterable[Any], *, text=lambda item: item.text) -> list[Group]:
    """Items in groups of near-identical text (equal once folded and stripped of punctuation,
    or a ratio of GROUP_RATIO or more), in the order of each group's first item."""
    groups: list[Group] = []
    by_key: dict[str, Group] = {}
    # Which groups' first sentences hold each word (with its occurrence number, as in `_bag`):
    # a sentence is compared only with the groups holding one of its rarest words (see
    # `_enough_shared`). A common phrase finds hundreds of groups, and comparing each sentence
    # with all of them was most of the search page's time.
    holding: dict[tuple[str, int], list[int]] = {}
    for item in items:
        # Folded once: the key and the words are both read from it.
        folded = agreed_fold(text(item))
        key = _group_key(folded)
        group = by_key.get(key)
        if group is None:
            words = _folded_words(folded)
            bag = _bag(words)
            rarest = sorted(bag, key=lambda word: len(holding.get(word, ())))
            rarest = rarest[: len(bag) - _enough_shared(len(bag)) + 1]
            candidates = sorted(set(chain.from_iterable(holding.get(word, ()) for word in rarest)))
            group = next(
                (groups[number] for number in candidates if groups[number].is_alike(words, bag)),
                None,
            )
            if group is None:
                group = Group(key=key, words=words, bag=bag)
                for word in bag:
                    holding.setdefault(word, []).append(len(groups))
                groups.append(group)
            by_key[key] = group
        group.items.append(item)
    return groups


# Word-level differences ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A run of words: kept ("same"), added ("ins") or dropped ("del")."""

    kind: str
    text: str


def word_changes(before: str, after: str) -> list[Change]:
    """What `after` adds to and drops from `before`, word by word (character by character in
    Japanese), compared folded so that case and width are not a change."""
    old, new = tokens(before), tokens(after)
    matcher = SequenceMatcher(
        None, [agreed_fold(t) for t in old], [agreed_fold(t) for t in new], autojunk=False
    )
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("same", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            changes.append(Change("del", "".join(old[i1:i2])))
        if j2 > j1:
            changes.append(Change("ins", "".join(new[j1:j2])))
    return changes


def closest(
    wordings: Sequence[str], candidates: Iterable[Any], *, text=lambda c: c.text
) -> Any | None:
    """The candidate worded most like any of `wordings` (the item's first wording and its
    last, say), if it is alike enough (RESTATES_RATIO) to be taken as restating it."""
    references = [_words(wording) for wording in dict.fromkeys(wordings)]
    best, best_ratio = None, RESTATES_RATIO
    for candidate in candidates:
        words = _words(text(candidate))
        for reference in references:
            matcher = SequenceMatcher(None, reference, words, autojunk=False)
            if matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio >= best_ratio and (best is None or ratio > best_ratio):
                best, best_ratio = candidate, ratio
    return best
