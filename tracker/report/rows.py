"""The report's rows: what `build_report` reads from the database, and every writer formats."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from ..models import (
    Confidence,
    Division,
    FollowUpOutcome,
    Status,
    StatusMove,
    Theme,
    report_file_stem,
)


def date_key(value: datetime.date | None) -> datetime.date:
    """A sort key that puts rows without a date last."""
    return value or datetime.date.max


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    pk: int
    title: str
    origin_meeting: str
    origin_date: datetime.date | None
    owner: str
    division: str
    division_id: int | None
    themes: tuple[str, ...]
    theme_ids: frozenset[int]
    status: str
    confidence: str
    target_date: datetime.date | None
    last_update: datetime.datetime | None
    next_step: str
    created_at: datetime.datetime
    follow_up_venue_id: int | None
    is_open: bool

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else self.status

    @property
    def confidence_label(self) -> str:
        return Confidence(self.confidence).label if self.confidence in Confidence.values else ""

    @property
    def themes_text(self) -> str:
        return "; ".join(self.themes)

    @property
    def origin_text(self) -> str:
        """The origin meeting by title and local date: several meetings share one title."""
        if self.origin_date is None:
            return self.origin_meeting
        return f"{self.origin_meeting} ({self.origin_date.isoformat()})"


@dataclass(frozen=True, slots=True)
class CountRow:
    key: str
    label: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_text(self) -> str:
        return f"{self.change:+d}" if self.change else "0"

    @property
    def change_meaning(self) -> str:
        """ "better", "worse" or "" (neutral): more red is bad news, more completed is good."""
        if not self.change or self.key not in CHANGE_MEANING:
            return ""
        good_when_up = CHANGE_MEANING[self.key]
        return "better" if (self.change > 0) == good_when_up else "worse"


# Whether a rise in a count is good news (True) or bad (False); counts not named are neutral.
CHANGE_MEANING: dict[str, bool] = {
    Status.COMPLETED: True,
    Status.STALLED: False,
    Status.DROPPED: False,
    Confidence.GREEN: True,
    Confidence.AMBER: False,
    Confidence.RED: False,
}


def _label(choices, name: str) -> property:
    """The label of the choice a row's field holds, in the reader's language."""
    return property(lambda row: choices(getattr(row, name)).label)


@dataclass(frozen=True, slots=True)
class ChangeRow(StatusMove):
    at: datetime.datetime
    commitment: CommitmentRow
    author: str
    status_from: str
    status_to: str
    confidence_from: str
    confidence_to: str
    note: str

    status_from_label = _label(Status, "status_from")
    status_to_label = _label(Status, "status_to")
    confidence_from_label = _label(Confidence, "confidence_from")
    confidence_to_label = _label(Confidence, "confidence_to")


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    commitment: CommitmentRow
    outcome: str
    note: str
    recorded_by: str

    outcome_label = _label(FollowUpOutcome, "outcome")


@dataclass(frozen=True, slots=True)
class MeetingRow:
    pk: int
    title: str
    starts_at: datetime.datetime
    place: str
    series: str
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    briefing: list[CommitmentRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AttentionGroup:
    key: str
    label: str
    rows: list[CommitmentRow]


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    name: str
    rows: list[CommitmentRow]


@dataclass
class WeeklyReport:
    week: str
    start: datetime.datetime
    end: datetime.datetime
    division: Division | None
    theme: Theme | None
    generated_at: datetime.datetime
    status_counts: list[CountRow]
    confidence_counts: list[CountRow]
    total: CountRow
    open_total: CountRow
    changes: list[ChangeRow]
    new_commitments: list[CommitmentRow]
    meetings_held: list[MeetingRow]
    attention: list[AttentionGroup]
    upcoming: list[MeetingRow]
    open_rows: list[CommitmentRow]
    open_by_theme: list[ThemeGroup]
    # Set when the report is issued: 2, 3 … for a week issued again with the same filters.
    revision: int = 1
    # The journal's hash chain as it stood at the week's end (now, for the current week): its
    # number of links and newest hash (`verify_journal --expect SEQ:HASH` checks against it).
    journal_seq: int = 0
    journal_hash: str = ""

    @property
    def last_day(self) -> datetime.date:
        return (self.end - datetime.timedelta(days=1)).date()

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def is_complete(self) -> bool:
        return self.end <= self.generated_at

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.new_commitments or self.meetings_held)

    @property
    def attention_count(self) -> int:
        return len({row.pk for group in self.attention for row in group.rows})

    @cached_property
    def attention_rows(self) -> list[tuple[CommitmentRow, list[str]]]:
        """Each item needing attention once, with its reasons: the PDF's single table."""
        reasons: dict[int, list[str]] = defaultdict(list)
        rows: dict[int, CommitmentRow] = {}
        for group in self.attention:
            for row in group.rows:
                rows[row.pk] = row
                reasons[row.pk].append(group.label)
        return sorted(
            ((row, reasons[pk]) for pk, row in rows.items()),
            key=lambda item: (-len(item[1]), date_key(item[0].target_date), item[0].title),
        )

    @cached_property
    def filters_text(self) -> str:
        parts = [
            _("Week %(week)s (%(first)s – %(last)s)")
            % {"week": self.week, "first": self.first_day, "last": self.last_day}
        ]
        parts.append(
            _("Division: %(name)s") % {"name": self.division.name}
            if self.division
            else _("All divisions")
        )
        parts.append(
            _("Theme: %(name)s") % {"name": self.theme.name} if self.theme else _("All themes")
        )
        return " · ".join(parts)

    @property
    def file_stem(self) -> str:
        return report_file_stem(
            week=self.week, division=self.division, theme=self.theme, revision=self.revision
        )
