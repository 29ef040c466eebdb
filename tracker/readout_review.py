"""A parsed readout matched to the database, as the review screen and `import_readout` show it.

`build_review` adds to the parser's draft what only the database can tell (see
`tracker.readout_matching`); the review form starts from the result, and `default_plan` takes its
proposals as they are, for `import_readout --save`. Saving is `services.readout_save`.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import (
    JAPAN_TIME_ZONE,
    Commitment,
    Country,
    Division,
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    Strength,
    Theme,
)
from .readout_matching import (
    Candidate,
    MentionMatch,
    find_duplicate,
    match_mentions,
    matchable,
    reaffirmation_candidates,
    suggest_series,
)
from .readout_parser import CommitmentDraft, ReadoutDraft
from .services.readouts import MeetingData, ParticipantData, RowData, may_follow_up

# A review screen with thousands of rows helps nobody and would exceed Django's limit on the number
# of posted fields (DATA_UPLOAD_MAX_NUMBER_FIELDS, 1000); real readouts draft a few dozen at most.
MAX_ROWS = 60
MAX_PARTICIPANTS = 20
MAX_MENTIONS = 20


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


# The draft matched to the database ---------------------------------------------------------------


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
    meeting_date = matchable(draft.meeting.date)
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
    return parser_kind if parser_kind in MeetingKind.values else MeetingKind.OTHER


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
