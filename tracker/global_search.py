"""The search from every page: commitments, meetings and people matching a query, grouped by
kind, ranked (tracker.models.search_engine), each hit with its link, a highlighted title and, on
the results page, a highlighted excerpt.

Everyone with an account reads every commitment, meeting and person (tracker.permissions), so
the results are not narrowed further; the views refuse anyone without `view_workspace`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .models import (
    Commitment,
    CommitmentSearchDocument,
    Meeting,
    MeetingSearchDocument,
    Participation,
    Person,
    PersonSearchDocument,
)
from .models.querysets import MEETING_LONG_TEXTS
from .models.search_engine import SearchEngine, SearchKind, is_unspaced, search_words

KINDS = {
    "commitments": SearchKind(
        model=CommitmentSearchDocument,
        key="commitment_id",
        config="english",
        words_table="tracker_commitment_words_fts",
        trigram_table="tracker_commitment_search_fts",
    ),
    "meetings": SearchKind(
        model=MeetingSearchDocument,
        key="meeting_id",
        config="english",
        words_table="tracker_meeting_words_fts",
        trigram_table="tracker_meeting_search_fts",
    ),
    "people": SearchKind(
        model=PersonSearchDocument,
        key="person_id",
        config="simple",
        words_table="tracker_person_words_fts",
        trigram_table="tracker_person_search_fts",
    ),
}
HEADINGS = {
    "commitments": _("Commitments"),
    "meetings": _("Meetings"),
    "people": _("People"),
}
EXCERPT_RADIUS = 90
# What the dropdown shows of a commitment: no quote, no meeting texts.
COMMITMENT_SHOWN = (
    "title",
    "status",
    "is_archived",
    "origin_meeting__starts_at",
    "origin_meeting__time_zone",
)


@dataclass
class Hit:
    url: str
    title: SafeString
    meta: str = ""
    excerpt: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308


def _pattern(words: Sequence[str]) -> re.Pattern | None:
    """Where the words occur in a text as it was written: a word written with spaces from the
    start of a word (it was searched as a prefix), one in Japanese anywhere."""
    if not words:
        return None
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(escaped if is_unspaced((word,)) else rf"(?<![^\W_]){escaped}")
    return re.compile("|".join(parts), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    """`text`, escaped, with every match of `pattern` in <mark>."""
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (each piece escaped above)


def excerpt(texts: Sequence[str], pattern: re.Pattern | None) -> SafeString:
    """The part around the first match in the first of `texts` that has one, highlighted."""
    if pattern is None:
        return mark_safe("")  # noqa: S308
    for text in texts:
        match = pattern.search(text or "")
        if match is None:
            continue
        start = max(0, match.start() - EXCERPT_RADIUS)
        end = min(len(text), match.end() + EXCERPT_RADIUS)
        part = " ".join(text[start:end].split())
        shown = highlight(part, pattern)
        return mark_safe(("… " if start else "") + shown + (" …" if end < len(text) else ""))  # noqa: S308
    return mark_safe("")  # noqa: S308


class KindResults:
    """The ranked hits of one kind, sliceable and countable, so that a Paginator pages them:
    the first slice costs the ids of the page with the count, and the rows (people: and their
    last titles); the Paginator, which counts first, adds a count."""

    def __init__(self, kind: str, words: tuple[str, ...], *, excerpts: bool):
        self.kind = kind
        self.engine = SearchEngine(KINDS[kind], words)
        self.pattern = _pattern(words)
        self.excerpts = excerpts
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.engine.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Hit]:
        start = index.start or 0
        ids, total = self.engine.ids(offset=start, limit=index.stop - start)
        if total is not None:
            # Counted with the page: count() then asks nothing more.
            self._count = total
        return getattr(self, f"_{self.kind}")(ids) if ids else []

    def _commitments(self, ids: list[int]) -> list[Hit]:
        rows = Commitment.objects.select_related("origin_meeting")
        if self.excerpts:
            rows = rows.defer(*(f"origin_meeting__{name}" for name in MEETING_LONG_TEXTS))
        else:
            rows = rows.only(*COMMITMENT_SHOWN)
        found = rows.in_bulk(ids)
        hits = []
        for pk in ids:
            commitment = found.get(pk)
            if commitment is None:
                continue
            meta = [str(commitment.get_status_display())]
            if commitment.is_archived:
                meta.append(str(_("archived")))
            meta.append(f"{commitment.origin_meeting.local_date:%Y-%m-%d}")
            hits.append(
                Hit(
                    url=commitment.get_absolute_url(),
                    title=highlight(commitment.title, self.pattern),
                    meta=" · ".join(meta),
                    excerpt=excerpt((commitment.quote, commitment.next_step), self.pattern)
                    if self.excerpts
                    else mark_safe(""),  # noqa: S308
                )
            )
        return hits

    def _meetings(self, ids: list[int]) -> list[Hit]:
        long_texts = [name for name in MEETING_LONG_TEXTS if name != "readout_text"]
        if not self.excerpts:
            long_texts.append("readout_text")
        found = Meeting.objects.defer(*long_texts).in_bulk(ids)
        hits = []
        for pk in ids:
            meeting = found.get(pk)
            if meeting is None:
                continue
            meta = " · ".join(filter(None, (f"{meeting.local_date:%Y-%m-%d}", meeting.place)))
            hits.append(
                Hit(
                    url=meeting.get_absolute_url(),
                    title=highlight(meeting.title, self.pattern),
                    meta=meta,
                    excerpt=excerpt((meeting.readout_text,), self.pattern)
                    if self.excerpts
                    else mark_safe(""),  # noqa: S308
                )
            )
        return hits

    def _people(self, ids: list[int]) -> list[Hit]:
        found = Person.objects.select_related("country").in_bulk(ids)
        last_title: dict[int, str] = {}
        for person_id, title in (
            Participation.objects.filter(person_id__in=ids)
            .order_by("person_id", "-meeting__starts_at", "-pk")
            .values_list("person_id", "title")
        ):
            last_title.setdefault(person_id, title)
        hits = []
        for pk in ids:
            person = found.get(pk)
            if person is None:
                continue
            name = person.display_name()
            if person.name_ja and person.name_ja != name:
                name = f"{name} ({person.name_ja})"
            meta = " · ".join(filter(None, (last_title.get(pk, ""), person.country.display_name())))
            hits.append(
                Hit(
                    # A person's page is the meetings they were at: found by their name.
                    url=reverse("search")
                    + "?"
                    + urlencode({"q": person.full_name, "kind": "meetings"}),
                    title=highlight(name, self.pattern),
                    meta=meta,
                )
            )
        return hits


@dataclass
class Section:
    kind: str
    heading: str
    hits: list[Hit]
    more: bool = False
    count: int = 0
    url: str = ""


def suggestions(text: str, *, per_kind: int) -> list[Section]:
    """The first few hits of each kind, for the dropdown under the header's search box; no
    counts, one more asked for to know whether there are more."""
    words = search_words(text)
    sections = []
    for kind in KINDS:
        hits = KindResults(kind, words, excerpts=False)[0 : per_kind + 1] if words else []
        sections.append(Section(kind, HEADINGS[kind], hits[:per_kind], more=len(hits) > per_kind))
    return sections
