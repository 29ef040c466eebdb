"""One time-ordered story of a commitment: journal entries, follow-up meetings, field changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from . import names, timezones
from .models import COMMITMENT_FIELDS, COMMITMENT_M2M_FIELDS, Commitment, Division, MeetingSeries

# Field changes worth telling: status and confidence moves are told by the journal entries, and
# the origin, the quote's position, themes and parties are not the item's progress.
SHOWN_CHANGES = tuple(
    name
    for name in COMMITMENT_FIELDS
    if name not in {"origin_meeting", "quote_position", "status", "confidence"}
    and name not in COMMITMENT_M2M_FIELDS
)
_RELATED = {"owner": get_user_model(), "lead_division": Division, "follow_up_venue": MeetingSeries}


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


def commitment_timeline(commitment: Commitment) -> list[TimelineEntry]:
    """Newest first. Expects `follow_ups` prefetched with their meetings and recorders."""
    entries = [
        TimelineEntry("update", update.created_at, names.user_name(update.author), update)
        for update in commitment.status_updates.select_related("author")
    ]
    entries += [
        TimelineEntry(
            "followup",
            f.meeting.starts_at,
            names.user_name(f.recorded_by),
            f,
            on=f.meeting.local_date,
            where=timezones.zone_label(f.meeting.time_zone, f.meeting.starts_at),
        )
        for f in commitment.follow_ups.all()
    ]
    records = list(commitment.history.select_related("history_user").order_by("history_id"))
    raw_changes = []
    for older, newer in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, included_fields=SHOWN_CHANGES)
        if delta.changes:
            raw_changes.append((newer, delta.changes))
    labels = _related_labels(raw_changes)
    for record, changes in raw_changes:
        shown = [
            (
                str(Commitment._meta.get_field(c.field).verbose_name),
                labels.get((c.field, c.old), c.old),
                labels.get((c.field, c.new), c.new),
            )
            for c in changes
        ]
        entries.append(
            TimelineEntry(
                "change", record.history_date, names.user_name(record.history_user), changes=shown
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


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
