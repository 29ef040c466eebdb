"""The weekly status report: rows as of the end of an ISO week, then one writer per format.

`build_report` reads the state of every commitment at the end of the week from the journal
(`StatusUpdate`, append-only) and the change history (`Commitment.history`), in a fixed number of
queries whatever the number of commitments; the writers (`render_html`, `render_pdf`,
`render_xlsx`, `iter_csv`) only format the rows they are given. `report_issue` renders the chosen
formats and keeps their bytes, so that a circulated report can be fetched again as it was sent.

As-of rules (see docs/reports.md):

- A commitment is in the report if it was created before the week's end and was not archived at
  the end; the division filter applies to its lead division at the end; the theme filter and the
  grouping use its *current* themes (theme changes are not part of the history we read).
- Status and confidence at the end come from the latest journal entry before the end; title,
  owner, division, target date, next step, follow-up venue and the archived flag from the latest
  history row before the end, else from its earliest history row (the oldest state we know), else
  from the current row (data loaded without history).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import logging
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .cells import safe_cell, safe_text
from .models import (
    OPEN_STATUSES,
    STALE_AFTER_DAYS,
    Commitment,
    Confidence,
    Division,
    FollowUp,
    FollowUpOutcome,
    IssuedReport,
    IssuedReportFile,
    Meeting,
    ReportFormat,
    Status,
    StatusUpdate,
    Theme,
)

FORMATS: tuple[str, ...] = tuple(ReportFormat.values)
CONTENT_TYPES: dict[str, str] = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}
UPCOMING_DAYS = 14
CSV_BOM = "\ufeff"
# Reports cover modern diplomacy up to a far future; outside these years the date arithmetic of a
# report (the week before, the fortnight after) would leave the calendar.
FIRST_YEAR = 1900
LAST_YEAR = 2999

# ASCII digits only: int() would also read other scripts' digits.
_WEEK_RE = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE | re.ASCII)


# Weeks --------------------------------------------------------------------------------------------


def report_time_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def parse_iso_week(text: str) -> tuple[datetime.datetime, datetime.datetime]:
    """`"2026-W48"` → (Monday 00:00, next Monday 00:00), aware, in the configured time zone."""
    value = (text or "").strip()
    match = _WEEK_RE.fullmatch(value)
    if not match:
        raise ValueError(
            _(
                "“%(value)s” is not an ISO week: write the year, “-W” and the week number, "
                "e.g. 2026-W48."
            )
            % {"value": value}
        )
    year, number = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(
            _("Week %(value)s is out of range: choose a week of the years %(first)s to %(last)s.")
            % {"value": value, "first": FIRST_YEAR, "last": LAST_YEAR}
        )
    try:
        monday = datetime.date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError(
            _("%(year)s has no week %(week)s: ISO weeks run from 1 to 52 (53 in some years).")
            % {"year": year, "week": number}
        ) from None
    zone = report_time_zone()
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        monday + datetime.timedelta(days=7), datetime.time(), tzinfo=zone
    )
    return start, end


def week_label(day: datetime.date) -> str:
    year, number, _weekday = day.isocalendar()
    return f"{year}-W{number:02d}"


def last_complete_week(now: datetime.datetime | None = None) -> str:
    """The ISO week before the one `now` falls in, in the configured time zone."""
    today = timezone.localtime(now or timezone.now(), report_time_zone()).date()
    return week_label(today - datetime.timedelta(days=7))


def normalise_week(text: str) -> str:
    start, _end = parse_iso_week(text)
    return week_label(start.date())


def check_formats(formats: Iterable[str]) -> list[str]:
    """The formats asked for, validated, in the canonical order and without repeats."""
    wanted = {f.strip().lower() for f in formats if f and f.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise ValueError(
            _("Unknown format %(formats)s: choose from %(choices)s.")
            % {"formats": ", ".join(unknown), "choices": ", ".join(FORMATS)}
        )
    if not wanted:
        raise ValueError(
            _("Choose at least one format: %(choices)s.") % {"choices": ", ".join(FORMATS)}
        )
    return [f for f in FORMATS if f in wanted]


# Rows ---------------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class ChangeRow:
    at: datetime.datetime
    commitment: CommitmentRow
    author: str
    status_from: str
    status_to: str
    confidence_from: str
    confidence_to: str
    note: str

    @property
    def status_changed(self) -> bool:
        return self.status_from != self.status_to

    @property
    def confidence_changed(self) -> bool:
        return self.confidence_from != self.confidence_to

    @property
    def status_from_label(self) -> str:
        return Status(self.status_from).label

    @property
    def status_to_label(self) -> str:
        return Status(self.status_to).label

    @property
    def confidence_from_label(self) -> str:
        return Confidence(self.confidence_from).label

    @property
    def confidence_to_label(self) -> str:
        return Confidence(self.confidence_to).label


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    commitment: CommitmentRow
    outcome: str
    note: str
    recorded_by: str

    @property
    def outcome_label(self) -> str:
        return FollowUpOutcome(self.outcome).label


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
            key=lambda item: (-len(item[1]), _date_key(item[0].target_date), item[0].title),
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
        parts = ["weekly-report", self.week]
        if self.division:
            parts.append(self.division.code)
        if self.theme:
            parts.append(self.theme.code)
        if self.revision > 1:
            parts.append(f"r{self.revision}")
        return "-".join(parts)


# Building -----------------------------------------------------------------------------------------

_SNAPSHOT_FIELDS = (
    "title",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "lead_division_id",
    "target_date",
    "next_step",
    "is_archived",
    "follow_up_venue_id",
    "origin_meeting__title",
    "origin_meeting__starts_at",
    "origin_meeting__time_zone",
    "status",
    "confidence",
)


def _journal_at(moment: datetime.datetime, name: str) -> Subquery:
    # Served by the (commitment, created_at) index: one short backward scan per commitment.
    return Subquery(
        StatusUpdate.objects.filter(commitment=OuterRef("pk"), created_at__lt=moment)
        .order_by("-created_at", "-pk")
        .values(name)[:1]
    )


def _history_id_at(moment: datetime.datetime) -> Coalesce:
    history = Commitment.history.model.objects
    before = (
        history.filter(id=OuterRef("pk"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    # Rows written before history was kept start with a later row: their earliest one is the
    # oldest state we know, and unlike the current row it does not move after the week.
    earliest = (
        history.filter(id=OuterRef("pk"))
        .order_by("history_date", "history_id")
        .values("history_id")[:1]
    )
    return Coalesce(Subquery(before), Subquery(earliest))


def _person(first: str | None, last: str | None, username: str | None) -> str:
    full = f"{first or ''} {last or ''}".strip()
    return full or username or ""


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(value, report_time_zone()) if value else None


def _meeting_local(value: datetime.datetime | None, zone: str | None) -> datetime.datetime | None:
    """A meeting's start in the time zone of its place, as the workspace dates a meeting."""
    if value is None:
        return None
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone or settings.TIME_ZONE))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        # A zone name the data-entry validation would refuse: the report's zone rather than none.
        return _local(value)


