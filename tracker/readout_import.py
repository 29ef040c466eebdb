"""The Django side of the readout import: a parsed draft matched to the database, then saved.

`tracker.readouts` turns text into a `ReadoutDraft` and knows nothing of the database. This module
adds what only the database can tell (known people, open commitments that a paragraph restates,
meetings that the readout mentions, an earlier import of the same readout) and saves a reviewed
draft. The review screen (`tracker.views.readouts`) and the `import_readout` command both use it,
so a readout is matched and saved the same way whichever door it came through.

`readout_save` lives here rather than in `services.py` because services.py is being edited by
others while this feature is built; it follows the same rules as a service (keyword-only, one
transaction, `full_clean()`), and every commitment and follow-up it writes goes through
`services.commitment_create` and `services.followup_record`, so each gets its journal entry.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import (
    JAPAN_TIME_ZONE,
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    Participation,
    Person,
    Strength,
    Theme,
)
from .readouts import STRENGTH_PHRASES, CommitmentDraft, MentionDraft, ReadoutDraft

# A review screen with thousands of rows helps nobody and would exceed Django's limit on the number
# of posted fields (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000); real readouts draft a few dozen at most.
MAX_ROWS = 60
MAX_PARTICIPANTS = 20
MAX_MENTIONS = 20
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

# Parser kinds that are not meeting kinds in the database: a video call is a format, not a kind.
_KIND_MAP = {"video": MeetingKind.OTHER}
# Family name first in the display form ("HAYASHI Yoshimasa"), as MOFA writes these names.
FAMILY_NAME_FIRST_COUNTRIES = frozenset({"JP", "KR", "KP", "CN", "TW"})
_SERIES_KINDS = frozenset(
    {MeetingKind.SECURITY_2PLUS2, MeetingKind.ECONOMIC_2PLUS2, MeetingKind.DIALOGUE}
)

_WORD_RE = re.compile(r"[^\W_]+")
# Words every readout repeats: they say nothing about which commitment a sentence restates.
_STOPWORDS = frozenset(
    """
    a about above across after again against all also among an and any are as at be been being
    both but by can continue continued could did do does during each either for from further had
    has have he her his how i if in including into is it its itself more most must no nor not of
    on once only or other our out over own same she should so some such than that the their them
    then there these they this those through to too toward towards under until up upon very was
    we were what when where which while who whom why will with would you
    two ministers minister leaders leader secretary president prime foreign sides side countries
    country japan japanese united states america american u.s us government governments meeting
    meetings close closely work working together between well important importance commitment
    commitments intention determination regarding view various levels level
    """.split()  # noqa: SIM905 - a word list reads better as prose than as 150 quoted strings
) | frozenset(
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


def _matchable(day: datetime.date | None) -> datetime.date | None:
    """The date, if it may be compared with stored meetings; a date out of range matches none."""
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return day


# Who may do what with a row ----------------------------------------------------------------------
# The rules come from tracker.permissions: a new commitment must be one its importer may then edit,
# and a follow-up may be recorded only on a commitment the importer may link follow-ups to. The
# review screen offers only these choices; `readout_save` checks them again, for every door.


def may_import(user: AbstractBaseUser) -> bool:
    return bool(getattr(user, "is_active", False)) and user.has_perm("tracker.import_readout")


def may_lead(user: AbstractBaseUser, division: Division | None) -> bool:
    """Whether the user may create a commitment led by this division (None: no division)."""
    return user.has_perm("tracker.edit_commitment", Commitment(lead_division=division))


def may_follow_up(user: AbstractBaseUser, commitment: Commitment) -> bool:
    return user.has_perm("tracker.link_followup", commitment)


def lead_divisions(user: AbstractBaseUser) -> list[Division]:
    """The divisions the user may make the lead of a new commitment, by name."""
    return [d for d in Division.objects.order_by("name", "pk") if may_lead(user, d)]


def lead_division_refusal(allowed: Iterable[Division]) -> str:
    """Why a row's lead division was refused, naming the `allowed` ones (`lead_divisions`)."""
    names = [d.name for d in allowed]
    if not names:
        return _(
            "You may create commitments only for your own divisions, and you belong to none. "
            "Untick this row, or ask an administrator to add you to your division."
        )
    return _(
        "You may create commitments only for your own divisions (%(divisions)s). Choose one of "
        "them, or untick this row."
    ) % {"divisions": ", ".join(names)}


