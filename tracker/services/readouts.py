"""Saving a reviewed readout: the meeting, its participants, new commitments and follow-ups.

The review screen (`tracker.views.readouts`) and `import_readout --save` both call
`readout_save`, so a readout is checked and saved the same way whichever door it came through.
The permission rules are here too: the review screen offers only what they allow, and
`readout_save` checks them again.
"""

from __future__ import annotations

import datetime
import hashlib
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingFormat,
    MeetingSeries,
    Participation,
    Theme,
)
from ..readout_matching import find_duplicate, match_person, validate_meeting_start
from .commitments import commitment_create
from .followups import followup_record
from .meetings import meeting_create, person_create
from .participations import participation_add

# Family name first in the display form ("HAYASHI Yoshimasa"), as MOFA writes these names.
FAMILY_NAME_FIRST_COUNTRIES = frozenset({"JP", "KR", "KP", "CN", "TW"})

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

    data = {f.name: getattr(meeting, f.name) for f in fields(meeting)}
    new_meeting = meeting_create(user=user, data=data)

    for order, participant in enumerate(participants):
        try:
            _add_participant(new_meeting, participant, order, user)
        except ValidationError as error:
            raise ImportRowError(section="participants", index=order, error=error) from error

    commitments: list[Commitment] = []
    follow_ups: list[FollowUp] = []
    for row in rows:
        try:
            if row.follow_up_of is not None:
                follow_ups.append(
                    followup_record(
                        commitment=row.follow_up_of,
                        meeting=new_meeting,
                        user=user,
                        outcome=row.outcome,
                        quote=row.quote,
                    )
                )
            else:
                commitments.append(
                    commitment_create(
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


def _add_participant(
    meeting: Meeting, data: ParticipantData, order: int, user: AbstractBaseUser
) -> Participation:
    person = match_person(data.family_name, data.given_name, data.country.code)
    if person is None:
        family_name = data.family_name.strip()
        if family_name.isupper() and len(family_name) > 1:
            # MOFA capitalises the family name; the display form adds the capitals back.
            family_name = family_name.capitalize()
        person = person_create(
            user=user,
            data={
                "family_name": family_name,
                "given_name": data.given_name.strip(),
                "country": data.country,
                "family_name_first": data.country.code in FAMILY_NAME_FIRST_COUNTRIES,
            },
        )
    return participation_add(
        meeting=meeting,
        user=user,
        data={
            "person": person,
            "title": data.title.strip(),
            "side": data.country,
            "order": order,
        },
    )