def build_report(
    *,
    week: str,
    division: Division | None = None,
    theme: Theme | None = None,
    now: datetime.datetime | None = None,
) -> WeeklyReport:
    """The weekly report for `week` ("2026-W48"), as of the end of that week.

    Raises ValueError for a malformed week or one that has not begun at `now`.
    """
    now = now or timezone.now()
    start, end = parse_iso_week(week)
    if start > now:
        raise ValueError(
            _("Week %(week)s has not begun yet: choose a week up to the current one.")
            % {"week": week_label(start.date())}
        )
    history = Commitment.history.model.objects

    base = Commitment.objects.filter(created_at__lt=end)
    if theme is not None:
        base = base.filter(themes=theme)

    current = base.annotate(
        status_end=_journal_at(end, "status_to"),
        confidence_end=_journal_at(end, "confidence_to"),
        last_update=_journal_at(end, "created_at"),
        status_start=_journal_at(start, "status_to"),
        confidence_start=_journal_at(start, "confidence_to"),
    ).values(
        "pk",
        "created_at",
        "status_end",
        "confidence_end",
        "last_update",
        "status_start",
        "confidence_start",
        *_SNAPSHOT_FIELDS,
    )
    rows_now = {row["pk"]: row for row in current.order_by()}
    at_end = {
        row["id"]: row
        for row in history.filter(
            history_id__in=base.annotate(hid=_history_id_at(end)).values("hid")
        ).values("id", *_SNAPSHOT_FIELDS)
    }
    at_start = {
        row[0]: row
        for row in history.filter(
            history_id__in=base.filter(created_at__lt=start)
            .annotate(hid=_history_id_at(start))
            .values("hid")
        ).values_list("id", "lead_division_id", "is_archived", "status", "confidence")
    }
    theme_links = Commitment.themes.through.objects.filter(
        commitment__created_at__lt=end
    ).values_list("commitment_id", "theme_id")
    # Names in the reader's language where a Japanese name is on file.
    japanese = (get_language() or "").startswith("ja")
    theme_names = {
        pk: (name_ja if japanese and name_ja else name)
        for pk, name, name_ja in Theme.objects.values_list("pk", "name", "name_ja")
    }
    division_names = {
        pk: (name_ja if japanese and name_ja else name)
        for pk, name, name_ja in Division.objects.values_list("pk", "name", "name_ja")
    }

    themes_of: dict[int, list[int]] = defaultdict(list)
    for commitment_id, theme_id in theme_links:
        themes_of[commitment_id].append(theme_id)

    cutoff_stale = end - datetime.timedelta(days=STALE_AFTER_DAYS)
    rows: dict[int, CommitmentRow] = {}
    previous: dict[int, tuple[str, str, bool]] = {}
    for pk, now_row in rows_now.items():
        snap = at_end.get(pk, now_row)
        if snap["is_archived"]:
            continue
        if division is not None and snap["lead_division_id"] != division.pk:
            continue
        status = now_row["status_end"] or snap["status"]
        ids = sorted(themes_of.get(pk, ()), key=lambda i: theme_names.get(i, ""))
        origin_start = _meeting_local(
            snap["origin_meeting__starts_at"], snap["origin_meeting__time_zone"]
        )
        rows[pk] = CommitmentRow(
            pk=pk,
            title=snap["title"],
            origin_meeting=snap["origin_meeting__title"] or "",
            origin_date=origin_start.date() if origin_start else None,
            owner=_person(
                snap["owner__first_name"], snap["owner__last_name"], snap["owner__username"]
            ),
            division=division_names.get(snap["lead_division_id"], ""),
            division_id=snap["lead_division_id"],
            themes=tuple(theme_names[i] for i in ids if i in theme_names),
            theme_ids=frozenset(ids),
            status=status,
            confidence=now_row["confidence_end"] or snap["confidence"],
            target_date=snap["target_date"],
            last_update=_local(now_row["last_update"]),
            next_step=snap["next_step"],
            created_at=_local(now_row["created_at"]),
            follow_up_venue_id=snap["follow_up_venue_id"],
            is_open=status in OPEN_STATUSES,
        )
        if now_row["created_at"] < start:
            _id, prev_division, prev_archived, prev_status, prev_confidence = at_start.get(
                pk,
                (
                    pk,
                    now_row["lead_division_id"],
                    now_row["is_archived"],
                    now_row["status"],
                    now_row["confidence"],
                ),
            )
            if not prev_archived and (division is None or prev_division == division.pk):
                prev_status = now_row["status_start"] or prev_status
                prev_confidence = now_row["confidence_start"] or prev_confidence
                previous[pk] = (prev_status, prev_confidence, prev_status in OPEN_STATUSES)
    # Commitments dropped above (archived, another division) may still count last week.
    for pk, (_id, prev_division, prev_archived, prev_status, prev_confidence) in at_start.items():
        if pk in previous or prev_archived:
            continue
        if division is not None and prev_division != division.pk:
            continue
        now_row = rows_now[pk]
        prev_status = now_row["status_start"] or prev_status
        prev_confidence = now_row["confidence_start"] or prev_confidence
        previous[pk] = (prev_status, prev_confidence, prev_status in OPEN_STATUSES)

    status_counts, confidence_counts, total, open_total = _summary(rows, previous)
    open_rows = sorted(
        (row for row in rows.values() if row.is_open),
        key=lambda r: (r.themes[:1] or ("\uffff",), _date_key(r.target_date), r.title, r.pk),
    )

    changes = _changes(start=start, end=end, rows=rows)
    new_commitments = sorted(
        (row for row in rows.values() if row.created_at >= start),
        key=lambda r: (r.created_at, r.pk),
    )
    meetings_held = _meetings_held(start=start, end=end, rows=rows)
    upcoming = _upcoming(end=end, rows=rows, themes_of=themes_of)

    last_day = (end - datetime.timedelta(days=1)).date()
    attention = [
        AttentionGroup(
            "overdue",
            _("Overdue"),
            sorted(
                (r for r in open_rows if r.target_date and r.target_date < last_day),
                key=lambda r: (r.target_date, r.title),
            ),
        ),
        AttentionGroup(
            "red",
            _("Red"),
            sorted(
                (r for r in open_rows if r.confidence == Confidence.RED),
                key=lambda r: (_date_key(r.target_date), r.title),
            ),
        ),
        AttentionGroup(
            "stale",
            _("Stale (no update for %(days)s days)") % {"days": STALE_AFTER_DAYS},
            sorted(
                (r for r in open_rows if r.last_update is None or r.last_update < cutoff_stale),
                key=lambda r: (r.last_update or r.created_at, r.title),
            ),
        ),
        AttentionGroup(
            "no_owner",
            _("No owner"),
            sorted((r for r in open_rows if not r.owner), key=lambda r: (r.title, r.pk)),
        ),
    ]

    return WeeklyReport(
        week=week_label(start.date()),
        start=start,
        end=end,
        division=division,
        theme=theme,
        generated_at=_local(now),
        status_counts=status_counts,
        confidence_counts=confidence_counts,
        total=total,
        open_total=open_total,
        changes=changes,
        new_commitments=new_commitments,
        meetings_held=meetings_held,
        attention=attention,
        upcoming=upcoming,
        open_rows=open_rows,
        open_by_theme=_group_by_theme(open_rows, theme=theme),
    )


