"""One time-ordered story of a commitment: journal entries, follow-up meetings, field changes.

Shown a page at a time, newest first: each page reads at most a page of journal entries and of
history records, however long the story, and names the point where the next (older) page starts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Q

from . import names, timezones
from .models import (
    COMMITMENT_FIELDS,
    COMMITMENT_M2M_FIELDS,
    Commitment,
    Division,
    MeetingSeries,
    StatusUpdate,
)

# Field changes worth telling: status and confidence moves are told by the journal entries, and
# the origin, the quote's position, themes and parties are not the item's progress.
SHOWN_CHANGES = tuple(
    name
    for name in COMMITMENT_FIELDS
    if name not in {"origin_meeting", "quote_position", "status", "confidence"}
    and name not in COMMITMENT_M2M_FIELDS
)
_RELATED = {"owner": get_user_model(), "lead_division": Division, "follow_up_venue": MeetingSeries}
TIMELINE_PAGE_SIZE = 50
# At the same moment a journal entry comes before a follow-up, and a follow-up before a change.
_RANKS = {"update": 2, "followup": 1, "change": 0}
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


class TimelineKey(NamedTuple):
    """Where a line stands in the story; greater is newer. Written into "Show older" links."""

    at: datetime.datetime
    rank: int
    pk: int

    def token(self) -> str:
        micros = (self.at - _EPOCH) // _MICROSECOND
        return f"{micros}.{self.rank}.{self.pk}"

    @classmethod
    def from_token(cls, token: str) -> TimelineKey | None:
        """The key a link names; None for anything else (an edited link starts at the newest)."""
        parts = token.split(".")
        if (
            len(token) > 60
            or len(parts) != 3
            or not all(p.isascii() and p.isdigit() for p in parts)
        ):
            return None
        micros, rank, pk = (int(p) for p in parts)
        try:
            at = _EPOCH + micros * _MICROSECOND
        except OverflowError:
            return None
        return cls(at, rank, pk)

    def older(self, kind: str, time_field: str, pk_field: str) -> Q:
        """The rows of one kind that come after this key, newest first."""
        rank = _RANKS[kind]
        condition = Q(**{f"{time_field}__lt": self.at})
        if rank < self.rank:
            condition |= Q(**{time_field: self.at})
        elif rank == self.rank:
            condition |= Q(**{time_field: self.at, f"{pk_field}__lt": self.pk})
        return condition


@dataclass
class TimelineEntry:
    """One line of the story. `at` orders the lines; a meeting's line is shown by `on`, the date
    where it was held (as everywhere else a meeting is dated), with `where` naming that zone."""

    kind: str  # "update", "followup" or "change"
    at: datetime.datetime
    who: str
    entry: object = None
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    on: datetime.date | None = None
    where: str = ""
    pk: int = 0

    @property
    def key(self) -> TimelineKey:
        return TimelineKey(self.at, _RANKS[self.kind], self.pk)


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    # Where the page started (None: at the newest) and where the next one starts (None: the
    # story is told to its beginning).
    before: TimelineKey | None
    older: TimelineKey | None
    complete: bool


def commitment_timeline(
    commitment: Commitment,
    *,
    before: TimelineKey | None = None,
    limit: int | None = TIMELINE_PAGE_SIZE,
) -> TimelinePage:
    """The `limit` newest lines older than `before` (all of them when `limit` is None).

    Expects `follow_ups` prefetched with their meetings and recorders: they are few, and the page's
    side panel lists them all anyway.
    """
    updates, updates_end = _updates(commitment, before, limit)
    changes, changes_end = _changes(commitment, before, limit)
    entries = updates + changes + _followups(commitment, before)
    # A source cut at its limit has older rows than those read: only the lines newer than the
    # oldest row read from every such source are certain to be the newest ones.
    ends = [end for end in (updates_end, changes_end) if end is not None]
    bound = max(ends) if ends else None
    entries = sorted(
        (e for e in entries if bound is None or e.key >= bound), key=lambda e: e.key, reverse=True
    )
    if limit is not None and len(entries) > limit:
        entries = entries[:limit]
        older = entries[-1].key
    else:
        older = bound
    return TimelinePage(entries, before=before, older=older, complete=limit is None)


def _updates(commitment, before, limit) -> tuple[list[TimelineEntry], TimelineKey | None]:
    # Not `commitment.status_updates`: that would attach the commitment, with all that was read
    # with it, to each entry, and each line's content key (row_cache) would walk it again.
    rows = (
        StatusUpdate.objects.filter(commitment=commitment)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        rows = rows.filter(before.older("update", "created_at", "pk"))
    rows = list(rows if limit is None else rows[: limit + 1])
    entries = [
        TimelineEntry(
            "update", update.created_at, names.user_name(update.author), update, pk=update.pk
        )
        for update in rows[:limit]
    ]
    end = entries[-1].key if limit is not None and len(rows) > limit else None
    return entries, end


def _followups(commitment, before) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            "followup",
            f.meeting.starts_at,
            names.user_name(f.recorded_by),
            f,
            on=f.meeting.local_date,
            where=timezones.zone_label(f.meeting.time_zone, f.meeting.starts_at),
            pk=f.pk,
        )
        for f in commitment.follow_ups.all()
    ]
    return [e for e in entries if before is None or e.key < before]


def _changes(commitment, before, limit) -> tuple[list[TimelineEntry], TimelineKey | None]:
    """What each history record changed since the one before it: a page of records and the
    record before the oldest of them, which it is compared with."""
    records = commitment.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    if before is not None:
        records = records.filter(before.older("change", "history_date", "history_id"))
    records = list(records if limit is None else records[: limit + 2])
    # One record more than compared tells whether any are older still.
    cut = limit is not None and len(records) > limit + 1
    if cut:
        records = records[: limit + 1]
    raw_changes = []
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, included_fields=SHOWN_CHANGES)
        if delta.changes:
            raw_changes.append((newer, delta.changes))
    labels = _related_labels(raw_changes)
    entries = [
        TimelineEntry(
            "change",
            record.history_date,
            names.user_name(record.history_user),
            changes=[
                (
                    str(Commitment._meta.get_field(c.field).verbose_name),
                    labels.get((c.field, c.old), c.old),
                    labels.get((c.field, c.new), c.new),
                )
                for c in changes
            ],
            pk=record.history_id,
        )
        for record, changes in raw_changes
    ]
    # The oldest record read is only the base of the one before it: its own line, and those of
    # any older records, are the next page's.
    end = None
    if cut:
        last = records[limit - 1]
        end = TimelineKey(last.history_date, _RANKS["change"], last.history_id)
    return entries, end


def _related_labels(raw_changes) -> dict[tuple[str, object], str]:
    """Names for the ids in foreign-key changes, one query per related model at most."""
    wanted: dict[str, set] = {}
    for _, changes in raw_changes:
        for change in changes:
            if change.field in _RELATED:
                wanted.setdefault(change.field, set()).update({change.old, change.new} - {None})
    labels = {}
    for field_name, ids in wanted.items():
        for obj in _RELATED[field_name].objects.filter(pk__in=ids):
            labels[(field_name, obj.pk)] = names.display_name(obj)
    return labels
