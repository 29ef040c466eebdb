"""Building the weekly report: the state of every commitment at the end of an ISO week.

`build_report` reads the state at the end of the week from the journal (`StatusUpdate`,
append-only) and the change history (`Commitment.history`), in a fixed number of queries whatever
the number of commitments.

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

import datetime
import functools
import gc
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import (
    OPEN_STATUSES,
    STALE_AFTER_DAYS,
    Commitment,
    Confidence,
    Division,
    FollowUp,
    JournalHead,
    Meeting,
    Status,
    StatusUpdate,
    Theme,
)
from ..names import choose_name, format_user_name
from .rows import (
    AttentionGroup,
    ChangeRow,
    CommitmentRow,
    CountRow,
    FollowUpRow,
    MeetingRow,
    ThemeGroup,
    WeeklyReport,
    date_key,
)
from .weeks import local, parse_iso_week, report_time_zone, week_label

UPCOMING_DAYS = 14

# A commitment's state at a moment, read from its history row (or, without history, its row).
_SNAPSHOT_FIELDS = (
    "created_at",
    "title",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "lead_division_id",
    "target_date",
    "next_step",
    "is_archived",
    "follow_up_venue_id",
    "origin_meeting_id",
    "status",
    "confidence",
)


# What `build_report` reads per commitment, after its id: the snapshot, then the journal state.
_SNAPSHOT_COLUMNS = (
    *_SNAPSHOT_FIELDS,
    "status_end",
    "confidence_end",
    "last_update",
    "status_start",
    "confidence_start",
)
_STATUS_START = 1 + _SNAPSHOT_COLUMNS.index("status_start")
_CONFIDENCE_START = 1 + _SNAPSHOT_COLUMNS.index("confidence_start")


class _Memo(dict):
    """A function's results by argument: a value that thousands of rows share is worked out once."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __call__(self, key):
        try:
            return self[key]
        except KeyError:
            value = self[key] = self.function(key)
            return value


def _journal_at(moment: datetime.datetime, name: str, commitment: str = "pk") -> Subquery:
    # Served by the (commitment, created_at) index: one short backward scan per commitment.
    return Subquery(
        StatusUpdate.objects.filter(commitment=OuterRef(commitment), created_at__lt=moment)
        .order_by("-created_at", "-pk")
        .values(name)[:1]
    )


def _with_journal(rows: QuerySet, *, start, end, commitment: str) -> QuerySet:
    """`rows` with each commitment's journal state at the week's end and at its start."""
    return rows.annotate(
        status_end=_journal_at(end, "status_to", commitment),
        confidence_end=_journal_at(end, "confidence_to", commitment),
        last_update=_journal_at(end, "created_at", commitment),
        status_start=_journal_at(start, "status_to", commitment),
        confidence_start=_journal_at(start, "confidence_to", commitment),
    )


def _history_at(base: QuerySet, moment: datetime.datetime) -> QuerySet:
    """The history rows of the commitments in `base` as they stood at `moment`."""
    history = Commitment.history.model.objects
    before = history.filter(id=OuterRef("pk"), history_date__lt=moment)
    latest = before.order_by("-history_date", "-history_id").values("history_id")[:1]
    # Rows written before history was kept start with a later row: their earliest one is the
    # oldest state we know, and unlike the current row it does not move after the week.
    earliest = (
        history.filter(id=OuterRef("pk"))
        .order_by("history_date", "history_id")
        .values("history_id")[:1]
    )
    # Two lists rather than one COALESCE of both lookups, which PostgreSQL worked out three
    # times per commitment: here each is one read of the as-of index per commitment.
    return history.filter(
        Q(history_id__in=base.annotate(hid=Subquery(latest)).values("hid"))
        | Q(
            history_id__in=base.filter(~Exists(before))
            .annotate(hid=Subquery(earliest))
            .values("hid")
        )
    ).order_by()


def _meeting_local(value: datetime.datetime | None, zone: str | None) -> datetime.datetime | None:
    """A meeting's start in the time zone of its place, as the workspace dates a meeting."""
    if value is None:
        return None
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone or settings.TIME_ZONE))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        # A zone name the data-entry validation would refuse: the report's zone rather than none.
        return local(value)