def _date_key(value: datetime.date | None) -> datetime.date:
    return value or datetime.date.max


def _summary(
    rows: dict[int, CommitmentRow], previous: dict[int, tuple[str, str, bool]]
) -> tuple[list[CountRow], list[CountRow], CountRow, CountRow]:
    now_status = defaultdict(int)
    now_confidence = defaultdict(int)
    for row in rows.values():
        now_status[row.status] += 1
        if row.is_open:
            now_confidence[row.confidence] += 1
    prev_status = defaultdict(int)
    prev_confidence = defaultdict(int)
    for status, confidence, is_open in previous.values():
        prev_status[status] += 1
        if is_open:
            prev_confidence[confidence] += 1
    statuses = [
        CountRow(value, label, now_status[value], prev_status[value])
        for value, label in Status.choices
    ]
    confidences = [
        CountRow(value, label, now_confidence[value], prev_confidence[value])
        for value, label in Confidence.choices
    ]
    total = CountRow("total", _("All commitments"), len(rows), len(previous))
    open_total = CountRow(
        "open",
        _("Open"),
        sum(1 for row in rows.values() if row.is_open),
        sum(1 for *_rest, is_open in previous.values() if is_open),
    )
    return statuses, confidences, total, open_total


def _changes(
    *, start: datetime.datetime, end: datetime.datetime, rows: dict[int, CommitmentRow]
) -> list[ChangeRow]:
    entries = (
        StatusUpdate.objects.filter(created_at__gte=start, created_at__lt=end)
        # The opening entry of a new commitment is listed under "new commitments" instead.
        .exclude(status_from="")
        .order_by("created_at", "pk")
        .values_list(
            "commitment_id",
            "created_at",
            "author__username",
            "author__first_name",
            "author__last_name",
            "status_from",
            "status_to",
            "confidence_from",
            "confidence_to",
            "note",
        )
    )
    changes = []
    for pk, at, username, first, last, s_from, s_to, c_from, c_to, note in entries:
        if pk not in rows or (s_from == s_to and c_from == c_to):
            continue
        changes.append(
            ChangeRow(
                at=_local(at),
                commitment=rows[pk],
                author=_person(first, last, username),
                status_from=s_from,
                status_to=s_to,
                confidence_from=c_from,
                confidence_to=c_to,
                note=note,
            )
        )
    return changes