FOLLOW_UP_REFUSAL = gettext_lazy(
    "You may record follow-ups only of commitments of your divisions or that you own. "
    "Record this row as a new commitment, or untick it."
)


# Files ------------------------------------------------------------------------------------------

READOUT_FILE_SUFFIXES = (".txt", ".html", ".htm")
MAX_FILE_BYTES = 2 * 1024 * 1024


def decode_readout_file(name: str, data: bytes) -> str:
    """The text of an uploaded or archived readout file, or a ValidationError saying what to do."""
    if not name.lower().endswith(READOUT_FILE_SUFFIXES):
        raise ValidationError(
            _("“%(name)s” is not a .txt, .html or .htm file; save the readout as one of these.")
            % {"name": name},
            code="file_type",
        )
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 2 MB; a readout is much shorter. Paste its text instead.")
            % {"name": name},
            code="file_size",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    # NUL never occurs in text, and PostgreSQL refuses to store it.
    if text is None or "\x00" in text:
        raise ValidationError(
            _(
                "“%(name)s” is not UTF-8 text. Save it as UTF-8 text (or copy and paste the "
                "readout) and try again."
            )
            % {"name": name},
            code="file_encoding",
        )
    return text


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
class ReviewRow:
    index: int
    draft: CommitmentDraft
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def default_follow_up(self) -> Commitment | None:
        if self.candidates and self.candidates[0].is_strong:
            return self.candidates[0].commitment
        return None


@dataclass
class MentionMatch:
    mention: MentionDraft
    meeting: Meeting | None


@dataclass
class Review:
    """A draft with what the database adds to it; the review form and the command start here."""

    draft: ReadoutDraft
    rows: list[ReviewRow]
    mentions: list[MentionMatch]
    duplicate: Meeting | None
    series: MeetingSeries | None
    rows_left_out: int = 0
    participants_left_out: int = 0


def build_review(draft: ReadoutDraft, *, user: AbstractBaseUser) -> Review:
    """The draft matched to the database; only follow-ups `user` may record are offered."""
    rows = [ReviewRow(i, c) for i, c in enumerate(draft.commitments[:MAX_ROWS])]
    meeting_date = _matchable(draft.meeting.date)
    _attach_candidates(rows, meeting_date, allowed=lambda c: may_follow_up(user, c))
    return Review(
        draft=draft,
        rows=rows,
        mentions=match_mentions(draft.mentions[:MAX_MENTIONS], meeting_date),
        duplicate=find_duplicate(
            text=draft.text, local_date=meeting_date, title=draft.meeting.title
        ),
        series=suggest_series(draft.meeting.title, meeting_kind(draft.meeting.kind)),
        rows_left_out=max(0, len(draft.commitments) - MAX_ROWS),
        participants_left_out=max(0, len(draft.participants) - MAX_PARTICIPANTS),
    )


def meeting_kind(parser_kind: str) -> str:
    kind = _KIND_MAP.get(parser_kind, parser_kind)
    return kind if kind in MeetingKind.values else MeetingKind.OTHER


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


def _attach_candidates(
    rows: list[ReviewRow],
    before: datetime.date | None,
    *,
    allowed: Callable[[Commitment], bool] | None = None,
) -> None:
    found = reaffirmation_candidates(
        [(r.draft.quote, r.draft.themes) for r in rows], before, allowed=allowed
    )
    for row, candidates in zip(rows, found, strict=True):
        row.candidates = candidates


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
    if mention.date is not None and _matchable(mention.date) is None:
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


def draft_start(draft: ReadoutDraft) -> tuple[datetime.datetime | None, str, bool]:
    """(local wall time, IANA zone, whether the time of day is known) for the meeting form."""
    meeting = draft.meeting
    zone = meeting.time_zone or JAPAN_TIME_ZONE
    if meeting.start_local is not None and meeting.time_zone:
        return meeting.start_local.replace(tzinfo=None), zone, True
    if meeting.start_japan is not None:
        # Without a zone for the place, Japan time is the one that is certain.
        zone = meeting.time_zone or JAPAN_TIME_ZONE
        try:
            local = meeting.start_japan.astimezone(zoneinfo.ZoneInfo(zone))
        except OverflowError:  # at the end of the calendar: the review refuses the year anyway
            local = meeting.start_japan
        return local.replace(tzinfo=None), zone, True
    if meeting.date is not None:
        return datetime.datetime.combine(meeting.date, datetime.time.min), zone, False
    return None, zone, False


