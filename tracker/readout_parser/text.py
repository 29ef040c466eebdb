"""Pasted HTML or text reduced to clean lines: site furniture dropped, wrapped lines joined."""

from __future__ import annotations

import html.parser
import re

from .sentences import MARKER_RE, TERMINAL_PUNCT

_BLOCK_TAGS = frozenset(
    """
    address article aside blockquote body caption dd details dialog div dl dt fieldset figure
    footer form h1 h2 h3 h4 h5 h6 header html legend main ol p pre section summary table tbody
    tfoot thead tr ul
    """.split()  # noqa: SIM905 - a tag list reads better as prose than as 40 quoted strings
)
_SKIP_TAGS = frozenset(
    """
    script style nav noscript template head title svg iframe button select textarea figcaption
    object canvas
    """.split()  # noqa: SIM905
)
_VOID_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()  # noqa: SIM905
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


def looks_like_html(text: str) -> bool:
    return _HTML_HINT_RE.search(text) is not None


def looks_japanese(text: str) -> bool:
    sample = text[:4000]
    letters = sum(1 for ch in sample if ch.isalpha())
    cjk = sum(1 for ch in sample if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    return letters > 0 and cjk / letters > 0.3


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
    r"|写真.{0,80}|.{0,120}[(（]写真提供.{0,40}"
    r"|photo\s+session\b.{0,120}"
    r"|back\s+to\s.*"
    r"|(?:home|top\s+page|top)\s*[>›»].*"
    r"|[^<>\n]{0,80}(?:\s[>›»]\s[^<>\n]{0,80}){2,}"
    r"|.*adobe\s+(?:acrobat\s+)?reader.*"
    r"|[A-Z][^.!?:\n]{0,80}\sRelations",
    re.I,
)


_PHOTO_TITLE_RE = re.compile(
    r"\((?:Photo|photo|PHOTO)\)\s+(.{0,100}(?:Meeting|Talk|Talks|Summit|Dialogue|Call))"
)


def _is_clutter(line: str) -> bool:
    if len(line) > 200:
        return False
    if _CLUTTER_LINE_RE.fullmatch(line) is None:
        return False
    # The "X Relations" breadcrumb rule must not eat a sentence that happens to end that way.
    return not (line.endswith("Relations") and line.count(" ") > 8)


def clean_text(raw: str) -> str:
    """One line per paragraph or list item, without page clutter; positions refer to this."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    # str.translate with a mapping is slow on non-ASCII text (a Japanese megabyte took half a
    # second); a replace per character present is not.
    for char, replacement in _CHAR_MAP.items():
        if chr(char) in text:
            text = text.replace(chr(char), replacement or "")
    kept: list[str] = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if "PDF" in line or "ranslation" in line or "仮訳" in line:
            line = _INLINE_CLUTTER_RE.sub("", line).strip()
        caption = _PHOTO_TITLE_RE.fullmatch(line)
        if caption:
            # MOFA's photo caption "(Photo) Japan-U.S. Foreign Ministers’ Meeting" is often the
            # only place the page's title survives a copy.
            line = caption.group(1)
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
        not line[0].islower() or len(previous) < 40 or previous.endswith(TERMINAL_PUNCT)
    ):
        return False
    return MARKER_RE.match(line) is None