def _meeting_row(meeting: Meeting) -> MeetingRow:
    return MeetingRow(
        pk=meeting.pk,
        title=meeting.title,
        starts_at=_local(meeting.starts_at),
        place=meeting.place,
        series=meeting.series.name if meeting.series_id else "",
    )


def _meetings_held(
    *, start: datetime.datetime, end: datetime.datetime, rows: dict[int, CommitmentRow]
) -> list[MeetingRow]:
    meetings = {
        m.pk: _meeting_row(m)
        for m in Meeting.objects.held_between(start, end)
        .select_related("series")
        .order_by("starts_at", "pk")
    }
    follow_ups = (
        FollowUp.objects.filter(
            meeting__starts_at__gte=start, meeting__starts_at__lt=end, recorded_at__lt=end
        )
        .order_by("meeting_id", "pk")
        .values_list(
            "meeting_id",
            "commitment_id",
            "outcome",
            "note",
            "recorded_by__username",
            "recorded_by__first_name",
            "recorded_by__last_name",
        )
    )
    for meeting_id, pk, outcome, note, username, first, last in follow_ups:
        if pk in rows and meeting_id in meetings:
            meetings[meeting_id].follow_ups.append(
                FollowUpRow(rows[pk], outcome, note, _person(first, last, username))
            )
    return list(meetings.values())