def strength_of(draft: CommitmentDraft) -> str:
    # "none" rows are shown unticked; if an editor keeps one, it is at most an acknowledgement.
    return draft.strength if draft.strength in Strength.values else Strength.ACKNOWLEDGEMENT


def default_division(user: AbstractBaseUser) -> Division | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return user.divisions.order_by("name", "pk").first()


# Saving -------------------------------------------------------------------------------------------


@dataclass
class MeetingData:
    title: str
    kind: str
    starts_at: datetime.datetime
    time_zone: str
    readout_text: str
    start_time_known: bool = True
    series: MeetingSeries | None = None
    duration_minutes: int | None = None
    place: str = ""
    format: str = MeetingFormat.IN_PERSON
    source_url: str = ""


@dataclass
class ParticipantData:
    family_name: str
    given_name: str
    title: str
    country: Country


@dataclass
class RowData:
    """One kept row: a new commitment, or (with `follow_up_of`) a follow-up of an open one."""

    index: int
    title: str
    quote: str
    quote_position: int | None
    strength: str
    themes: Sequence[Theme] = ()
    parties: Sequence[Country] = ()
    lead_division: Division | None = None
    follow_up_of: Commitment | None = None
    outcome: str = "reaffirmed"


@dataclass
class ImportResult:
    meeting: Meeting
    commitments: list[Commitment]
    follow_ups: list[FollowUp]


