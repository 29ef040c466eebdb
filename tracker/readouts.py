"""Readout parser: the text of a meeting readout in, a draft meeting with commitments out.

Staff paste what a ministry web page or PDF says about a meeting; this module turns it into a
draft that a form pre-fills and a person then checks.  It is plain Python on purpose (no Django,
no network, no models) so that it can be tested in isolation and run from a management command.

Everything here is a heuristic.  Whatever the parser could not read for sure is reported in
``MeetingDraft.confidence`` or ``ReadoutDraft.notes`` instead of being guessed silently, and
``parse_readout`` never raises: odd input yields a sparse draft with a note.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "COUNTRY_CODES",
    "DATE_PRECISIONS",
    "FORMATS",
    "KINDS",
    "STRENGTHS",
    "STRENGTH_PHRASES",
    "THEME_KEYWORDS",
    "CommitmentDraft",
    "MeetingDraft",
    "MentionDraft",
    "ParticipantDraft",
    "ReadoutDraft",
    "html_to_text",
    "parse_readout",
]

# --------------------------------------------------------------------------------------------
# Codes shared with the rest of the project
# --------------------------------------------------------------------------------------------

KINDS: tuple[str, ...] = (
    "summit",
    "foreign_ministers",
    "security_2plus2",
    "economic_2plus2",
    "dialogue",
    "trilateral",
    "telephone",
    "video",
    "working",
    "other",
)
FORMATS: tuple[str, ...] = ("in_person", "video", "telephone")
STRENGTHS: tuple[str, ...] = ("joint", "request", "acknowledgement", "none")
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "none")
# The order is also the display order of country lists: the two allies first.
COUNTRY_CODES: tuple[str, ...] = (
    "JP",
    "US",
    "KR",
    "AU",
    "IN",
    "GB",
    "G7",
    "CN",
    "TW",
    "KP",
    "RU",
    "UA",
)

# Keywords are matched case-insensitively on whole words, one sentence at a time.  Editing or
# extending this dict at run time takes effect on the next call (patterns are cached by content).
THEME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "security": (
        "security and defense",
        "security and defence",
        "defense cooperation",
        "defence cooperation",
        "security cooperation",
        "security environment",
        "deterrence",
        "response capabilities",
        "alliance",
        "self-defense forces",
        "missile defense",
        "command and control",
        "defense",
        "defence",
        "安全保障",
        "防衛",
    ),
    "extended_deterrence": ("extended deterrence", "nuclear umbrella", "拡大抑止"),
    "realignment": (
        "realignment",
        "okinawa",
        "futenma",
        "henoko",
        "guam",
        "host nation support",
        "u.s. forces in japan",
        "再編",
        "沖縄",
    ),
    "russia_ukraine": ("russia", "russian", "ukraine", "ukrainian", "kyiv", "ロシア", "ウクライナ"),
    "indo_pacific": (
        "indo-pacific",
        "free and open",
        "foip",
        "quad",
        "asean",
        "pacific islands",
        "like-minded countries",
        "インド太平洋",
    ),
    "china_taiwan": (
        "china",
        "chinese",
        "taiwan",
        "cross-strait",
        "east china sea",
        "south china sea",
        "senkaku",
        "中国",
        "台湾",
    ),
    "north_korea": (
        "north korea",
        "dprk",
        "denuclearization",
        "denuclearisation",
        "korean peninsula",
        "pyongyang",
        "北朝鮮",
        "非核化",
    ),
    "abductions": ("abduction", "abductions", "abductees", "拉致"),
    "economic_order": (
        "tpp",
        "cptpp",
        "ipef",
        "indo-pacific economic framework",
        "economic order",
        "economic security",
        "economic coercion",
        "supply chain",
        "supply chains",
        "trade",
        "semiconductors",
        "経済秩序",
        "経済安全保障",
    ),
    "consultation": (
        "2+2",
        "security consultative committee",
        "economic policy consultative committee",
        "consultative committee",
        "exchange views periodically",
        "exchange their views periodically",
        "periodically",
        "regular consultations",
        "follow-up",
        "follow up",
        "協議委員会",
    ),
}

# Phrases that decide how binding a sentence is.  Longer phrases win over shorter ones at the
# same place, and the strongest level found in a sentence wins (joint > request >
# acknowledgement > none).  "none" phrases mark sentences that are shown to staff unticked.
STRENGTH_PHRASES: dict[str, tuple[str, ...]] = {
    "joint": (
        "confirmed their commitment",
        "confirmed their intention",
        "confirmed their determination",
        "confirmed the importance",
        "confirmed that they will",
        "confirmed that they would",
        "confirmed to",
        "reconfirmed",
        "reaffirmed",
        "reaffirm",
        "reiterated their commitment",
        "concurred",
        "agreed",
        "resolved",
        "committed",
        "pledged",
        "decided",
        "vowed",
        "affirmed",
        "一致した",
        "一致しました",
        "確認した",
        "確認しました",
    ),
    "request": (
        "urged",
        "asked for",
        "asked",
        "requested",
        "called for",
        "called on",
        "called upon",
        "pressed",
        "sought",
        "求めた",
        "要請した",
        "要請しました",
    ),
    "acknowledgement": (
        "welcomed",
        "expressed support",
        "expressed his support",
        "expressed her support",
        "expressed their support",
        "expressing support",
        "expressed strong support",
        "shared the recognition",
        "shared the view",
        "shared serious concerns",
        "shared concerns",
        "shared concern",
        "confirmed",
        "reiterated",
        "encouraged",
        "appreciated",
        "expressed appreciation",
        "gained support",
        "歓迎した",
        "歓迎しました",
        "支持を表明",
    ),
    "none": (
        "exchanged views",
        "exchanged their views",
        "exchanged opinions",
        "exchange of views",
        "discussed",
        "condolences",
        "briefed",
        "explained",
        "意見交換",
        "弔意",
    ),
}

# Countries that are usually the object of a commitment, not a side bound by it.
_NON_PARTY = frozenset({"RU", "KP", "CN", "TW", "UA"})
_JAPAN_ZONE = "Asia/Tokyo"

# Input beyond these limits is still cleaned and returned, but not analysed further; they keep a
# megabyte of pasted text well under a second.
_MAX_ITEMS = 400
_MAX_ITEM_CHARS = 6000
_MAX_INTRO_CHARS = 3000
_MAX_MENTIONS = 200
_MAX_ANCHORS = 2000
_MAX_LINES = 4000

# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass
class MeetingDraft:
    title: str = ""
    kind: str = "other"
    date: date | None = None
    start_local: datetime | None = None
    start_japan: datetime | None = None
    utc_offset: str | None = None
    time_zone: str = ""
    duration_minutes: int | None = None
    place: str = ""
    format: str = "in_person"
    countries: list[str] = field(default_factory=list)
    confidence: dict[str, str] = field(default_factory=dict)


@dataclass
class ParticipantDraft:
    name: str
    family_name: str = ""
    given_name: str = ""
    title: str = ""
    country: str = ""
    honorific: str = ""


@dataclass
class CommitmentDraft:
    quote: str
    position: int
    item_index: int
    title: str
    strength: str = "none"
    themes: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    selected: bool = False
    verb: str = ""


@dataclass
class MentionDraft:
    text: str
    name: str
    kind: str = "other"
    date: date | None = None
    series: str = ""
    date_precision: str = "none"
    note: str = ""


@dataclass
class ReadoutDraft:
    meeting: MeetingDraft = field(default_factory=MeetingDraft)
    participants: list[ParticipantDraft] = field(default_factory=list)
    commitments: list[CommitmentDraft] = field(default_factory=list)
    mentions: list[MentionDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # The cleaned text that commitment positions refer to.
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; dates and datetimes become ISO 8601 strings."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------
# HTML to text
# --------------------------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "html",
        "legend",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "nav",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "iframe",
        "button",
        "select",
        "textarea",
        "figcaption",
        "object",
        "canvas",
    ]
)
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Containers whose class or id marks them as site furniture rather than the readout.
_SKIP_ATTR_TAGS = frozenset(["div", "ul", "ol", "section", "aside", "header", "footer", "table"])
_SKIP_ATTR_RE = re.compile(
    r"breadcrumb|topicpath|pankuzu|(?<![a-z])nav|menu|footer|sidebar|share|social|page-?top",
    re.I,
)
_HTML_HINT_RE = re.compile(
    r"<(?:!doctype|html|head|body|div|p|br|li|ul|ol|h[1-6]|span|a|table|tr|td|script|style|nav"
    r"|section|article|main|strong|em|b|i|img|meta)(?:\s[^<>]{0,2000})?/?>",
    re.I,
)
_WS_RE = re.compile(r"\s+")
_PARAGRAPH_END = "\n\x1d\n"


class _TextExtractor(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_tag = ""
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if tag in _VOID_TAGS:
            if tag in ("br", "hr"):
                self.parts.append("\n")
            return
        marks = " ".join(v for k, v in attrs if k in ("class", "id") and v)
        if tag in _SKIP_TAGS or (tag in _SKIP_ATTR_TAGS and marks and _SKIP_ATTR_RE.search(marks)):
            self._skip_tag, self._skip_depth = tag, 1
            return
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._skip_depth and tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        if tag == "p":
            # A blank line keeps paragraph-per-item readouts apart after cleaning.
            self.parts.append(_PARAGRAPH_END)
        elif tag in _BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(_WS_RE.sub(" ", data))


def html_to_text(html: str) -> str:
    """Reduce pasted HTML to text: blocks become lines, list items "- " lines.

    Scripts, styles, navigation and breadcrumb containers are dropped.
    """
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # a half-parsed page is still worth reading
        extractor.parts.append("\n")
    raw = "".join(extractor.parts)
    out: list[str] = []
    for line in raw.split("\n"):
        if line == _PARAGRAPH_END.strip("\n"):
            if out and out[-1]:
                out.append("")
            continue
        line = " ".join(line.split())
        if line:
            out.append(line)
    return "\n".join(out).strip("\n")


def _looks_like_html(text: str) -> bool:
    return _HTML_HINT_RE.search(text) is not None


# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u00a0": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u2028": "\n",
        "\u2029": "\n",
        "\x85": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\t": " ",
        "\u3000": " ",
    }
)
_SPACES_RE = re.compile(r"[ \u2000-\u200a\u202f\u205f]{2,}|[\u2000-\u200a\u202f\u205f]")
_INLINE_CLUTTER_RE = re.compile(
    r"\s*\(PDF[^()\n]{0,30}\)|\s*\[PDF[^\[\]\n]{0,30}\]"
    r"|\[\s*Provisional\s+[Tt]ranslation\s*\]|\(\s*Provisional\s+[Tt]ranslation\s*\)"
    r"|（仮訳）|\[仮訳\]",
)
_CLUTTER_LINE_RE = re.compile(
    r"(?:provisional\s+translation|japanese|english|日本語|page\s*top|top\s+of\s+(?:the\s+)?page"
    r"|print|share|tweet|pdf|related\s+links?|related\s+information|back|ページの先頭へ戻る"
    r"|open(?:s)?\s+(?:in\s+)?a\s+new\s+window)\.?"
    r"|(?:\[|\()?(?:photo|photograph|picture)s?(?:\]|\)|:).*"
    r"|写真.{0,80}"
    r"|back\s+to\s.*"
    r"|(?:home|top\s+page|top)\s*[>›»].*"
    r"|[^<>\n]{0,80}(?:\s[>›»]\s[^<>\n]{0,80}){2,}"
    r"|.*adobe\s+(?:acrobat\s+)?reader.*"
    r"|[A-Z][^.!?:\n]{0,80}\sRelations",
    re.I,
)
_TERMINAL_PUNCT = (".", "!", "?", ":", ";", "。", "」", ")", '"', "”", "’")


def _is_clutter(line: str) -> bool:
    if len(line) > 200:
        return False
    if _CLUTTER_LINE_RE.fullmatch(line) is None:
        return False
    # The "X Relations" breadcrumb rule must not eat a sentence that happens to end that way.
    return not (line.endswith("Relations") and line.count(" ") > 8)


def _clean_text(raw: str) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_CHAR_MAP)
    kept: list[str] = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if "PDF" in line or "ranslation" in line or "仮訳" in line:
            line = _INLINE_CLUTTER_RE.sub("", line).strip()
        if line and _is_clutter(line):
            continue
        if line and kept and kept[-1] and _continues(kept[-1], line):
            kept[-1] = f"{kept[-1]} {line}"
            continue
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def _continues(previous: str, line: str) -> bool:
    """True when ``line`` is the rest of a hard-wrapped sentence (PDF copies wrap lines)."""
    if previous[-1] != "," and (
        not line[0].islower() or len(previous) < 40 or previous.endswith(_TERMINAL_PUNCT)
    ):
        return False
    return _MARKER_RE.match(line) is None


# --------------------------------------------------------------------------------------------
# Small lexical helpers
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8}
_MONTH_ABBR.update({"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})


def _month_alternation() -> str:
    full = sorted(_MONTHS, key=len, reverse=True)
    short = sorted(_MONTH_ABBR, key=len, reverse=True)
    full_forms = "|".join(form for n in full for form in (n.capitalize(), n.upper()))
    short_forms = "|".join(form for n in short for form in (n.capitalize(), n.upper()))
    # Only abbreviations take a period ("Sept."), so "in May." keeps its full stop.
    return rf"(?:(?:{full_forms})(?![a-z])|(?:{short_forms})(?![a-z])\.?)"


# Month names are case-sensitive so that "may" the verb is never a month.
_M = _month_alternation()
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"


def _month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    return _MONTHS.get(key) or _MONTH_ABBR.get(key, 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


_FULL_DATE_RES = (
    re.compile(
        rf"(?<![\w])(?P<mon>{_M})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)"
    ),
    re.compile(
        rf"(?<![\w])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_M}),?\s+(?P<year>\d{{4}})(?!\d)"
    ),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
)
_ON_DATE_RE = re.compile(
    rf"(?<![\w])[Oo]n\s+{_WEEKDAY}(?:(?P<mon>{_M})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_M}))(?:,?\s+(?P<year>\d{{4}}))?(?![\d])"
)
_JA_MONTH_DAY_RE = re.compile(r"(?<!\d)(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
_TODAY_RE = re.compile(r"(?<![A-Za-z])(?:today|this morning|this afternoon|this evening)", re.I)


def _full_date(text: str) -> tuple[date | None, int, int]:
    """The first complete date in ``text`` with its span."""
    best: tuple[date | None, int, int] = (None, -1, -1)
    for pattern in _FULL_DATE_RES:
        m = pattern.search(text)
        if m is None or (best[1] != -1 and m.start() >= best[1]):
            continue
        groups = m.groupdict()
        month = _month_number(groups["mon"]) if groups.get("mon") else int(groups["month"])
        found = _safe_date(int(groups["year"]), month, int(groups["day"]))
        if found is not None:
            best = (found, m.start(), m.end())
    return best


def _nearest_year(month: int, day: int, anchor: date) -> date | None:
    options = [_safe_date(anchor.year + k, month, day) for k in (0, -1, 1)]
    valid = [d for d in options if d is not None]
    return min(valid, key=lambda d: abs((d - anchor).days)) if valid else None


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------

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
_JA_COUNTRIES = (
    ("日米韓", ("JP", "US", "KR")),
    ("日米", ("JP", "US")),
    ("日韓", ("JP", "KR")),
    ("日本", ("JP",)),
    ("米国", ("US",)),
    ("アメリカ", ("US",)),
    ("北朝鮮", ("KP",)),
    ("韓国", ("KR",)),
    ("中国", ("CN",)),
    ("ロシア", ("RU",)),
    ("ウクライナ", ("UA",)),
)


def _countries_in(text: str) -> list[str]:
    found: list[str] = []
    for m in _COUNTRY_RE.finditer(text):
        code = m.lastgroup or ""
        if code and code not in found:
            found.append(code)
    if any("\u3040" <= ch <= "\u9fff" for ch in text[:500]):
        rest = text
        for word, codes in _JA_COUNTRIES:
            if word in rest:
                rest = rest.replace(word, " ")
                found.extend(c for c in codes if c not in found)
    return found


def _ordered(codes: list[str] | set[str]) -> list[str]:
    unique = list(dict.fromkeys(codes))
    known = [c for c in COUNTRY_CODES if c in unique]
    return known + [c for c in unique if c not in known]


# --------------------------------------------------------------------------------------------
# Kind and format
# --------------------------------------------------------------------------------------------

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


def _classify(name: str, *, strict_call: bool = False) -> str:
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
    if _VIDEO_RE.search(name):
        return "video"
    sides = [c for c in _countries_in(name) if c not in _NON_PARTY or c == "CN"]
    if "trilateral" in low or "日米韓" in name or len(sides) == 3:
        return "trilateral"
    if re.search(r"dialogue|consultations?(?![a-z])|協議", low):
        return "dialogue"
    if (
        "summit" in low
        or "leaders" in low
        or "首脳" in name
        or ("president" in low and "prime minister" in low)
    ):
        return "summit"
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


# --------------------------------------------------------------------------------------------
# Lexicon matching
# --------------------------------------------------------------------------------------------

_NEVER = re.compile(r"(?!x)x")
_pattern_cache: dict[tuple[str, ...], re.Pattern[str]] = {}


def _phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    key = tuple(phrases)
    pattern = _pattern_cache.get(key)
    if pattern is None:
        words = sorted({p.strip() for p in key if p.strip()}, key=len, reverse=True)
        body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in words)
        pattern = re.compile(rf"(?<![A-Za-z])(?:{body})(?![A-Za-z])", re.I) if body else _NEVER
        if len(_pattern_cache) > 256:
            _pattern_cache.clear()
        _pattern_cache[key] = pattern
    return pattern


_NEGATION_RE = re.compile(r"(?:\bnot|\bnever|n[’']t)\s+$", re.I)


def _strength_of(sentence: str) -> tuple[str, str, int, int] | None:
    """Strongest phrase in ``sentence`` as (strength, phrase, start, end), or None."""
    best: tuple[str, str, int, int] | None = None
    for level in ("joint", "request", "acknowledgement", "none"):
        pattern = _phrase_pattern(STRENGTH_PHRASES.get(level, ()))
        for m in pattern.finditer(sentence):
            if _NEGATION_RE.search(sentence[max(0, m.start() - 12) : m.start()]):
                continue
            best = (level, m.group(), m.start(), m.end())
            break
        if best is not None:
            return best
    return best


def _any_phrase(text: str) -> re.Match[str] | None:
    found = [
        m
        for level in STRENGTH_PHRASES
        if (m := _phrase_pattern(STRENGTH_PHRASES[level]).search(text)) is not None
    ]
    return min(found, key=lambda m: m.start()) if found else None


def _themes_of(sentence: str) -> list[str]:
    return [
        theme
        for theme, words in THEME_KEYWORDS.items()
        if _phrase_pattern(words).search(sentence) is not None
    ]


# --------------------------------------------------------------------------------------------
# Sentences and items
# --------------------------------------------------------------------------------------------

_MARKER_RE = re.compile(
    r"(?:[-–—•・*●○▪■◆◇]\s+|[・•●]|[(（]\s*\d{1,2}\s*[)）]\s*|\d{1,2}[.)]\s+|[(（][a-zA-Z][)）]\s*"
    r"|[a-z]\)\s+|[ivx]{1,4}[.)]\s+)"
)
_INLINE_MARKER_RE = re.compile(r"(?:(?<=\s)|^)[(（](\d{1,2})[)）]\s*")
_END_RE = re.compile(r"[.!?]+[”\"’)\]]*(?=\s+\S)|[。！？]")
_PAREN_RE = re.compile(r"\([^()\n]{0,300}\)")
_NEVER_END = frozenset(
    [
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "h.e.",
        "st.",
        "no.",
        "nos.",
        "gen.",
        "lt.",
        "col.",
        "sen.",
        "rep.",
        "gov.",
        "amb.",
        "hon.",
        "e.g.",
        "i.e.",
        "vs.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "approx.",
        "adm.",
        "fig.",
    ]
)
_STARTERS = frozenset(
    [
        "The",
        "They",
        "He",
        "She",
        "It",
        "In",
        "At",
        "On",
        "Both",
        "This",
        "These",
        "Furthermore",
        "Moreover",
        "Additionally",
        "Also",
        "We",
        "Following",
        "Regarding",
        "As",
        "Then",
        "Each",
        "There",
        "Based",
        "Further",
        "Meanwhile",
        "Finally",
        "Lastly",
    ]
)
_ABBREV_TAIL_RE = re.compile(r"(?:^|[-(])(?:[A-Za-z]\.){2,}$")
_BOILERPLATE_RE = re.compile(r"as follows|overview of the|summary of the|概要は以下|概要は次", re.I)


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
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
    if low in (
        "u.s.",
        "u.k.",
        "a.m.",
        "p.m.",
        "d.c.",
        "jr.",
        "u.n.",
        "etc.",
    ) or _ABBREV_TAIL_RE.search(token):
        return nxt.strip('"“(') in _STARTERS
    first = nxt[:1]
    return bool(first) and not first.islower()


def _line_spans(text: str, limit: int) -> list[tuple[int, int]]:
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


def _strip_markers(text: str, start: int, end: int) -> tuple[int, bool]:
    marked = False
    for _ in range(3):
        m = _MARKER_RE.match(text, start, end)
        if m is None or m.end() == start:
            break
        start, marked = m.end(), True
    return start, marked


def _is_heading(piece: str) -> bool:
    return (
        len(piece) < 100
        and not piece.rstrip().endswith(_TERMINAL_PUNCT)
        and len(piece.split()) <= 12
        and _strength_of(piece) is None
    )


# --------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------

_NAME_TOKEN = r"[A-Z][\w’'\-]*\.?"
_NAME = rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_HONORIFIC_RE = re.compile(
    r"(?<![\w.])(?P<hon>Mr\.|Ms\.|Mrs\.|Dr\.|(?:H\.\s?E\.|(?:His|Her)\s+Excellency|[Tt]he\s+Honou?rable"
    r"|[Tt]he\s+Hon\.)(?:\s+(?:Dr|Mr|Ms|Mrs|Prof)\.)?)\s+"
    rf"(?P<name>{_NAME})(?P<jr>,?\s+Jr\.)?(?:\s*,\s*(?P<title>[^,;()\n]{{2,160}}))?"
)
_TITLES = (
    "Deputy Secretary of State",
    "Secretary of State",
    "Secretary of Defense",
    "Minister of State for Foreign Affairs",
    "Minister for Foreign Affairs",
    "Minister of Foreign Affairs",
    "Foreign Minister",
    "Defense Minister",
    "Minister of Defense",
    "Chief Cabinet Secretary",
    "National Security Advisor",
    "Prime Minister",
    "Vice President",
    "President",
    "Chancellor",
    "Ambassador",
    "Secretary",
    "Minister",
)
_ADJECTIVES = {
    "Japanese": "JP",
    "Japan’s": "JP",
    "U.S.": "US",
    "American": "US",
    "ROK": "KR",
    "South Korean": "KR",
    "Korean": "KR",
    "Australian": "AU",
    "Indian": "IN",
    "British": "GB",
    "U.K.": "GB",
    "UK": "GB",
    "Chinese": "CN",
    "Ukrainian": "UA",
}
_TITLE_FIRST_RE = re.compile(
    r"(?<![\w])(?:(?P<adj>"
    + "|".join(re.escape(a) for a in sorted(_ADJECTIVES, key=len, reverse=True))
    + r")\s+)?(?P<title>"
    + "|".join(re.escape(t) for t in _TITLES)
    + rf")\s+(?P<dr>Dr\.\s+)?(?P<name>{_NAME})(?P<jr>,?\s+Jr\.)?"
)
_NAME_STOP = frozenset(
    [
        "of",
        "the",
        "and",
        "with",
        "Meeting",
        "Call",
        "Talk",
        "Talks",
        "Telephone",
        "Video",
        "Summit",
        "Held",
        "Met",
        "Spoke",
        "Today",
        "On",
        "In",
        "At",
        "Japan",
        "Japanese",
        "United",
        "States",
        "Republic",
        "Readout",
        "Visit",
        "Foreign",
        "Minister",
        "Ministers",
        "Secretary",
        "President",
        "Prime",
        "Affairs",
        "State",
        "Defense",
        "The",
        "During",
        "This",
        "And",
        "With",
        "To",
        "For",
        "Conference",
    ]
)
# Family names of people who appear in these readouts often enough that a readout may give only
# the family name ("President Biden").  Anyone else gets the country from the text.
_KNOWN_PEOPLE = {
    "biden": "US",
    "blinken": "US",
    "austin": "US",
    "sullivan": "US",
    "harris": "US",
    "trump": "US",
    "rubio": "US",
    "hegseth": "US",
    "vance": "US",
    "emanuel": "US",
    "campbell": "US",
    "yellen": "US",
    "raimondo": "US",
    "kishida": "JP",
    "hayashi": "JP",
    "kamikawa": "JP",
    "motegi": "JP",
    "ishiba": "JP",
    "iwaya": "JP",
    "suga": "JP",
    "abe": "JP",
    "hamada": "JP",
    "kihara": "JP",
    "nakatani": "JP",
    "takaichi": "JP",
    "yoon": "KR",
    "park": "KR",
    "cho": "KR",
    "zelenskyy": "UA",
    "albanese": "AU",
    "wong": "AU",
    "jaishankar": "IN",
    "modi": "IN",
}
_FAMILY_FIRST = frozenset({"JP", "KR", "KP", "CN", "TW"})
_ROLE_COUNTRY = {
    "Secretary of State": "US",
    "Deputy Secretary of State": "US",
    "Secretary of Defense": "US",
    "Vice President": "US",
    "Chief Cabinet Secretary": "JP",
}
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
    if title.endswith(".") and not _ABBREV_TAIL_RE.search(title):
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
            country = _KNOWN_PEOPLE.get(token.lower().strip(".,"), "")
            if country:
                break
    proper = [t for t in tokens if not re.fullmatch(r"[A-Z]\.", t)]
    caps = [t for t in proper if len(t) > 1 and t.isupper()]
    if caps and not country:
        country = "JP"
    if caps:
        family = caps[0]
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


def _participants(sources: list[str], full_text: str) -> list[ParticipantDraft]:
    hints = {m.group(1).lower() for m in _HINT_RE.finditer(full_text[:20000])}
    found: list[ParticipantDraft] = []
    for source in sources:
        taken: list[tuple[int, int]] = []
        for m in _HONORIFIC_RE.finditer(source):
            tokens = _name_tokens(m.group("name"))
            title = _clean_title(m.group("title") or "")
            countries = _countries_in(title)
            person = _make_participant(
                tokens, title, countries[0] if countries else "", _honorific(m.group("hon")), hints
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
            title = m.group("title")
            country = _ADJECTIVES.get(m.group("adj") or "", "")
            after = re.match(
                r",?\s+of\s+(?:the\s+)?([A-Z][\w.’' ]{1,40})", source[m.end() : m.end() + 60]
            )
            if not country and after:
                codes = _countries_in(after.group(1))
                country = codes[0] if codes else ""
            country = country or _ROLE_COUNTRY.get(title, "")
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
        for attr in ("title", "country", "honorific"):
            if not getattr(known, attr) and getattr(person, attr):
                setattr(known, attr, getattr(person, attr))
    return list(merged.values())


# --------------------------------------------------------------------------------------------
# Place, time, duration
# --------------------------------------------------------------------------------------------

_PLACE_ZONES = (
    ("washington", "America/New_York"),
    ("d.c.", "America/New_York"),
    ("white house", "America/New_York"),
    ("new york", "America/New_York"),
    ("san francisco", "America/Los_Angeles"),
    ("los angeles", "America/Los_Angeles"),
    ("honolulu", "Pacific/Honolulu"),
    ("hawaii", "Pacific/Honolulu"),
    ("london", "Europe/London"),
    ("phnom penh", "Asia/Phnom_Penh"),
    ("jakarta", "Asia/Jakarta"),
    ("munich", "Europe/Berlin"),
    ("münster", "Europe/Berlin"),
    ("munster", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("capri", "Europe/Rome"),
    ("rome", "Europe/Rome"),
    ("paris", "Europe/Paris"),
    ("brussels", "Europe/Brussels"),
    ("seoul", "Asia/Seoul"),
    ("busan", "Asia/Seoul"),
    ("beijing", "Asia/Shanghai"),
    ("bangkok", "Asia/Bangkok"),
    ("singapore", "Asia/Singapore"),
    ("manila", "Asia/Manila"),
    ("new delhi", "Asia/Kolkata"),
    ("canberra", "Australia/Sydney"),
    ("sydney", "Australia/Sydney"),
    ("vientiane", "Asia/Vientiane"),
    ("kuala lumpur", "Asia/Kuala_Lumpur"),
    ("kyiv", "Europe/Kyiv"),
    ("tokyo", _JAPAN_ZONE),
    ("hiroshima", _JAPAN_ZONE),
    ("karuizawa", _JAPAN_ZONE),
    ("osaka", _JAPAN_ZONE),
    ("kyoto", _JAPAN_ZONE),
    ("okinawa", _JAPAN_ZONE),
    ("iikura", _JAPAN_ZONE),
    ("kantei", _JAPAN_ZONE),
    ("japan", _JAPAN_ZONE),
)
# Offsets (in minutes) to zones tried in order when the place gives no zone.
_DEFAULT_ZONES: dict[int, tuple[str, ...]] = {
    -240: ("America/New_York",),
    -300: ("America/New_York", "America/Chicago"),
    -360: ("America/Chicago", "America/Denver"),
    -420: ("America/Los_Angeles", "America/Denver"),
    -480: ("America/Los_Angeles",),
    -600: ("Pacific/Honolulu",),
    0: ("Europe/London",),
    60: ("Europe/Berlin", "Europe/London"),
    120: ("Europe/Berlin", "Europe/Kyiv"),
    180: ("Europe/Kyiv", "Europe/Moscow"),
    330: ("Asia/Kolkata",),
    420: ("Asia/Bangkok",),
    480: ("Asia/Singapore",),
    540: (_JAPAN_ZONE,),
    600: ("Australia/Sydney",),
    660: ("Australia/Sydney",),
}
_ABBREVIATIONS = {
    "EST": ("America/New_York", -300),
    "EDT": ("America/New_York", -240),
    "ET": ("America/New_York", None),
    "CST": ("America/Chicago", -360),
    "CDT": ("America/Chicago", -300),
    "MST": ("America/Denver", -420),
    "MDT": ("America/Denver", -360),
    "PST": ("America/Los_Angeles", -480),
    "PDT": ("America/Los_Angeles", -420),
    "PT": ("America/Los_Angeles", None),
    "GMT": ("Europe/London", 0),
    "BST": ("Europe/London", 60),
    "UTC": ("UTC", 0),
    "CET": ("Europe/Berlin", 60),
    "CEST": ("Europe/Berlin", 120),
    "KST": ("Asia/Seoul", 540),
    "ICT": ("Asia/Bangkok", 420),
    "WIB": ("Asia/Jakarta", 420),
    "SGT": ("Asia/Singapore", 480),
    "AEST": ("Australia/Sydney", 600),
    "AEDT": ("Australia/Sydney", 660),
}
_PLACE_RE = re.compile(
    r"(?<![A-Za-z])(?P<prep>visiting|in|at|to)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w’'.\-]*(?:,?\s+(?:[A-Z][\w’'.\-]*|upon|am|de|of)){0,5})"
)
_PLACE_REJECT = frozenset(
    [
        "Japan time",
        "Local time",
        "Tokyo time",
        "The",
        "This",
        "That",
        "Response",
        "Addition",
        "Particular",
        "Order",
    ]
)
_VENUE_WORDS = re.compile(
    r"Ministry|Guest House|Palace|White House|Department|Office|Kantei|Hotel|Hall|Embassy|Residence"
)
_TIME_RE = re.compile(
    r"(?<![\d:.])(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![A-Za-z])"
    r"|(?<![\d:.])(?P<h24>\d{1,2}):(?P<m24>\d{2})(?![\d:])"
    r"|(?<![A-Za-z])(?P<word>noon|midnight)(?![A-Za-z])"
)
_JAPAN_LABEL_RE = re.compile(
    r"Japan(?:ese)?\s+(?:standard\s+)?time|\bJST\b|Tokyo\s+time|日本時間", re.I
)
_LOCAL_LABEL_RE = re.compile(r"local\s+time|現地時間", re.I)
_ABBR_LABEL_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_ABBREVIATIONS) + r")(?![A-Za-z])")
_SEGMENT_DATE_RE = re.compile(
    rf"^[\s(,;]{{0,3}}(?:on\s+)?(?P<mon>{_M})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"
)
_RANGE_GAP_RE = re.compile(r"\s*(?:to|until|till|through|-|–|—)\s*")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
}
_NUM = r"\d{1,3}(?:\.\d{1,2})?|half\s+an?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_DURATION_RE = re.compile(
    rf"(?<![\w.])(?P<n>{_NUM})\s*-?\s*(?P<unit>hours?|hrs?|minutes?|mins?)(?![A-Za-z])"
    r"(?P<half>\s+and\s+a\s+half)?"
    rf"(?:,?\s*(?:and\s+)?(?P<n2>{_NUM})\s*-?\s*(?P<unit2>minutes?|mins?)(?![A-Za-z]))?",
    re.I,
)
_DURATION_CONTEXT_RE = re.compile(
    r"(?:lasted|lasting|took|for|last)\s+(?:(?:approximately|about|around|some|nearly|roughly|over"
    r"|just\s+over|more\s+than|almost)\s+)?$",
    re.I,
)


def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except Exception:  # a missing tz database must not break parsing
        return None


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _zone_offset(zone_name: str, local: datetime) -> int | None:
    zone = _zone(zone_name)
    if zone is None:
        return None
    offset = local.replace(tzinfo=zone).utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _place_zone(place: str) -> str:
    low = place.lower()
    for key, zone in _PLACE_ZONES:
        if key in low:
            return zone
    return ""


def _find_place(sentences: list[str]) -> str:
    for index, text in enumerate(sentences):
        best = ""
        for m in _PLACE_RE.finditer(text):
            place = m.group("place")
            place = re.split(r",\s+(?![A-Z]\.)|\s+(?=of\s+[a-z])", place, maxsplit=1)[0]
            if m.group("prep") != "visiting" and (
                _month_number(place.split()[0]) or place in _PLACE_REJECT
            ):
                continue
            tail = text[m.start("place") + len(place) : m.start("place") + len(place) + 8]
            if re.match(r",\s+D\.C\.", tail):
                place += ", D.C."
            if place.endswith(".") and not _ABBREV_TAIL_RE.search(place.split()[-1]):
                place = place[:-1]
            place = place.rstrip(",; ")
            if place.split()[0] in _PLACE_REJECT or place in _PLACE_REJECT:
                continue
            if m.group("prep") == "visiting":
                return place
            if m.group("prep") == "at" and not (_place_zone(place) or _VENUE_WORDS.search(place)):
                continue
            if m.group("prep") == "in" and not (_place_zone(place) or len(place.split()) <= 3):
                continue
            # Past the first sentence, "in X" is as likely a topic as a venue.
            if (m.group("prep") == "to" or index > 0) and not _place_zone(place):
                continue
            best = best or place
        if best:
            return best
    return ""


@dataclass
class _TimeHit:
    start: int
    end: int
    clock: time
    label: str = ""  # "japan", "local", "zone" or ""
    abbreviation: str = ""
    month: int = 0
    day: int = 0
    is_end: bool = False


def _time_hits(intro: str) -> list[_TimeHit]:
    hits: list[_TimeHit] = []
    for m in _TIME_RE.finditer(intro):
        if m.group("word"):
            clock = time(12, 0) if m.group("word").lower() == "noon" else time(0, 0)
        else:
            hour = int(m.group("h") or m.group("h24"))
            minute = int(m.group("m") or m.group("m24") or 0)
            if m.group("ampm"):
                if hour > 12:
                    continue
                hour = hour % 12 + (12 if m.group("ampm").lower().startswith("p") else 0)
            if hour > 23 or minute > 59:
                continue
            clock = time(hour, minute)
        hits.append(_TimeHit(m.start(), m.end(), clock))
    for i, hit in enumerate(hits):
        limit = hits[i + 1].start if i + 1 < len(hits) else len(intro)
        segment = intro[hit.end : min(limit, hit.end + 45)]
        segment = segment.split(")", 1)[0]
        if _JAPAN_LABEL_RE.search(segment):
            hit.label = "japan"
        elif _LOCAL_LABEL_RE.search(segment):
            hit.label = "local"
        else:
            abbr = _ABBR_LABEL_RE.search(segment[:12])
            if abbr:
                hit.label, hit.abbreviation = "zone", abbr.group(1)
        when = _SEGMENT_DATE_RE.match(segment)
        if when:
            hit.month, hit.day = _month_number(when.group("mon")), int(when.group("day"))
        if i + 1 < len(hits) and _RANGE_GAP_RE.fullmatch(intro[hit.end : hits[i + 1].start]):
            hits[i + 1].is_end = True
    # A range's closing label ("10:05 to 10:40 (local time)") also labels its start.
    for i in range(len(hits) - 1):
        if hits[i + 1].is_end and not hits[i].label and hits[i + 1].label:
            hits[i].label, hits[i].abbreviation = hits[i + 1].label, hits[i + 1].abbreviation
    return hits


@dataclass
class _Clock:
    start_local: datetime | None = None
    start_japan: datetime | None = None
    utc_offset: str | None = None
    time_zone: str = ""
    range_minutes: int | None = None


def _guess_zone(
    offset: int,
    local: datetime,
    place: str,
    place_zone: str,
    label_zone: str,
    notes: dict[str, str],
) -> str:
    text = _offset_text(offset)
    if label_zone and _zone_offset(label_zone, local) == offset:
        notes["time_zone"] = (
            f"Zone taken from the time label; UTC{text} fits {label_zone} on that date"
        )
        return label_zone
    if place_zone and _zone_offset(place_zone, local) == offset:
        if place_zone != _JAPAN_ZONE:
            notes["time_zone"] = (
                f"Offset UTC{text} fits several zones; guessed {place_zone} from the place"
            )
        return place_zone
    for candidate in _DEFAULT_ZONES.get(offset, ()):
        if _zone_offset(candidate, local) == offset:
            why = f"; the place ({place}) does not fit that offset" if place_zone else ""
            notes["time_zone"] = f"Guessed {candidate} from the offset UTC{text} alone{why}"
            return candidate
    notes["time_zone"] = f"No zone found for UTC{text}"
    return ""


def _read_clock(intro: str, meeting_date: date | None, place: str, notes: dict[str, str]) -> _Clock:
    place_zone = _place_zone(place) if place else ""
    in_japan = not place or place_zone == _JAPAN_ZONE
    hits = _time_hits(intro)
    starts = [h for h in hits if not h.is_end]
    clock = _Clock()
    if not hits:
        notes["start_local"] = "No start time in the text"
        if in_japan:
            clock.time_zone = _JAPAN_ZONE
            if not place:
                notes["time_zone"] = "No place or zone given; assumed Japan"
        else:
            clock.time_zone = place_zone
            if not place_zone:
                notes["time_zone"] = f"No zone known for the place ({place})"
        return clock
    if meeting_date is None:
        notes["start_local"] = "A time is given but no date to attach it to"
        clock.time_zone = place_zone or (_JAPAN_ZONE if in_japan else "")
        return clock
    japan = next((h for h in starts if h.label == "japan"), None)
    local = next((h for h in starts if h.label in ("local", "zone")), None)
    bare = next((h for h in starts if not h.label), None)
    if local is None and japan is not None and bare is not None:
        local = bare
    tokyo = _zone(_JAPAN_ZONE)
    offset: int | None = None
    local_naive: datetime | None = None
    label_zone, nominal = "", None
    if local is not None and local.abbreviation:
        label_zone, nominal = _ABBREVIATIONS[local.abbreviation]
    if local is not None:
        local_naive = datetime.combine(meeting_date, local.clock)
    if local is not None and japan is not None and local_naive is not None:
        if japan.month:
            japan_date = _nearest_year(japan.month, japan.day, meeting_date)
            candidates = [japan_date] if japan_date else []
        else:
            candidates = [
                meeting_date,
                meeting_date + timedelta(days=1),
                meeting_date - timedelta(days=1),
            ]
            notes["start_japan"] = "Japan date not stated; inferred from the two times"
        for japan_date in candidates:
            japan_naive = datetime.combine(japan_date, japan.clock)
            minutes = int((local_naive - japan_naive).total_seconds() // 60) + 540
            if -720 <= minutes <= 840 and minutes % 15 == 0:
                offset = minutes
                break
        if offset is None:
            notes["utc_offset"] = "The local and Japan times do not give a plausible UTC offset"
        elif nominal is not None and nominal != offset:
            notes["utc_offset"] = (
                f"The label {local.abbreviation} means UTC{_offset_text(nominal)}, but the local "
                f"and Japan times give UTC{_offset_text(offset)}; the times were trusted"
            )
    elif local is not None and local_naive is not None:
        zone_name = label_zone or (place_zone if local.label == "local" else "")
        if zone_name:
            offset = _zone_offset(zone_name, local_naive)
            if nominal is not None and offset is not None and nominal != offset:
                notes["utc_offset"] = (
                    f"The label {local.abbreviation} means UTC{_offset_text(nominal)}, but "
                    f"{zone_name} is at UTC{_offset_text(offset)} on that date; "
                    "used the real offset"
                )
            label_zone = label_zone or zone_name
        else:
            notes["start_local"] = "Local time given, but the place's time zone is unknown"
    elif (hit := japan or bare) is not None:
        day = _nearest_year(hit.month, hit.day, meeting_date) if hit.month else meeting_date
        day = day or meeting_date
        if japan is None and not in_japan and place_zone:
            local_naive = datetime.combine(day, hit.clock)
            offset = _zone_offset(place_zone, local_naive)
            notes["start_local"] = f"No zone given; the time was read as local time in {place}"
        else:
            start_japan = datetime.combine(day, hit.clock, tzinfo=tokyo)
            clock.start_japan = start_japan
            if in_japan or not place_zone:
                clock.start_local = start_japan.astimezone(timezone(timedelta(hours=9)))
                clock.utc_offset, clock.time_zone = "+09:00", _JAPAN_ZONE
                if japan is None:
                    notes["time_zone"] = "No time zone given; assumed Japan time"
                elif not in_japan:
                    notes["time_zone"] = "Only Japan time is given; the local zone is unknown"
                    clock.time_zone = ""
                    clock.start_local = None
            else:
                zone = _zone(place_zone)
                if zone is not None:
                    converted = start_japan.astimezone(zone)
                    fixed = converted.utcoffset() or timedelta(0)
                    clock.start_local = converted.astimezone(timezone(fixed))
                    clock.utc_offset = _offset_text(int(fixed.total_seconds() // 60))
                    clock.time_zone = place_zone
                    notes["start_local"] = f"Converted from Japan time using the place ({place})"
            clock.range_minutes = _range_minutes(hits, hit)
            return clock
    if offset is None or local_naive is None or local is None:
        clock.time_zone = place_zone or (_JAPAN_ZONE if in_japan else "")
        return clock
    fixed = timezone(timedelta(minutes=offset))
    clock.start_local = local_naive.replace(tzinfo=fixed)
    clock.start_japan = clock.start_local.astimezone(tokyo) if tokyo else None
    clock.utc_offset = _offset_text(offset)
    clock.time_zone = _guess_zone(offset, local_naive, place, place_zone, label_zone, notes)
    clock.range_minutes = _range_minutes(hits, local)
    return clock


def _range_minutes(hits: list[_TimeHit], start: _TimeHit) -> int | None:
    index = hits.index(start)
    if index + 1 < len(hits) and hits[index + 1].is_end:
        a = start.clock.hour * 60 + start.clock.minute
        b = hits[index + 1].clock.hour * 60 + hits[index + 1].clock.minute
        return (b - a) % (24 * 60) or None
    return None


def _duration_value(number: str) -> float:
    key = " ".join(number.lower().split())
    if key.startswith("half"):
        return 0.5
    if key in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[key])
    try:
        return float(key)
    except ValueError:
        return 0.0


def _duration(intro: str, whole: str) -> int | None:
    candidates = list(_DURATION_RE.finditer(intro))
    if not candidates:
        candidates = [
            m
            for m in _DURATION_RE.finditer(whole[:20000])
            if _DURATION_CONTEXT_RE.search(whole[max(0, m.start() - 40) : m.start()])
        ]
    for m in candidates:
        value = _duration_value(m.group("n"))
        minutes = value * 60 if m.group("unit").lower().startswith("h") else value
        if m.group("half"):
            minutes += 30
        if m.group("n2"):
            minutes += _duration_value(m.group("n2"))
        if 0 < minutes <= 24 * 60:
            return round(minutes)
    return None


# --------------------------------------------------------------------------------------------
# Commitments
# --------------------------------------------------------------------------------------------

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
_OBJECT_VERBS = frozenset(
    {"urged", "called on", "called upon", "asked", "requested", "encouraged", "pressed"}
)
_TRAILING_WORDS = frozenset(
    ["and", "or", "to", "of", "the", "a", "an", "in", "on", "for", "with", "by", "at", "as"]
)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _trim_end(text: str) -> str:
    text = text.rstrip(" ,;:")
    if text.endswith(".") and not _ABBREV_TAIL_RE.search(text.split()[-1] if text.split() else ""):
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
        nxt = _any_phrase(rest)
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


def _parties(sentence: str, sides: list[str]) -> list[str]:
    found = [c for c in _countries_in(sentence) if c not in _NON_PARTY]
    if not sides:
        return _ordered(found)
    return _ordered([*sides, *found])


@dataclass
class _Item:
    start: int
    end: int
    inherited: tuple[str, str] | None = None
    intro: bool = False


def _split_inline(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
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


def _draft_commitments(
    text: str, items: list[_Item], sides: list[str], notes: list[str]
) -> list[CommitmentDraft]:
    drafts: list[CommitmentDraft] = []
    for index, item in enumerate(items):
        spans = _sentences(text, item.start, min(item.end, item.start + _MAX_ITEM_CHARS))
        if item.end - item.start > _MAX_ITEM_CHARS:
            notes.append(f"Item {index + 1} is very long; only its start was read")
        readings = []
        for s, e in spans:
            sentence = text[s:e]
            if _BOILERPLATE_RE.search(sentence[:200]):
                continue
            found = _strength_of(sentence)
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
                    themes=_themes_of(sentence),
                    parties=_parties(sentence, sides),
                    selected=strength != "none",
                    verb=found[1] if found else "",
                )
            )
    return drafts


# --------------------------------------------------------------------------------------------
# Mentions of other meetings
# --------------------------------------------------------------------------------------------

_ANCHOR_RE = re.compile(
    r"(?<![A-Za-z])(?:Summit\s+Meeting|Summit|Meetings?|Dialogue|Consultative\s+Committee|"
    r"Committee|Consultations?|Conference|Talks?|Ministerial)(?![A-Za-z])|[\"“]2\+2[\"”]|2\+2"
)
_TOKEN_RE = re.compile(r"\S+")
_MENTION_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "At",
        "In",
        "On",
        "This",
        "That",
        "These",
        "Both",
        "During",
        "After",
        "Following",
        "Regarding",
        "Based",
        "As",
        "With",
        "For",
        "To",
        "From",
        "And",
        "Of",
        "Recent",
        "recent",
        "the",
    ]
)
_MENTION_DATE_RE = re.compile(
    rf"\s*(?:\(\s*)?(?:(?:held|convened)\s+)?(?:on\s+{_WEEKDAY}(?:(?P<mon>{_M})\s+(?P<day>\d{{1,2}})"
    rf"(?:st|nd|rd|th)?|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_M}))(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|in\s+(?P<mmon>{_M})(?:\s+(?P<myear>\d{{4}}))?)(?![\w])"
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
    return not (token[-1] in ",;:)(" or (token.endswith(".") and not _ABBREV_TAIL_RE.search(token)))


def _mention_date(
    m: re.Match[str], meeting_date: date | None, future: bool
) -> tuple[date | None, str, str]:
    groups = m.groupdict()
    month_name = groups.get("mon") or groups.get("mon2") or groups.get("mmon") or ""
    month = _month_number(month_name)
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
        found = _safe_date(y, month, day)
        return (found, "day", "") if found else (None, "none", "Impossible date")
    found = _safe_date(y, month, 1)
    return found, "month", "Only the month is known; the date is set to the 1st"


def _normalise_name(name: str) -> str:
    name = " ".join(name.replace("“", "").replace("”", "").replace('"', "").split())
    return re.sub(r"^(?:the|The|recent|Recent)\s+", "", name)


def _mentions(
    text: str, meeting_date: date | None, title: str, skip_until: int
) -> list[MentionDraft]:
    found: dict[tuple[str, date | None], tuple[int, MentionDraft]] = {}
    own = _normalise_name(title).lower()
    taken: list[tuple[int, int]] = []
    for m in _VISIT_RE.finditer(text, skip_until):
        name_end = m.end("dest")
        dest = m.group("dest")
        if dest.endswith(".") and not _ABBREV_TAIL_RE.search(dest):
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
        taken.append((m.start(), end))
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
        if any(s <= first < e for s, e in taken):
            continue
        name = _normalise_name(text[first : m.end()])
        lead_date = re.match(rf"({_M})\s+(\d{{1,2}}),?\s+", name)
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
        kind = kinds.get(name) or kinds.setdefault(name, _classify(name, strict_call=True))
        series = name if kind in _SERIES_KINDS else ""
        if series in ("2+2", "Dialogue", "Consultations"):
            series = ""
        mention = MentionDraft(text[first:end], name, kind, day, series, precision, note)
        found.setdefault((name.lower(), day), (first, mention))
        taken.append((first, end))
    return [mention for _, mention in sorted(found.values(), key=lambda pair: pair[0])]


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------

_KEYWORD_TITLE_RE = re.compile(
    r"meeting|talk|summit|call|conference|dialogue|consultation|committee|readout|visit|2\+2"
    r"|会談|会議|協議",
    re.I,
)
_INTRO_HINT_RE = re.compile(
    r"(?<![A-Za-z])(?:held|met|spoke|hosted|had|commencing|took\s+place|convened)(?![A-Za-z])"
    r"|会談を行|会談し",
    re.I,
)


def _is_sentence_line(line: str) -> bool:
    if _MARKER_RE.match(line):
        return True
    if len(line) >= 80:
        return True
    words = len(line.split())
    if line.endswith((".", "。", "!", "?")) and (words >= 6 or len(line) >= 30):
        return True
    return bool(re.match(r"(?:On|Today|Earlier today)\s", line) and words >= 5)


def _is_date_line(line: str) -> bool:
    found, s, e = _full_date(line)
    return found is not None and len(line) - (e - s) <= 14


def _looks_japanese(text: str) -> bool:
    sample = text[:4000]
    letters = sum(1 for ch in sample if ch.isalpha())
    cjk = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    return letters > 0 and cjk / letters > 0.3


def parse_readout(text: str, *, today: date | None = None) -> ReadoutDraft:
    """Read a readout (plain text or pasted HTML) into a draft; never raises on str input."""
    if not isinstance(text, str):
        return ReadoutDraft(notes=["No text to read"])
    try:
        return _parse(text, today)
    except Exception as exc:  # callers rely on a draft for any input
        cleaned = ""
        try:
            cleaned = _clean_text(text)
        except Exception:
            cleaned = ""
        return ReadoutDraft(
            notes=[f"The text could not be read ({type(exc).__name__}); please fill in the form"],
            text=cleaned,
        )


def _parse(raw: str, today: date | None) -> ReadoutDraft:
    notes: list[str] = []
    if _looks_like_html(raw):
        raw = html_to_text(raw)
        notes.append("The text was pasted as HTML and reduced to plain text")
    text = _clean_text(raw)
    meeting = MeetingDraft()
    conf = meeting.confidence
    if not text.strip():
        notes.append("No text to read")
        conf["title"] = "No text"
        return ReadoutDraft(meeting=meeting, notes=notes, text=text)
    japanese = _looks_japanese(text)
    if japanese:
        notes.append("The text looks Japanese; only dates and a few keywords were read")

    # Header: the short lines above the first sentence (title, dateline).
    lines = _line_spans(text, _MAX_LINES + 20)
    header: list[tuple[int, int]] = []
    body_from = len(lines)
    for i, (s, e) in enumerate(lines):
        if i >= 8 or _is_sentence_line(text[s:e]):
            body_from = i
            break
        header.append((s, e))
    header_texts = [text[s:e] for s, e in header]
    title = next(
        (h for h in header_texts if not _is_date_line(h) and _KEYWORD_TITLE_RE.search(h)), ""
    ) or next((h for h in header_texts if not _is_date_line(h)), "")
    meeting.title = title
    if not title:
        conf["title"] = "No title line found"
    dateline = None
    for h in header_texts:
        dateline = _full_date(h)[0]
        if dateline:
            break

    # Intro: the sentence that says who met whom, where and when.
    intro_span: tuple[int, int] | None = None
    body_lines = lines[body_from:]
    if body_lines:
        s, e = body_lines[0]
        content_start, marked = _strip_markers(text, s, e)
        if not marked or _INTRO_HINT_RE.search(text[content_start : min(e, content_start + 600)]):
            intro_span = (content_start, e)
            body_lines = body_lines[1:]
    intro = text[intro_span[0] : intro_span[0] + _MAX_INTRO_CHARS] if intro_span else ""
    intro_sentences = (
        _sentences(text, intro_span[0], min(intro_span[1], intro_span[0] + _MAX_INTRO_CHARS))
        if intro_span
        else []
    )
    first_sentence = text[intro_sentences[0][0] : intro_sentences[0][1]] if intro_sentences else ""
    context = intro or text[:_MAX_INTRO_CHARS]

    # Date.
    meeting_date: date | None = None
    on = _ON_DATE_RE.search(context)
    if on:
        month = _month_number(on.group("mon") or on.group("mon2"))
        day = int(on.group("day") or on.group("day2"))
        if on.group("year"):
            meeting_date = _safe_date(int(on.group("year")), month, day)
        elif dateline:
            meeting_date = _nearest_year(month, day, dateline)
        elif today:
            meeting_date = _nearest_year(month, day, today)
            conf["date"] = "No year in the text; took the year from today's date"
        else:
            conf["date"] = "The text gives a day but no year"
    if meeting_date is None and dateline:
        meeting_date = dateline
        if not on and not intro:
            conf.setdefault("date", "Taken from the dateline (the publication date)")
    if meeting_date is None:
        found = _full_date(context)[0] or _full_date(text[:4000])[0]
        if found:
            meeting_date = found
            conf["date"] = "Took the first date in the text"
    if meeting_date is None and japanese:
        md = _JA_MONTH_DAY_RE.search(context)
        if md and today:
            meeting_date = _nearest_year(int(md.group("month")), int(md.group("day")), today)
            conf["date"] = "No year in the text; took the year from today's date"
    if meeting_date is None and _TODAY_RE.search(context):
        if today is not None:
            meeting_date = today
            conf["date"] = "The text says only 'today'; used the date the readout was parsed"
        else:
            conf["date"] = "The text says only 'today' and no date was supplied"
    if meeting_date is None:
        conf.setdefault("date", "No date found")
    meeting.date = meeting_date

    # Kind, format, place, participants, countries.
    kind = _classify(title) if title else "other"
    if kind == "other" and first_sentence:
        kind = _classify(first_sentence, strict_call=True)
        if kind != "other":
            conf["kind"] = "Read from the first sentence, not the title"
    if kind == "other":
        conf["kind"] = "Could not tell the kind of meeting"
    meeting.kind = kind
    format_source = f"{title}\n{first_sentence}"
    if kind == "telephone" or _BODY_TELEPHONE_RE.search(format_source):
        meeting.format = "telephone"
    elif kind == "video" or _VIDEO_RE.search(format_source):
        meeting.format = "video"
    sentences_for_place = [first_sentence, intro] if first_sentence else [context[:600]]
    meeting.place = _find_place(sentences_for_place)
    if not meeting.place and meeting.format == "in_person":
        conf["place"] = "No place found"
    participants = _participants([title, first_sentence or context[:600]], text)
    if not participants:
        notes.append("No participants found")
    countries = _countries_in(title) if title else []
    countries += [p.country for p in participants if p.country]
    if not countries:
        countries = [c for c in _countries_in(first_sentence) if c not in _NON_PARTY]
        if countries:
            conf["countries"] = "Read from the first sentence"
        else:
            conf["countries"] = "No countries found"
    meeting.countries = _ordered(countries)

    # Time and duration.
    clock = _read_clock(intro or context, meeting_date, meeting.place, conf)
    meeting.start_local, meeting.start_japan = clock.start_local, clock.start_japan
    meeting.utc_offset, meeting.time_zone = clock.utc_offset, clock.time_zone
    meeting.duration_minutes = _duration(intro or context[:600], text)
    if meeting.duration_minutes is None and clock.range_minutes:
        meeting.duration_minutes = clock.range_minutes
        conf["duration_minutes"] = "Computed from the start and end times"
    if meeting.duration_minutes is None:
        conf["duration_minutes"] = "No duration in the text"

    # Body items.
    items: list[_Item] = []
    if intro_span and len(intro_sentences) > 1:
        rest_start = intro_sentences[1][0]
        rest = text[rest_start : intro_span[1]]
        if any(_strength_of(text[s:e]) for s, e in intro_sentences[1:]):
            items.append(_Item(rest_start, rest_start + len(rest), intro=True))
    inherited: tuple[str, str] | None = None
    for number, (s, e) in enumerate(body_lines):
        if len(items) >= _MAX_ITEMS or number >= _MAX_LINES:
            notes.append(
                f"The body is very long; only its first {len(items)} items "
                f"({number} lines) were read"
            )
            break
        start, marked = _strip_markers(text, s, e)
        if not marked:
            inherited = None
        piece = text[start:e]
        if not piece.strip() or _is_heading(piece):
            continue
        for part_start, part_end, preamble in _split_inline(text, start, e):
            part = text[part_start:part_end].strip()
            if not part:
                continue
            if part.endswith(":") or (preamble and part.rstrip().endswith(":")):
                found = _strength_of(part)
                inherited = (found[0], found[1]) if found else None
                continue
            items.append(
                _Item(part_start, part_end, inherited=inherited if marked or not preamble else None)
            )
    sides = [c for c in meeting.countries if c not in _NON_PARTY] or meeting.countries
    commitments = _draft_commitments(text, items, sides, notes)
    if not commitments and not japanese:
        notes.append("No agreed actions found in the text")

    skip_until = header[-1][1] if header else 0
    mentions = _mentions(text, meeting_date, title, skip_until)
    return ReadoutDraft(
        meeting=meeting,
        participants=participants,
        commitments=commitments,
        mentions=mentions,
        notes=notes,
        text=text,
    )