def _upcoming(
    *, end: datetime.datetime, rows: dict[int, CommitmentRow], themes_of: dict[int, list[int]]
) -> list[MeetingRow]:
    """Meetings in the 14 days after the week, each with its briefing list.

    A commitment is on a meeting's briefing list when it is open and either names the meeting's
    series as its follow-up venue, or shares a theme with a commitment that was already followed up
    at an earlier meeting of that series (recorded before the week's end).
    """
    upcoming = Meeting.objects.filter(
        starts_at__gte=end, starts_at__lt=end + datetime.timedelta(days=UPCOMING_DAYS)
    )
    meetings = list(upcoming.select_related("series").order_by("starts_at", "pk"))
    # A subquery rather than a list of ids, so that the query runs (and is counted) every time.
    links = FollowUp.objects.filter(
        meeting__series__in=upcoming.values("series_id"),
        meeting__starts_at__lt=end,
        recorded_at__lt=end,
    ).values_list("commitment_id", "meeting__series_id")
    series_themes: dict[int, set[int]] = defaultdict(set)
    for commitment_id, series_id in links:
        series_themes[series_id].update(themes_of.get(commitment_id, ()))
    open_rows = sorted(
        (r for r in rows.values() if r.is_open), key=lambda r: (_date_key(r.target_date), r.title)
    )
    result = []
    for meeting in meetings:
        row = _meeting_row(meeting)
        if meeting.series_id:
            themes = series_themes.get(meeting.series_id, set())
            row.briefing.extend(
                r
                for r in open_rows
                if r.follow_up_venue_id == meeting.series_id or (themes and r.theme_ids & themes)
            )
        result.append(row)
    return result


def _group_by_theme(rows: list[CommitmentRow], *, theme: Theme | None) -> list[ThemeGroup]:
    # An item with several themes is listed under each, so that a theme's section is complete.
    groups: dict[str, list[CommitmentRow]] = defaultdict(list)
    without: list[CommitmentRow] = []
    for row in rows:
        if theme is not None:
            groups[theme.name].append(row)
        elif row.themes:
            for name in row.themes:
                groups[name].append(row)
        else:
            without.append(row)
    key = lambda r: (_date_key(r.target_date), r.title, r.pk)  # noqa: E731
    result = [ThemeGroup(name, sorted(group, key=key)) for name, group in sorted(groups.items())]
    if without:
        result.append(ThemeGroup(_("No theme"), sorted(without, key=key)))
    return result


# Writers ------------------------------------------------------------------------------------------


