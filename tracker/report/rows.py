"""The report's rows: what `build_report` reads from the database, and every writer formats."""

from __future__ import annotations

import datetime
import functools
import gc
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

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


@contextmanager
def cyclic_gc_paused():
    """Python's cycle collector paused for the block, then resumed (if it was on before).

    A report allocates hundreds of thousands of small objects, none of them in cycles; each
    allocation burst set off full collections that walked the whole heap of the process, 10-20 %
    of a build's or a file's time. Reference counting still frees everything as usual meanwhile.
    Never held across a `yield` to code outside the report.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_cyclic_gc(function):
    """`function` run with the cycle collector paused (`cyclic_gc_paused`)."""

    @functools.wraps(function)
    def paused(*args, **kwargs):
        with cyclic_gc_paused():
            return function(*args, **kwargs)

    return paused


# Rows a `LazyRows` builds at a time while it is iterated, with the cycle collector paused.
_CHUNK = 500


class LazyRows(Sequence):
    """A section's rows in their order, each built when it is first read.

    The page shows the first rows of each table and counts the rest: it takes `len()` and a slice,
    so of ten thousand commitments only the rows on the screen are ever built; the downloads
    iterate and get every row, from the same `make`. `keys` are what `make` builds a row from
    (a commitment's id for commitment rows).
    """

    __slots__ = ("keys", "make")

    def __init__(self, keys: list[Hashable], make: Callable) -> None:
        self.keys = keys
        self.make = make

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._build(self.keys[index])
        return self.make(self.keys[index])

    def __iter__(self) -> Iterator:
        keys = self.keys
        for begin in range(0, len(keys), _CHUNK):
            yield from self._build(keys[begin : begin + _CHUNK])

    def _build(self, keys: list) -> list:
        make = self.make
        with cyclic_gc_paused():
            return [make(key) for key in keys]

    def __eq__(self, other) -> bool:
        if isinstance(other, LazyRows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<LazyRows of {len(self.keys)}>"


def row_keys(rows: Sequence) -> Sequence:
    """The commitments' ids of `rows`, without building the rows of a `LazyRows`."""
    return rows.keys if isinstance(rows, LazyRows) else [row.pk for row in rows]


class CommitmentRow(NamedTuple):
    """A commitment as the report's tables show it. A named tuple, not a frozen dataclass: as
    immutable, and built in a third of the time (a download builds ten thousand)."""

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
    briefing: Sequence[CommitmentRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AttentionGroup:
    key: str
    label: str
    rows: Sequence[CommitmentRow]


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    name: str
    rows: Sequence[CommitmentRow]


def _part(name: str) -> cached_property:
    """A part of the report, worked out by the report's `_parts[name]` when first read, then kept.

    The CSV reads only the open table, the page's "Show more" one table: neither waits for the
    summary's read of the week's start, the week's changes or the meetings' briefing lists.
    """

    def work_out(report: WeeklyReport):
        try:
            make = report._parts[name]
        except KeyError:
            # After `release` the states are gone: a part worked out then would be empty.
            raise RuntimeError(f"The report was released before its {name} was read.") from None
        with cyclic_gc_paused():
            return make()

    return cached_property(work_out)


@dataclass
class WeeklyReport:
    """The report of one week. `open_rows` is set by the build; the other parts are worked out
    when first read (`_part`): `status_counts`, `confidence_counts`, `total` and `open_total`
    (list[CountRow], CountRow), `changes` (rows of ChangeRow), `new_commitments` (rows of
    CommitmentRow), `meetings_held` and `upcoming` (list[MeetingRow]), `attention`
    (list[AttentionGroup]) and `open_by_theme` (list[ThemeGroup])."""

    week: str
    start: datetime.datetime
    end: datetime.datetime
    division: Division | None
    theme: Theme | None
    generated_at: datetime.datetime
    open_rows: Sequence[CommitmentRow]
    # Set when the report is issued: 2, 3 … for a week issued again with the same filters.
    revision: int = 1
    # The journal's hash chain as it stood at the week's end (now, for the current week): its
    # number of links and newest hash (`verify_journal --expect SEQ:HASH` checks against it).
    journal_seq: int = 0
    journal_hash: str = ""
    # What each part is worked out by: its name → a function of no arguments.
    _parts: dict[str, Callable[[], object]] = field(default_factory=dict, repr=False, compare=False)
    # Empties what rows are built from (`release`).
    _free: Callable[[], None] = field(default=lambda: None, repr=False, compare=False)

    # The parts, after the fields, in the order the API's JSON gives them.
    PARTS = (
        "status_counts",
        "confidence_counts",
        "total",
        "open_total",
        "changes",
        "new_commitments",
        "meetings_held",
        "attention",
        "upcoming",
        "open_by_theme",
    )
    _summary = _part("summary")
    changes = _part("changes")
    new_commitments = _part("new_commitments")
    meetings_held = _part("meetings_held")
    attention = _part("attention")
    upcoming = _part("upcoming")
    open_by_theme = _part("open_by_theme")
    status_counts = property(lambda self: self._summary[0])
    confidence_counts = property(lambda self: self._summary[1])
    total = property(lambda self: self._summary[2])
    open_total = property(lambda self: self._summary[3])

    def release(self) -> None:
        """Frees the state of every commitment that rows are built from, once a page is rendered:
        Django's template context keeps the report in a reference cycle that only a full
        collection frees, and ten thousand states each would pile up in a worker until then.
        Rows and parts not read by then cannot be read after."""
        self._free()
        self._parts.clear()

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
        return len({pk for group in self.attention for pk in row_keys(group.rows)})

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
