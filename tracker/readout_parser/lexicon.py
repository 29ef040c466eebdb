"""The word lists matched against text: strength phrases, theme keywords, country names."""

from __future__ import annotations

import re

from . import words

_NEVER = re.compile(r"(?!x)x")
_pattern_cache: dict[tuple[str, ...], re.Pattern[str]] = {}


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """Any of the phrases as whole words, any case, longest first; cached by the phrases, so an
    edited word list takes effect on the next call."""
    key = tuple(phrases)
    pattern = _pattern_cache.get(key)
    if pattern is None:
        found = sorted({p.strip() for p in key if p.strip()}, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in found)
        pattern = re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.I) if body else _NEVER
        if len(_pattern_cache) > 256:
            _pattern_cache.clear()
        _pattern_cache[key] = pattern
    return pattern


_NEGATION_RE = re.compile(r"(?:\bnot|\bnever|n[’']t)\s+$", re.I)
# "discussed … their shared concerns": after a possessive the phrase is a noun, not what they did.
_POSSESSIVE_RE = re.compile(r"(?<![A-Za-z])(?:their|its|our|his|her)\s+$", re.I)


def strength_of(sentence: str) -> tuple[str, str, int, int] | None:
    """Strongest phrase in ``sentence`` as (strength, phrase, start, end), or None."""
    best: tuple[str, str, int, int] | None = None
    for level in ("joint", "request", "acknowledgement", "none"):
        pattern = phrase_pattern(words.STRENGTH_PHRASES.get(level, ()))
        for m in pattern.finditer(sentence):
            before = sentence[max(0, m.start() - 12) : m.start()]
            if _NEGATION_RE.search(before) or (level != "none" and _POSSESSIVE_RE.search(before)):
                continue
            best = (level, m.group(), m.start(), m.end())
            break
        if best is not None:
            return best
    return best


def any_phrase(text: str) -> re.Match[str] | None:
    """The first strength phrase of any level in ``text``."""
    phrases = words.STRENGTH_PHRASES
    found = [
        m for level in phrases if (m := phrase_pattern(phrases[level]).search(text)) is not None
    ]
    return min(found, key=lambda m: m.start()) if found else None


def themes_of(sentence: str) -> list[str]:
    return [
        theme
        for theme, keywords in words.THEME_KEYWORDS.items()
        if phrase_pattern(keywords).search(sentence) is not None
    ]


_COUNTRY_RE = re.compile(
    r"(?<![A-Za-z])(?:"
    r"(?P<KP>North\s+Korean?|DPRK|Democratic\s+People[’']s\s+Republic\s+of\s+Korea)"
    r"|(?P<CN>People[’']s\s+Republic\s+of\s+China|PRC|China|Chinese)"
    r"|(?P<KR>Republic\s+of\s+Korea|ROK|South\s+Korean?|Korean?(?!\s+Peninsula))"
    r"|(?P<US>United\s+States(?:\s+of\s+America)?|U\.S\.A\.|U\.S\.|USA|US|Americans?)"
    r"|(?P<JP>Japan(?:ese)?)"
    r"|(?P<GB>United\s+Kingdom|U\.K\.|UK|Britain|British)"
    r"|(?P<G7>G7|G-7|Group\s+of\s+Seven)"
    r"|(?P<UA>Ukrain(?:e|ian))"
    r"|(?P<RU>Russian?)"
    r"|(?P<AU>Australian?)"
    r"|(?P<IN>India(?:n(?!\s+Ocean))?)"
    r"|(?P<TW>Taiwan(?:ese)?)"
    r")(?![A-Za-z])"
)
NON_PARTY = frozenset(words.NON_PARTY_COUNTRIES)


def countries_in(text: str) -> list[str]:
    """Country codes named in ``text``, in the order they first appear."""
    found: list[str] = []
    for m in _COUNTRY_RE.finditer(text):
        code = m.lastgroup or ""
        if code and code not in found:
            found.append(code)
    if any("\u3040" <= ch <= "\u9fff" for ch in text[:500]):
        rest = text
        for word, codes in words.JAPANESE_COUNTRIES:
            if word in rest:
                rest = rest.replace(word, " ")
                found.extend(c for c in codes if c not in found)
    return found


def ordered(codes: list[str] | set[str]) -> list[str]:
    """Country codes without repeats, in the display order of COUNTRY_CODES."""
    unique = list(dict.fromkeys(codes))
    known = [c for c in words.COUNTRY_CODES if c in unique]
    return known + [c for c in unique if c not in known]
