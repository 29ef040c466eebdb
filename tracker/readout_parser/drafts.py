"""What the parser hands back: a draft meeting, its participants, actions and mentions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


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