def _format_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _format_datetime(value: datetime.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _report_css() -> str:
    # The downloaded HTML file must stand alone (it is archived and mailed), so it carries its CSS.
    return (Path(__file__).parent / "static" / "tracker" / "report.css").read_text(encoding="utf-8")


def render_html(report: WeeklyReport) -> str:
    """A standalone HTML document of the report, for download and for the issued archive."""
    # The CSS is our own static file, never user data, so it may go in unescaped.
    html = render_to_string(
        "tracker/report/standalone.html",
        {"report": report, "report_css": mark_safe(_report_css())},  # noqa: S308
    )
    # The markup holds no illegal character, so cleaning the whole document cleans the user text
    # in it, wherever a template puts it (a lone surrogate would not even encode as UTF-8).
    return safe_text(html)


def _refuse_fetch(url: str, *args, **kwargs):
    # The PDF needs nothing from outside; refusing every fetch rules out a request to a URL that
    # user text might smuggle in.
    raise ValueError(f"The report PDF does not fetch {url!r}.")


# The PDF is read, not searched: WeasyPrint lays out about 150 table rows a second, and no one reads
# thousands of rows on paper. Past these limits a table stops with "and N more", and the full
# lists are in the XLSX and CSV, which go out with the PDF.
PDF_ROW_LIMITS = {
    "changes": 150,
    "new_commitments": 60,
    "attention": 150,
    "briefing": 25,
    "open": 250,
}
# Layout time grows with the text: 150 changed commitments whose notes and next steps are at
# their length limits took 21 s to lay out with cells cut at 2,000 characters, 8 s cut at 500.
# A longer note or next step stops here with "…"; the XLSX has it in full.
PDF_TEXT_LIMIT = 500


def _pdf_limits(report: WeeklyReport) -> dict:
    """Per table: its limit and how many rows it leaves out."""
    sizes = {
        "changes": len(report.changes),
        "new_commitments": len(report.new_commitments),
        "attention": len(report.attention_rows),
        "open": len(report.open_rows),
    }
    limits = {name: PDF_ROW_LIMITS[name] for name in PDF_ROW_LIMITS}
    more = {name: max(0, size - limits[name]) for name, size in sizes.items()}
    texts = (
        *(change.note for change in report.changes),
        *(f.note for meeting in report.meetings_held for f in meeting.follow_ups),
        *(row.next_step for row in report.open_rows),
    )
    # The full table is all or nothing: cut per theme it would mislead; past its limit the PDF
    # gives the count per theme instead.
    return {
        "limit": limits,
        "more": more,
        "full_table": sizes["open"] <= limits["open"],
        "text_limit": PDF_TEXT_LIMIT,
        "texts_cut": any(len(text) > PDF_TEXT_LIMIT for text in texts),
    }


def render_pdf(report: WeeklyReport) -> bytes:
    # WeasyPrint logs a line per page at INFO, which would flood the application log; set before
    # the import, which already logs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    html = render_to_string(
        "tracker/report_pdf.html", {"report": report, "pdf": _pdf_limits(report)}
    )
    return HTML(string=safe_text(html), url_fetcher=_refuse_fetch).write_pdf()


def _columns_open() -> list[tuple[str, float]]:
    return [
        (_("ID"), 8),
        (_("Title"), 48),
        (_("Themes"), 24),
        (_("Origin meeting"), 36),
        (_("Owner"), 18),
        (_("Division"), 24),
        (_("Status"), 14),
        (_("Confidence"), 18),
        (_("Target date"), 12),
        (_("Last update"), 17),
        (_("Next step"), 48),
    ]


def _open_values(row: CommitmentRow) -> list:
    return [
        row.pk,
        row.title,
        row.themes_text,
        row.origin_text,
        row.owner,
        row.division,
        str(row.status_label),
        str(row.confidence_label),
        row.target_date,
        row.last_update,
        row.next_step,
    ]


def _naive(value):
    # Spreadsheets have no time zones: write local wall-clock time, as printed in the report.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value, report_time_zone()).replace(tzinfo=None)
    return value


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Excel's limit for the text of one cell: a longer cell makes it "repair" an XLSX and cut a CSV.
# Only text stored before the length limits can be this long.
XLSX_CELL_LIMIT = 32_767


def _cell(value):
    """A value for the XLSX or the CSV: never a formula, only legal characters, fits a cell."""
    value = safe_cell(_naive(value))
    if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
        return value[: XLSX_CELL_LIMIT - 1] + "…"
    return value


