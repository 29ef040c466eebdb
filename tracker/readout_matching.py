"""What the database knows about a parsed readout: open commitments a paragraph restates, the
meetings it mentions, the people in it, an earlier import of the same readout, its series.

Read-only: the review screen (`tracker.readout_review`) and `services.readout_save` ask these.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Commitment, Meeting, MeetingKind, MeetingSeries, Person
from .readout_parser import STRENGTH_PHRASES, MentionDraft
from .readout_parser.words import MATCHING_STOP_WORDS

MAX_CANDIDATES = 2

# Reaffirmation matching (documented in docs/readouts.md, "Readout import"): a draft row is offered
# as a follow-up of an open commitment when their themes overlap and they share at least
# OFFER_MIN_SHARED significant words making up at least OFFER_MIN_SCORE of the smaller word set.
# A STRONG match is chosen by default, on the review screen and by `import_readout --save`.
OFFER_MIN_SHARED = 3
OFFER_MIN_SCORE = 0.4
STRONG_MIN_SHARED = 4
STRONG_MIN_SCORE = 0.6
TITLE_MATCH_MIN_SCORE = 0.6
_DAY = datetime.timedelta(days=1)
# A meeting outside these years is a typing error (2202 for 2022, a year 1 from a mangled date).
# The limits also keep every date computation (conversion to UTC, the matching windows below) far
# from the ends of the calendar, where Python raises OverflowError.
FIRST_YEAR = 1900
LAST_YEAR = 2199
_SERIES_KINDS = frozenset(
    {MeetingKind.SECURITY_2PLUS2, MeetingKind.ECONOMIC_2PLUS2, MeetingKind.DIALOGUE}
)

_WORD_RE = re.compile(r"[^\W_]+")
# Words every readout repeats, and the strength phrases' words: they say nothing about which
# commitment a sentence restates.
_STOPWORDS = frozenset(MATCHING_STOP_WORDS) | frozenset(
    word.casefold()
    for phrases in STRENGTH_PHRASES.values()
    for phrase in phrases
    for word in _WORD_RE.findall(phrase)
)


# Words ------------------------------------------------------------------------------------------


def significant_words(text: str) -> frozenset[str]:
    """Lower-case words of three letters or more, minus readout boilerplate, plural -s removed."""
    words = set()
    for word in _WORD_RE.findall(text.casefold()):
        if len(word) < 3 or word in _STOPWORDS or word.isdigit():
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def overlap(a: frozenset[str], b: frozenset[str]) -> tuple[int, float]:
    """(shared words, shared / size of the smaller set): a restatement is usually the shorter."""
    if not a or not b:
        return 0, 0.0
    shared = len(a & b)
    return shared, shared / min(len(a), len(b))


def normalise_text(text: str) -> str:
    """The form two copies of one readout share: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


# Dates -------------------------------------------------------------------------------------------


def validate_meeting_start(start: datetime.datetime) -> None:
    """Refuse a meeting start outside FIRST_YEAR–LAST_YEAR (a ValidationError saying so)."""
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a start between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="start_range",
        )


def matchable(day: datetime.date | None) -> datetime.date | None:
    """The date, if it may be compared with stored meetings; a date out of range matches none."""
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return day


# What the database knows about a draft -----------------------------------------------------------


@dataclass
class Candidate:
    """An open commitment that a draft row may restate."""

    commitment: Commitment
    shared: int
    score: float

    @property
    def is_strong(self) -> bool:
        return self.shared >= STRONG_MIN_SHARED and self.score >= STRONG_MIN_SCORE


@dataclass
class MentionMatch:
    mention: MentionDraft
    meeting: Meeting | None


def reaffirmation_candidates(
    quotes: Sequence[tuple[str, Iterable[str]]],
    before: datetime.date | None,
    *,
    allowed: Callable[[Commitment], bool] | None = None,
) -> list[list[Candidate]]:
    """For each (quote, theme codes), at most MAX_CANDIDATES open commitments it may restate.

    One query for all rows: open commitments sharing a theme with any row, from meetings not
    later than the new one (a follow-up cannot precede its origin). `allowed` leaves out the
    commitments the importer may not record follow-ups of, before the best are chosen.
    """
    codes = {code for _, themes in quotes for code in themes}
    if not codes:
        return [[] for _ in quotes]
    commitments = (
        Commitment.objects.open()
        .filter(themes__code__in=codes)
        .select_related("origin_meeting")
        .prefetch_related("themes")
        .distinct()
    )
    if before is not None:
        # A day of slack: the origin's local date may be a day behind its UTC start.
        limit = datetime.datetime.combine(before, datetime.time.min, datetime.UTC)
        commitments = commitments.filter(origin_meeting__starts_at__lt=limit + _DAY * 2)
    known = [
        (c, {t.code for t in c.themes.all()}, significant_words(f"{c.title} {c.quote}"))
        for c in commitments
        if before is None or c.origin_meeting.local_date <= before
    ]
    # Asked only of the matches (a few), not of every open commitment (thousands).
    permitted: dict[int, bool] = {}
    result = []
    for quote, themes in quotes:
        words, themes = significant_words(quote), set(themes)
        found = []
        for commitment, their_themes, their_words in known:
            if not themes & their_themes:
                continue
            shared, score = overlap(words, their_words)
            if shared < OFFER_MIN_SHARED or score < OFFER_MIN_SCORE:
                continue
            if allowed is not None:
                if commitment.pk not in permitted:
                    permitted[commitment.pk] = allowed(commitment)
                if not permitted[commitment.pk]:
                    continue
            found.append(Candidate(commitment, shared, score))
        found.sort(key=lambda c: (-c.score, -c.shared, c.commitment.pk))
        result.append(found[:MAX_CANDIDATES])
    return result