def _without_cyclic_gc(function):
    """Run `function` with Python's cycle collector paused, then resume it.

    A report allocates hundreds of thousands of small objects, none of them in cycles; each
    allocation burst set off full collections that walked the whole heap of the process, 10-20 %
    of a build's time. Reference counting still frees everything as usual meanwhile.
    """

    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_without_cyclic_gc
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
    # The journal as it stood at the week's end (or now, for the current week).
    journal_seq, journal_hash = JournalHead.as_of(min(end, now))
    if start > now:
        raise ValueError(
            _("Week %(week)s has not begun yet: choose a week up to the current one.")
            % {"week": week_label(start.date())}
        )
    history = Commitment.history.model.objects
    zone = report_time_zone()
    language = get_language()

    base = Commitment.objects.filter(created_at__lt=end)
    if theme is not None:
        base = base.filter(themes=theme)

    # One row per commitment: its history row at the week's end, with its journal state at both
    # ends of the week; a commitment without any history (data loaded around the services) from
    # its own row, by a second query that is empty in normal use.
    at_end = _with_journal(
        _history_at(base, end),
        start=start,
        end=end,
        commitment="id",
    ).values_list("id", *_SNAPSHOT_COLUMNS)
    without_history = _with_journal(
        base.filter(~Exists(history.filter(id=OuterRef("pk")))).order_by(),
        start=start,
        end=end,
        commitment="pk",
    ).values_list("pk", *_SNAPSHOT_COLUMNS)
    snapshots = {row[0]: row for row in at_end}
    snapshots.update((row[0], row) for row in without_history)
    at_start = {
        row[0]: row
        for row in _history_at(base.filter(created_at__lt=start), start).values_list(
            "id", "lead_division_id", "is_archived", "status", "confidence"
        )
    }
    theme_links = Commitment.themes.through.objects.filter(
        commitment__created_at__lt=end
    ).values_list("commitment_id", "theme_id")
    # Names in the reader's language where a Japanese name is on file.
    theme_names = {
        pk: choose_name(name, name_ja, language)
        for pk, name, name_ja in Theme.objects.values_list("pk", "name", "name_ja")
    }
    division_names = {
        pk: choose_name(name, name_ja, language)
        for pk, name, name_ja in Division.objects.values_list("pk", "name", "name_ja")
    }
    # Each origin meeting's title and local date, once: a few hundred meetings, not a date
    # read and converted for each of ten thousand rows.
    origins = {
        pk: (title, _meeting_local(starts_at, zone_name).date())  # type: ignore[union-attr]
        for pk, title, starts_at, zone_name in Meeting.objects.order_by().values_list(
            "pk", "title", "starts_at", "time_zone"
        )
    }

    themes_of: dict[int, list[int]] = defaultdict(list)
    for commitment_id, theme_id in theme_links:
        themes_of[commitment_id].append(theme_id)

    # Sixty owners and a few hundred origin meetings make ten thousand rows: each formatted once.
    owner_names = _Memo(lambda parts: format_user_name(*parts, language))
    theme_orders = _Memo(lambda ids: tuple(sorted(ids, key=lambda i: theme_names.get(i, ""))))
    rows: dict[int, CommitmentRow] = {}
    previous: dict[int, tuple[str, str, bool]] = {}
    division_pk = division.pk if division is not None else None
    for pk, snap in snapshots.items():
        (
            _pk,
            created_at,
            title,
            username,
            first,
            last,
            division_id,
            target_date,
            next_step,
            is_archived,
            venue_id,
            origin_id,
            status,
            confidence,
            status_end,
            confidence_end,
            last_update,
            status_start,
            confidence_start,
        ) = snap
        if created_at < start and pk not in at_start:
            # No history at all: its own row stands for the week's start too.
            at_start[pk] = (pk, division_id, is_archived, status, confidence)
        if is_archived or (division_pk is not None and division_id != division_pk):
            continue
        status = status_end or status
        ids = theme_orders(tuple(themes_of.get(pk, ())))
        origin_title, origin_date = origins.get(origin_id, ("", None))
        rows[pk] = CommitmentRow(
            pk=pk,
            title=title,
            origin_meeting=origin_title,
            origin_date=origin_date,
            owner=owner_names((first, last, username)),
            division=division_names.get(division_id, ""),
            division_id=division_id,
            themes=tuple(theme_names[i] for i in ids if i in theme_names),
            theme_ids=frozenset(ids),
            status=status,
            confidence=confidence_end or confidence,
            target_date=target_date,
            last_update=last_update.astimezone(zone) if last_update else None,
            next_step=next_step,
            created_at=created_at.astimezone(zone),
            follow_up_venue_id=venue_id,
            is_open=status in OPEN_STATUSES,
        )
    # The previous week's figures, by the same rules at its end: commitments dropped above
    # (archived, another division) may still count there.
    for pk, (_id, prev_division, prev_archived, prev_status, prev_confidence) in at_start.items():
        if prev_archived or (division_pk is not None and prev_division != division_pk):
            continue
        snap = snapshots[pk]
        prev_status = snap[_STATUS_START] or prev_status
        prev_confidence = snap[_CONFIDENCE_START] or prev_confidence
        previous[pk] = (prev_status, prev_confidence, prev_status in OPEN_STATUSES)

    status_counts, confidence_counts, total, open_total = _summary(rows, previous)
    open_rows = sorted(
        (row for row in rows.values() if row.is_open),
        key=lambda r: (r.themes[:1] or ("\uffff",), date_key(r.target_date), r.title, r.pk),
    )

    changes = _changes(start=start, end=end, rows=rows)
    new_commitments = sorted(
        (row for row in rows.values() if row.created_at >= start),
        key=lambda r: (r.created_at, r.pk),
    )
    meetings_held = _meetings_held(start=start, end=end, rows=rows)
    upcoming = _upcoming(end=end, rows=rows, themes_of=themes_of)

    last_day = (end - datetime.timedelta(days=1)).date()
    cutoff_stale = end - datetime.timedelta(days=STALE_AFTER_DAYS)
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
                key=lambda r: (date_key(r.target_date), r.title),
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
        generated_at=local(now),
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
        journal_seq=journal_seq,
        journal_hash=journal_hash,
    )


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
    zone = report_time_zone()
    language = get_language()
    authors = _Memo(lambda parts: format_user_name(*parts, language))
    changes = []
    for pk, at, username, first, last, s_from, s_to, c_from, c_to, note in entries:
        if pk not in rows or (s_from == s_to and c_from == c_to):
            continue
        changes.append(
            ChangeRow(
                at=at.astimezone(zone),
                commitment=rows[pk],
                author=authors((first, last, username)),
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
        starts_at=local(meeting.starts_at),
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
                FollowUpRow(rows[pk], outcome, note, format_user_name(first, last, username))
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
        (r for r in rows.values() if r.is_open), key=lambda r: (date_key(r.target_date), r.title)
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

    def by_target(rows: list[CommitmentRow]) -> list[CommitmentRow]:
        return sorted(rows, key=lambda r: (date_key(r.target_date), r.title, r.pk))

    result = [ThemeGroup(name, by_target(group)) for name, group in sorted(groups.items())]
    if without:
        result.append(ThemeGroup(_("No theme"), by_target(without)))
    return result