def render_xlsx(report: WeeklyReport) -> bytes:
    """One sheet per section, with a bold frozen header, an autofilter and real dates."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    names: set[str] = set()

    def sheet(title: str, columns: list[tuple[str, float]], rows: Iterable[list]) -> None:
        name = _SHEET_NAME_BAD.sub(" ", title)[:31]
        while name in names:
            name = name[:29] + "_" + str(len(names))
        names.add(name)
        ws = workbook.create_sheet(name)
        for index, (_label, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        header = []
        for label, _width in columns:
            cell = WriteOnlyCell(ws, value=_cell(str(label)))
            cell.font = bold
            header.append(cell)
        ws.append(header)
        count = 0
        for values in rows:
            ws.append([_cell(v) for v in values])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    counts = [
        *((_("Status"), r) for r in report.status_counts),
        *((_("Confidence (open items)"), r) for r in report.confidence_counts),
        (_("Total"), report.open_total),
        (_("Total"), report.total),
    ]
    sheet(
        _("Summary"),
        [
            (_("Measure"), 26),
            (_("Item"), 24),
            (_("This week"), 12),
            (_("Previous week"), 14),
            (_("Change"), 10),
        ],
        ([str(m), str(r.label), r.count, r.previous, r.change] for m, r in counts),
    )
    sheet(
        _("What changed"),
        [
            (_("Time"), 17),
            (_("ID"), 8),
            (_("Commitment"), 48),
            (_("Status from"), 14),
            (_("Status to"), 14),
            (_("Confidence from"), 18),
            (_("Confidence to"), 18),
            (_("Author"), 18),
            (_("Note"), 60),
        ],
        (
            [
                c.at,
                c.commitment.pk,
                c.commitment.title,
                str(c.status_from_label),
                str(c.status_to_label),
                str(c.confidence_from_label),
                str(c.confidence_to_label),
                c.author,
                c.note,
            ]
            for c in report.changes
        ),
    )
    sheet(
        _("New commitments"),
        [(_("Created"), 17), *_columns_open()],
        ([r.created_at, *_open_values(r)] for r in report.new_commitments),
    )
    sheet(
        _("Meetings held"),
        [
            (_("Start"), 17),
            (_("Meeting"), 44),
            (_("Series"), 30),
            (_("Place"), 18),
            (_("ID"), 8),
            (_("Commitment followed up"), 48),
            (_("Outcome"), 18),
            (_("Note"), 48),
            (_("Recorded by"), 18),
        ],
        _meeting_rows(report.meetings_held),
    )
    sheet(
        _("Needs attention"),
        [(_("Reason"), 26), *_columns_open()],
        ([str(g.label), *_open_values(r)] for g in report.attention for r in g.rows),
    )
    sheet(
        _("Coming up"),
        [
            (_("Start"), 17),
            (_("Meeting"), 44),
            (_("Series"), 30),
            (_("Place"), 18),
            *_columns_open(),
        ],
        _upcoming_rows(report.upcoming),
    )
    sheet(_("Open commitments"), _columns_open(), (_open_values(r) for r in report.open_rows))
    sheet(
        _("About"),
        [(_("Parameter"), 20), (_("Value"), 60)],
        [
            [_("Week"), report.week],
            [_("From"), report.first_day],
            [_("To"), report.last_day],
            [_("Division"), report.division.name if report.division else _("All divisions")],
            [_("Theme"), report.theme.name if report.theme else _("All themes")],
            [_("Generated"), report.generated_at],
            [_("State as of"), report.end],
            [_("Revision"), report.revision],
        ],
    )
    workbook.properties.title = safe_text(str(report.filters_text))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _meeting_rows(meetings: list[MeetingRow]) -> Iterator[list]:
    for m in meetings:
        head = [m.starts_at, m.title, m.series, m.place]
        if not m.follow_ups:
            yield [*head, None, "", "", "", ""]
        for f in m.follow_ups:
            yield [
                *head,
                f.commitment.pk,
                f.commitment.title,
                str(f.outcome_label),
                f.note,
                f.recorded_by,
            ]


def _upcoming_rows(meetings: list[MeetingRow]) -> Iterator[list]:
    blank = [None] * len(_columns_open())
    for m in meetings:
        head = [m.starts_at, m.title, m.series, m.place]
        if not m.briefing:
            yield [*head, *blank]
        for r in m.briefing:
            yield [*head, *_open_values(r)]


class _Line:
    """A file-like object that hands back what csv.writer writes, so rows can be streamed."""

    def write(self, value: str) -> str:
        return value


CSV_BATCH = 500


def iter_csv(report: WeeklyReport) -> Iterator[bytes]:
    """The full table of open commitments as UTF-8 CSV with a BOM, a batch of lines at a time."""
    writer = csv.writer(_Line())
    header = [str(label) for label, _width in _columns_open()]
    yield (CSV_BOM + writer.writerow([_cell(v) for v in header])).encode("utf-8")
    batch: list[str] = []
    for row in report.open_rows:
        values = _open_values(row)
        values[8] = _format_date(row.target_date)
        values[9] = _format_datetime(row.last_update)
        batch.append(writer.writerow([_cell(v) for v in values]))
        if len(batch) >= CSV_BATCH:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def render_bytes(report: WeeklyReport, fmt: str) -> bytes:
    if fmt == ReportFormat.HTML:
        return render_html(report).encode("utf-8")
    if fmt == ReportFormat.PDF:
        return render_pdf(report)
    if fmt == ReportFormat.XLSX:
        return render_xlsx(report)
    if fmt == ReportFormat.CSV:
        return b"".join(iter_csv(report))
    raise ValueError(_("Unknown format %(format)s.") % {"format": fmt})


def file_name(stem: str, fmt: str) -> str:
    return f"{stem}.{fmt}"


# Issuing ------------------------------------------------------------------------------------------


class AlreadyIssued(Exception):
    """The week was issued with these filters already, as a revision other than the one asked for.

    Issuing again is a decision (a revision goes out to the same readers), so the caller asks the
    user, showing who issued `previous` and when, and names the next revision if they confirm.
    """

    def __init__(self, previous: IssuedReport):
        self.previous = previous
        super().__init__(
            _("Report %(week)s was issued already (revision %(revision)s).")
            % {"week": previous.week, "revision": previous.revision}
        )

    @property
    def next_revision(self) -> int:
        return self.previous.revision + 1


def latest_issue(
    *, week: str, division: Division | None, theme: Theme | None
) -> IssuedReport | None:
    """The last issued revision of `week` with these filters, if any."""
    # filter(division=None) reads "all divisions" (IS NULL), as it was issued.
    return (
        IssuedReport.objects.filter(week=week, division=division, theme=theme)
        .select_related("issued_by", "division", "theme")
        .order_by("-revision")
        .first()
    )


_REVISION_CONSTRAINT = "issuedreport_revision_once"


# This write lives here rather than in services.py: issuing is the report's own business (it renders
# the formats and keeps their bytes), and services.py stays free of WeasyPrint and openpyxl.
def report_issue(
    *,
    week: str,
    division: Division | None,
    theme: Theme | None,
    user: AbstractBaseUser | None,
    formats: Iterable[str] = FORMATS,
    now: datetime.datetime | None = None,
    revision: int | None = None,
) -> IssuedReport:
    """Render the report in `formats` and keep who issued it, for what, and the files' bytes.

    Each issue of a week with the same filters is a numbered revision. `revision=None` (the
    scheduled command) takes the next number; a number (the page, after the user confirmed it)
    must be the next one, else AlreadyIssued says who issued the week meanwhile.
    """
    formats = check_formats(formats)
    week = normalise_week(week)
    report: WeeklyReport | None = None
    contents: dict[str, bytes] = {}
    # Two issues at the same moment may both read the same last revision: the one that finds its
    # number taken numbers again (or, confirmed for a number, asks again).
    for _attempt in range(5):
        latest = latest_issue(week=week, division=division, theme=theme)
        # Before the rendering, which takes seconds: a re-issue nobody confirmed stops at once.
        _check_revision(latest, revision)
        number = latest.revision + 1 if latest else 1
        if report is None:
            report = build_report(week=week, division=division, theme=theme, now=now)
        if not contents or report.revision != number:
            # The files print their revision, so a new number means rendering them again.
            report.revision = number
            # Rendering (the PDF above all) takes seconds: do it before the transaction, so that
            # writers are not kept waiting on the database while WeasyPrint lays out pages.
            contents = {fmt: render_bytes(report, fmt) for fmt in formats}
        try:
            with transaction.atomic():
                current = latest_issue(week=week, division=division, theme=theme)
                if (current.revision if current else 0) != number - 1:
                    continue  # issued meanwhile: number again
                issued = IssuedReport.objects.create(
                    issued_by=user,
                    issued_at=report.generated_at,
                    week=report.week,
                    division=division,
                    theme=theme,
                    revision=number,
                )
                IssuedReportFile.objects.bulk_create(
                    IssuedReportFile(
                        report=issued,
                        format=fmt,
                        content=content,
                        sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content),
                    )
                    for fmt, content in contents.items()
                )
            return issued
        except IntegrityError as error:
            if _REVISION_CONSTRAINT not in str(error):
                raise
    raise AlreadyIssued(latest_issue(week=week, division=division, theme=theme))


def _check_revision(latest: IssuedReport | None, revision: int | None) -> None:
    if revision is not None and latest is not None and revision != latest.revision + 1:
        raise AlreadyIssued(latest)