class DuplicateReadoutError(ValidationError):
    """This readout was imported before; nothing was saved."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        super().__init__(
            _(
                "This readout was already imported as “%(meeting)s”. Nothing was saved: open "
                "that meeting instead, or change the readout if this is a different meeting."
            )
            % {"meeting": meeting},
            code="duplicate",
        )


class ImportRowError(ValidationError):
    """A participant or row was refused while saving; the whole import was rolled back."""

    def __init__(self, *, section: str, index: int, error: ValidationError):
        self.section = section
        self.index = index
        self.error = error
        super().__init__(error.messages, code="row")


def _serialise_imports(local_date: datetime.date) -> None:
    # Two editors saving the same readout at once would both pass the duplicate check. On
    # PostgreSQL a transaction-scoped advisory lock per meeting date makes the second wait for the
    # first; SQLite's IMMEDIATE transactions already let one writer in at a time.
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"readout-import:{local_date.isoformat()}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def readout_save(
    *,
    user: AbstractBaseUser,
    meeting: MeetingData,
    participants: Sequence[ParticipantData],
    rows: Sequence[RowData],
) -> ImportResult:
    """Create the meeting, its participants and the kept rows, all or nothing.

    Refuses a readout imported before (`DuplicateReadoutError`); a participant or row that fails
    validation, or that the user may not save (see `may_lead`, `may_follow_up`), raises
    `ImportRowError` naming it, and the transaction leaves nothing behind.
    """
    if not may_import(user):
        raise ValidationError(
            _("“%(user)s” may not import readouts: that needs the Editor or Manager role.")
            % {"user": user},
            code="permission",
        )
    try:
        validate_meeting_start(meeting.starts_at)
    except ValidationError as error:
        raise ValidationError({"starts_at": error.error_list}) from None
    _check_row_permissions(user, rows)
    local_date = meeting.starts_at.astimezone(zoneinfo.ZoneInfo(meeting.time_zone)).date()
    _serialise_imports(local_date)
    existing = find_duplicate(text=meeting.readout_text, local_date=local_date, title=meeting.title)
    if existing is not None:
        raise DuplicateReadoutError(existing)

    new_meeting = Meeting(
        title=meeting.title,
        kind=meeting.kind,
        series=meeting.series,
        starts_at=meeting.starts_at,
        time_zone=meeting.time_zone,
        start_time_known=meeting.start_time_known,
        duration_minutes=meeting.duration_minutes,
        place=meeting.place,
        format=meeting.format,
        readout_text=meeting.readout_text,
        source_url=meeting.source_url,
    )
    new_meeting.full_clean()
    new_meeting._history_user = user  # read by django-simple-history outside a request
    new_meeting.save()

    for order, participant in enumerate(participants):
        try:
            _add_participant(new_meeting, participant, order)
        except ValidationError as error:
            raise ImportRowError(section="participants", index=order, error=error) from error

    commitments: list[Commitment] = []
    follow_ups: list[FollowUp] = []
    for row in rows:
        try:
            if row.follow_up_of is not None:
                follow_ups.append(
                    services.followup_record(
                        commitment=row.follow_up_of,
                        meeting=new_meeting,
                        user=user,
                        outcome=row.outcome,
                        quote=row.quote,
                    )
                )
            else:
                commitments.append(
                    services.commitment_create(
                        user=user,
                        origin_meeting=new_meeting,
                        title=row.title,
                        quote=row.quote,
                        quote_position=row.quote_position,
                        themes=row.themes,
                        parties=row.parties,
                        strength=row.strength,
                        lead_division=row.lead_division,
                    )
                )
        except ValidationError as error:
            raise ImportRowError(section="rows", index=row.index, error=error) from error
    return ImportResult(new_meeting, commitments, follow_ups)


def _check_row_permissions(user: AbstractBaseUser, rows: Sequence[RowData]) -> None:
    for row in rows:
        if row.follow_up_of is not None:
            if not may_follow_up(user, row.follow_up_of):
                error = ValidationError({"follow_up_of": FOLLOW_UP_REFUSAL}, code="permission")
                raise ImportRowError(section="rows", index=row.index, error=error)
        elif not may_lead(user, row.lead_division):
            error = ValidationError(
                {"lead_division": lead_division_refusal(lead_divisions(user))}, code="permission"
            )
            raise ImportRowError(section="rows", index=row.index, error=error)


def _add_participant(meeting: Meeting, data: ParticipantData, order: int) -> Participation:
    person = match_person(data.family_name, data.given_name, data.country.code)
    if person is None:
        family_name = data.family_name.strip()
        if family_name.isupper() and len(family_name) > 1:
            # MOFA capitalises the family name; the display form adds the capitals back.
            family_name = family_name.capitalize()
        person = Person(
            family_name=family_name,
            given_name=data.given_name.strip(),
            country=data.country,
            family_name_first=data.country.code in FAMILY_NAME_FIRST_COUNTRIES,
        )
        person.full_clean()
        person.save()
    participation = Participation(
        meeting=meeting, person=person, title=data.title.strip(), side=data.country, order=order
    )
    participation.full_clean()
    participation.save()
    return participation


# The import_readout command's choices -----------------------------------------------------------


@dataclass
class Plan:
    meeting: MeetingData | None
    participants: list[ParticipantData]
    rows: list[RowData]
    warnings: list[str]


def default_plan(review: Review, *, division: Division | None, source_url: str = "") -> Plan:
    """What the review screen proposes, taken as is: the `import_readout --save` choices."""
    draft = review.draft
    warnings: list[str] = []
    start, zone, known = draft_start(draft)
    meeting = None
    if start is None:
        warnings.append(_("No meeting date found in the readout; it cannot be saved unreviewed."))
    else:
        meeting = MeetingData(
            title=draft.meeting.title[:300] or _("Untitled meeting"),
            kind=meeting_kind(draft.meeting.kind),
            series=review.series,
            starts_at=start.replace(tzinfo=zoneinfo.ZoneInfo(zone)),
            time_zone=zone,
            start_time_known=known,
            duration_minutes=draft.meeting.duration_minutes or None,
            place=draft.meeting.place[:200],
            format=draft.meeting.format
            if draft.meeting.format in MeetingFormat.values
            else MeetingFormat.IN_PERSON,
            readout_text=draft.text,
            source_url=source_url,
        )
    countries = {c.code: c for c in Country.objects.all()}
    themes = {t.code: t for t in Theme.objects.all()}
    participants = []
    for p in draft.participants[:MAX_PARTICIPANTS]:
        if p.country not in countries:
            warnings.append(
                _("Participant “%(name)s” left out: country “%(code)s” is not in the database.")
                % {"name": p.name, "code": p.country or "?"}
            )
            continue
        participants.append(
            ParticipantData(p.family_name, p.given_name, p.title, countries[p.country])
        )
    rows = []
    for row in review.rows:
        if not row.draft.selected:
            continue
        rows.append(
            RowData(
                index=row.index,
                title=(row.draft.title or row.draft.quote)[:200],
                quote=row.draft.quote,
                quote_position=row.draft.position,
                strength=strength_of(row.draft),
                themes=[themes[c] for c in row.draft.themes if c in themes],
                parties=[countries[c] for c in row.draft.parties if c in countries],
                lead_division=division,
                follow_up_of=row.default_follow_up,
            )
        )
    return Plan(meeting, participants, rows, warnings)


# The parser's notes, in the reader's language ----------------------------------------------------
# `tracker.readouts` has no Django in it and writes its notes in English, some with values in them
# ("No zone found for UTC+5:45"). The review screen shows each through gettext: the note's wording
# is matched here and its values carried into the translated message. A note without a match (a
# new one in the parser) is shown as written rather than dropped.

_V = r"(?P<{}>.+?)"  # a value inside a note


def _note(pattern: str, message) -> tuple[re.Pattern[str], object]:
    names = re.findall(r"\{(\w+)\}", pattern)
    regex = re.escape(pattern)
    for name in names:
        regex = regex.replace(re.escape("{" + name + "}"), _V.format(name))
    return re.compile(f"^{regex}$"), message


_NOTES = [
    _note("No text to read", gettext_lazy("No text to read")),
    _note("No text", gettext_lazy("No text")),
    _note(
        "The text was pasted as HTML and reduced to plain text",
        gettext_lazy("The text was pasted as HTML and reduced to plain text"),
    ),
    _note(
        "The text looks Japanese; only dates and a few keywords were read",
        gettext_lazy("The text looks Japanese; only dates and a few keywords were read"),
    ),
    _note(
        "The text could not be read ({error}); please fill in the form",
        gettext_lazy("The text could not be read (%(error)s); please fill in the form"),
    ),
    _note("No participants found", gettext_lazy("No participants found")),
    _note(
        "No agreed actions found in the text", gettext_lazy("No agreed actions found in the text")
    ),
    _note(
        "Item {item} is very long; only its start was read",
        gettext_lazy("Item %(item)s is very long; only its start was read"),
    ),
    _note(
        "The body is very long; only its first {items} items ({lines} lines) were read",
        gettext_lazy(
            "The body is very long; only its first %(items)s items (%(lines)s lines) were read"
        ),
    ),
    _note("No title line found", gettext_lazy("No title line found")),
    _note(
        "No year in the text; took the year from today's date",
        gettext_lazy("No year in the text; took the year from today’s date"),
    ),
    _note("The text gives a day but no year", gettext_lazy("The text gives a day but no year")),
    _note(
        "Taken from the dateline (the publication date)",
        gettext_lazy("Taken from the dateline (the publication date)"),
    ),
    _note("Took the first date in the text", gettext_lazy("Took the first date in the text")),
    _note(
        "The text says only 'today'; used the date the readout was parsed",
        gettext_lazy("The text says only “today”; used the date the readout was read"),
    ),
    _note(
        "The text says only 'today' and no date was supplied",
        gettext_lazy("The text says only “today” and no date was supplied"),
    ),
    _note("No date found", gettext_lazy("No date found")),
    _note(
        "Read from the first sentence, not the title",
        gettext_lazy("Read from the first sentence, not the title"),
    ),
    _note("Could not tell the kind of meeting", gettext_lazy("Could not tell the kind of meeting")),
    _note("No place found", gettext_lazy("No place found")),
    _note("Read from the first sentence", gettext_lazy("Read from the first sentence")),
    _note("No countries found", gettext_lazy("No countries found")),
    _note(
        "Computed from the start and end times",
        gettext_lazy("Computed from the start and end times"),
    ),
    _note("No duration in the text", gettext_lazy("No duration in the text")),
    _note(
        "Zone taken from the time label; UTC{offset} fits {zone} on that date",
        gettext_lazy("Zone taken from the time label; UTC%(offset)s fits %(zone)s on that date"),
    ),
    _note(
        "Offset UTC{offset} fits several zones; guessed {zone} from the place",
        gettext_lazy("Offset UTC%(offset)s fits several zones; guessed %(zone)s from the place"),
    ),
    _note(
        "Guessed {zone} from the offset UTC{offset} alone; the place ({place}) does not fit "
        "that offset",
        gettext_lazy(
            "Guessed %(zone)s from the offset UTC%(offset)s alone; the place (%(place)s) does "
            "not fit that offset"
        ),
    ),
    _note(
        "Guessed {zone} from the offset UTC{offset} alone",
        gettext_lazy("Guessed %(zone)s from the offset UTC%(offset)s alone"),
    ),
    _note("No zone found for UTC{offset}", gettext_lazy("No zone found for UTC%(offset)s")),
    _note("No start time in the text", gettext_lazy("No start time in the text")),
    _note(
        "No place or zone given; assumed Japan",
        gettext_lazy("No place or zone given; assumed Japan"),
    ),
    _note(
        "No zone known for the place ({place})",
        gettext_lazy("No zone known for the place (%(place)s)"),
    ),
    _note(
        "A time is given but no date to attach it to",
        gettext_lazy("A time is given but no date to attach it to"),
    ),
    _note(
        "Japan date not stated; inferred from the two times",
        gettext_lazy("Japan date not stated; inferred from the two times"),
    ),
    _note(
        "The local and Japan times do not give a plausible UTC offset",
        gettext_lazy("The local and Japan times do not give a plausible UTC offset"),
    ),
    _note(
        "The label {label} means UTC{nominal}, but the local and Japan times give UTC{offset}; "
        "the times were trusted",
        gettext_lazy(
            "The label %(label)s means UTC%(nominal)s, but the local and Japan times give "
            "UTC%(offset)s; the times were trusted"
        ),
    ),
    _note(
        "The label {label} means UTC{nominal}, but {zone} is at UTC{offset} on that date; "
        "used the real offset",
        gettext_lazy(
            "The label %(label)s means UTC%(nominal)s, but %(zone)s is at UTC%(offset)s on that "
            "date; used the real offset"
        ),
    ),
    _note(
        "Local time given, but the place's time zone is unknown",
        gettext_lazy("Local time given, but the place’s time zone is unknown"),
    ),
    _note(
        "No zone given; the time was read as local time in {place}",
        gettext_lazy("No zone given; the time was read as local time in %(place)s"),
    ),
    _note(
        "No time zone given; assumed Japan time",
        gettext_lazy("No time zone given; assumed Japan time"),
    ),
    _note(
        "Only Japan time is given; the local zone is unknown",
        gettext_lazy("Only Japan time is given; the local zone is unknown"),
    ),
    _note(
        "Converted from Japan time using the place ({place})",
        gettext_lazy("Converted from Japan time using the place (%(place)s)"),
    ),
]

# The meeting fields the parser's notes are about, by the parser's key.
NOTE_FIELDS = {
    "title": gettext_lazy("Title"),
    "date": gettext_lazy("Date"),
    "kind": gettext_lazy("Kind"),
    "place": gettext_lazy("Place"),
    "countries": gettext_lazy("Countries"),
    "time_zone": gettext_lazy("Time zone"),
    "start_local": gettext_lazy("Local start time"),
    "start_japan": gettext_lazy("Start in Japan time"),
    "utc_offset": gettext_lazy("UTC offset"),
    "duration_minutes": gettext_lazy("Duration"),
}


def translate_note(note: str) -> str:
    """A parser note in the active language (as written when its wording is not known)."""
    for pattern, message in _NOTES:
        if match := pattern.match(note):
            values = match.groupdict()
            return str(message) % values if values else str(message)
    return note


def review_notes(draft: ReadoutDraft) -> list[tuple[str, str]]:
    """(what the note is about, the note) for the review screen, in the active language."""
    notes = [("", translate_note(note)) for note in draft.notes]
    notes += [
        (str(NOTE_FIELDS.get(key, key.replace("_", " ").capitalize())), translate_note(note))
        for key, note in draft.meeting.confidence.items()
    ]
    return notes