def _utc_window(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, ...]:
    # Wide enough for any time zone (UTC-12 … UTC+14); callers then compare local dates.
    start = datetime.datetime.combine(first, datetime.time.min, datetime.UTC) - _DAY
    end = datetime.datetime.combine(last, datetime.time.min, datetime.UTC) + _DAY * 2
    return start, end


def find_duplicate(*, text: str, local_date: datetime.date | None, title: str) -> Meeting | None:
    """An earlier import of this readout: the same text, or the same title on the same day.

    There is no hash column on Meeting (and this feature adds no migration), so the comparison is
    done on the normalised readout text of the few meetings that could be the same one: those on
    the same local date, and those whose stored text begins like this one.
    """
    wanted_text = normalise_text(text)
    wanted_title = normalise_text(title)
    query = Q()
    if local_date is not None:
        query |= Q(starts_at__range=_utc_window(local_date, local_date))
    prefix = text.strip()[:200]
    # No stored text holds a NUL (PostgreSQL refuses it, even in a query).
    if prefix and "\x00" not in prefix:
        query |= Q(readout_text__startswith=prefix)
    if not query:
        return None
    for meeting in Meeting.objects.filter(query).order_by("pk"):
        if wanted_text and normalise_text(meeting.readout_text) == wanted_text:
            return meeting
        if (
            local_date is not None
            and wanted_title
            and meeting.local_date == local_date
            and normalise_text(meeting.title) == wanted_title
        ):
            return meeting
    return None


def suggest_series(title: str, kind: str) -> MeetingSeries | None:
    """The series named in the title, else the only series of a standing mechanism's kind."""
    wanted = normalise_text(title)
    if not wanted:
        return None
    all_series = list(MeetingSeries.objects.all())
    named = [s for s in all_series if normalise_text(s.name) in wanted]
    if named:
        return max(named, key=lambda s: len(s.name))
    of_kind = [s for s in all_series if s.kind == kind]
    if kind in _SERIES_KINDS and len(of_kind) == 1:
        return of_kind[0]
    return None


def match_mentions(
    mentions: Sequence[MentionDraft], meeting_date: datetime.date | None
) -> list[MentionMatch]:
    """The meeting in the database each mention most likely names, for information only.

    Dated mentions: a meeting within a day of the date (within the month when only the month is
    known) of the same kind or series, or with a similar title. Undated mentions of a standing
    series: that series' latest meeting before this one.
    """
    matches = []
    for mention in mentions:
        matches.append(MentionMatch(mention, _match_mention(mention, meeting_date)))
    return matches


def _similar_title(a: str, b: str) -> bool:
    shared, score = overlap(significant_words(a), significant_words(b))
    return shared >= 1 and score >= TITLE_MATCH_MIN_SCORE


def _match_mention(mention: MentionDraft, meeting_date: datetime.date | None) -> Meeting | None:
    if mention.date is not None and matchable(mention.date) is None:
        return None
    if mention.date is not None:
        if mention.date_precision == "month":
            first = mention.date.replace(day=1)
            last = (first + datetime.timedelta(days=32)).replace(day=1) - _DAY
        else:
            first, last = mention.date - _DAY, mention.date + _DAY
        meetings = Meeting.objects.filter(starts_at__range=_utc_window(first, last)).select_related(
            "series"
        )
        best = None
        for meeting in meetings:
            if not first <= meeting.local_date <= last:
                continue
            same_series = (
                bool(mention.series)
                and meeting.series is not None
                and (normalise_text(meeting.series.name) == normalise_text(mention.series))
            )
            similar = _similar_title(mention.name, meeting.title)
            if not (same_series or similar or meeting.kind == mention.kind):
                continue
            rank = (same_series or similar, -abs((meeting.local_date - mention.date).days))
            if best is None or rank > best[0]:
                best = (rank, meeting)
        return best[1] if best else None
    if mention.series:
        meetings = Meeting.objects.filter(series__name__iexact=mention.series)
        if meeting_date is not None:
            meetings = meetings.filter(starts_at__lt=_utc_window(meeting_date, meeting_date)[1])
        return meetings.order_by("-starts_at").first()
    return None


def match_person(family_name: str, given_name: str, country_code: str = "") -> Person | None:
    """A known person with this family and given name (any case), preferring the same country."""
    if not family_name.strip() or "\x00" in family_name + given_name:
        return None
    people = list(
        Person.objects.filter(
            family_name__iexact=family_name.strip(), given_name__iexact=given_name.strip()
        ).select_related("country")
    )
    people.sort(key=lambda p: (p.country.code != country_code, p.pk))
    return people[0] if people else None
