"""Building the weekly report: the state of every commitment at the end of an ISO week.

`build_report` reads the state at the end of the week from the journal (`StatusUpdate`,
append-only) and the change history (`Commitment.history`), in a fixed number of queries whatever
the number of commitments. It keeps a small state per commitment, works out the summary and
which rows each section has, in what order, from it, and builds a section's rows only when a
writer reads them (`LazyRows`): the page reads the first rows of each table, a download all.

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
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
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
    JournalHead,
    Meeting,
    StatusUpdate,
    Theme,
)
from ..names import choose_name, format_user_name
from . import sections
from .rows import (
    AttentionGroup,
    CommitmentRow,
    LazyRows,
    WeeklyReport,
    date_key,
    without_cyclic_gc,
)
from .sections import Memo, State
from .weeks import local, parse_iso_week, report_time_zone, week_label

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
# What `build_report` reads of a commitment's state at the week's start, after its id.
_START_COLUMNS = ("lead_division_id", "is_archived", "status", "confidence")
_CONFIDENCE_START = 1 + _SNAPSHOT_COLUMNS.index("confidence_start")


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


def _read_portable(*, start, end, theme: Theme | None) -> tuple[dict, dict]:
    """Each commitment's snapshot at the week's end (id → the id and `_SNAPSHOT_COLUMNS`) and,
    for those created before the week, its state at the start (id → id, division, archived,
    status, confidence), in three queries."""
    history = Commitment.history.model.objects
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
            "id", *_START_COLUMNS
        )
    }
    # No history at all: its own row stands for the week's start too.
    start_columns = [1 + _SNAPSHOT_COLUMNS.index(name) for name in _START_COLUMNS]
    for pk, snap in snapshots.items():
        if snap[1] < start and pk not in at_start:
            at_start[pk] = (pk, *(snap[i] for i in start_columns))
    return snapshots, at_start


# The history columns `_read_postgresql` reads for a snapshot: its owner by id, whose names a join
# adds.
_HISTORY_COLUMNS = (
    "created_at",
    "title",
    "owner_id",
    "lead_division_id",
    "target_date",
    "next_step",
    "is_archived",
    "follow_up_venue_id",
    "origin_meeting_id",
    "status",
    "confidence",
)


def _read_postgresql(*, start, end, theme: Theme | None) -> tuple[dict, dict]:
    """What `_read_portable` reads, in one query.

    Each as-of lookup is a LATERAL subquery: one short scan of an as-of index per commitment,
    and the journal's row read once for its three columns rather than once per column. The
    portable queries take three statements, in which PostgreSQL filters every history row
    against the list of the latest ones and reads the journal five times per commitment: three
    times the time of this one. The fallbacks are those of `_history_at` and `_read_portable`:
    the earliest history row when none is before the moment (a one-time filter, skipped when a
    row was found), else the commitment's own row.
    """
    # Table and column names come from the models; every value is a parameter.
    history = Commitment.history.model._meta.db_table
    journal = StatusUpdate._meta.db_table

    def as_of(alias: str, moment: str, when: str = "TRUE") -> str:
        columns = ", ".join(f"x.{name}" for name in _HISTORY_COLUMNS)
        latest, earliest = alias, f"{alias}_earliest"
        return f"""
        LEFT JOIN LATERAL (
            SELECT x.history_id, {columns} FROM {history} x
            WHERE {when} AND x.id = c.id AND x.history_date < %({moment})s
            ORDER BY x.history_date DESC, x.history_id DESC LIMIT 1
        ) {latest} ON TRUE
        LEFT JOIN LATERAL (
            SELECT x.history_id, {columns} FROM {history} x
            WHERE {when} AND {latest}.history_id IS NULL AND x.id = c.id
            ORDER BY x.history_date, x.history_id LIMIT 1
        ) {earliest} ON TRUE"""  # noqa: S608

    def pick(alias: str, name: str) -> str:
        earliest = f"{alias}_earliest"
        return (
            f"CASE WHEN {alias}.history_id IS NOT NULL THEN {alias}.{name} "
            f"WHEN {earliest}.history_id IS NOT NULL THEN {earliest}.{name} ELSE c.{name} END"
        )

    def journal_at(moment: str, columns: str) -> str:
        return f"""(
            SELECT {columns} FROM {journal} j
            WHERE j.commitment_id = c.id AND j.created_at < %({moment})s
            ORDER BY j.created_at DESC, j.id DESC LIMIT 1
        )"""  # noqa: S608

    theme_filter = ""
    params = {"start": start, "end": end}
    if theme is not None:
        links = Commitment.themes.through._meta.db_table
        theme_filter = (
            f"AND EXISTS (SELECT 1 FROM {links} t "  # noqa: S608
            "WHERE t.commitment_id = c.id AND t.theme_id = %(theme)s)"
        )
        params["theme"] = theme.pk
    state = ", ".join(f"{pick('h', name)} AS {name}" for name in _HISTORY_COLUMNS)
    state_at_start = ", ".join(f"{pick('hs', name)} AS start_{name}" for name in _START_COLUMNS)
    user = get_user_model()._meta.db_table
    # The snapshot's columns in the order of `_SNAPSHOT_COLUMNS`, the owner's names from the join.
    snapshot = ", ".join(
        f"u.{name.removeprefix('owner__')}" if name.startswith("owner__") else f"s.{name}"
        for name in _SNAPSHOT_COLUMNS
    )
    # MATERIALIZED: joined inside the loop, the owners' table was read once per commitment.
    sql = f"""
        WITH states AS MATERIALIZED (
            SELECT c.id, {state},
                je.status_to AS status_end, je.confidence_to AS confidence_end,
                je.created_at AS last_update,
                js.status_to AS status_start, js.confidence_to AS confidence_start,
                c.created_at < %(start)s AS existed_at_start, {state_at_start}
            FROM {Commitment._meta.db_table} c
            {as_of("h", "end")}
            {as_of("hs", "start", "c.created_at < %(start)s")}
            LEFT JOIN LATERAL {journal_at("end", "j.status_to, j.confidence_to, j.created_at")}
                je ON TRUE
            LEFT JOIN LATERAL {journal_at("start", "j.status_to, j.confidence_to")} js ON TRUE
            WHERE c.created_at < %(end)s {theme_filter}
        )
        SELECT s.id, {snapshot}, s.existed_at_start,
            {", ".join(f"s.start_{name}" for name in _START_COLUMNS)}
        FROM states s LEFT JOIN {user} u ON u.id = s.owner_id
    """  # noqa: S608
    snapshots: dict[int, tuple] = {}
    at_start: dict[int, tuple] = {}
    width = 1 + len(_SNAPSHOT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor:
            pk = row[0]
            snapshots[pk] = row[:width]
            if row[width]:
                at_start[pk] = (pk, *row[width + 1 :])
    return snapshots, at_start


def _meeting_local(value: datetime.datetime | None, zone: str | None) -> datetime.datetime | None:
    """A meeting's start in the time zone of its place, as the workspace dates a meeting."""
    if value is None:
        return None
    try:
        return timezone.localtime(value, zoneinfo.ZoneInfo(zone or settings.TIME_ZONE))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        # A zone name the data-entry validation would refuse: the report's zone rather than none.
        return local(value)


@without_cyclic_gc
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
    zone = report_time_zone()
    language = get_language()

    read = _read_postgresql if connection.vendor == "postgresql" else _read_portable
    snapshots, at_start = read(start=start, end=end, theme=theme)
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
    owner_names = Memo(lambda parts: format_user_name(*parts, language))
    theme_orders = Memo(lambda ids: tuple(sorted(ids, key=lambda i: theme_names.get(i, ""))))
    theme_texts = Memo(lambda ids: tuple(theme_names[i] for i in ids if i in theme_names))
    # Each kept commitment's state at the week's end, as little as the sections need to choose
    # and order their rows; a row (`CommitmentRow`) is built from it only when a writer reads it.
    states: dict[int, State] = {}
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
            _status_start,
            _confidence_start,
        ) = snap
        if is_archived or (division_pk is not None and division_id != division_pk):
            continue
        status = status_end or status
        states[pk] = State(
            status=status,
            confidence=confidence_end or confidence,
            is_open=status in OPEN_STATUSES,
            target_date=target_date,
            last_update=last_update,
            created_at=created_at,
            title=title,
            owner=owner_names((first, last, username)),
            venue_id=venue_id,
            theme_ids=theme_orders(tuple(themes_of.get(pk, ()))),
            division_id=division_id,
            origin_id=origin_id,
            next_step=next_step,
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

    # Rows are built from `states` alone, so the report keeps no more of the read than that.
    del snapshots, at_start

    def make_row(pk: int) -> CommitmentRow:
        state = states[pk]
        origin_title, origin_date = origins.get(state.origin_id, ("", None))
        last_update = state.last_update
        return CommitmentRow(
            pk=pk,
            title=state.title,
            origin_meeting=origin_title,
            origin_date=origin_date,
            owner=state.owner,
            division=division_names.get(state.division_id, ""),
            division_id=state.division_id,
            themes=theme_texts(state.theme_ids),
            theme_ids=frozenset(state.theme_ids),
            status=state.status,
            confidence=state.confidence,
            target_date=state.target_date,
            last_update=last_update.astimezone(zone) if last_update else None,
            next_step=state.next_step,
            created_at=state.created_at.astimezone(zone),
            follow_up_venue_id=state.venue_id,
            is_open=state.is_open,
        )

    row_of = Memo(make_row)

    def lazy(pks: list[int]) -> LazyRows:
        # The dict's own lookup: a row read again (it is in several tables) costs no call.
        return LazyRows(pks, row_of.__getitem__)

    status_counts, confidence_counts, total, open_total = sections.summary(states, previous)
    open_pks = sorted(
        (pk for pk, s in states.items() if s.is_open),
        key=lambda pk: (
            theme_texts(states[pk].theme_ids)[:1] or ("\uffff",),
            date_key(states[pk].target_date),
            states[pk].title,
            pk,
        ),
    )

    changes = sections.changes(start=start, end=end, states=states, row_of=row_of)
    new_commitments = sorted(
        (pk for pk, s in states.items() if s.created_at >= start),
        key=lambda pk: (states[pk].created_at, pk),
    )
    meetings_held = sections.meetings_held(start=start, end=end, row_of=row_of, states=states)
    upcoming = sections.upcoming(
        end=end, states=states, open_pks=open_pks, themes_of=themes_of, lazy=lazy
    )

    last_day = (end - datetime.timedelta(days=1)).date()
    cutoff_stale = end - datetime.timedelta(days=STALE_AFTER_DAYS)
    opened = [(pk, states[pk]) for pk in open_pks]

    def group(key: str, label: str, pks, order) -> AttentionGroup:
        return AttentionGroup(key, label, lazy(sorted(pks, key=order)))

    attention = [
        group(
            "overdue",
            _("Overdue"),
            (pk for pk, s in opened if s.target_date and s.target_date < last_day),
            lambda pk: (states[pk].target_date, states[pk].title),
        ),
        group(
            "red",
            _("Red"),
            (pk for pk, s in opened if s.confidence == Confidence.RED),
            lambda pk: (date_key(states[pk].target_date), states[pk].title),
        ),
        group(
            "stale",
            _("Stale (no update for %(days)s days)") % {"days": STALE_AFTER_DAYS},
            (pk for pk, s in opened if s.last_update is None or s.last_update < cutoff_stale),
            lambda pk: (states[pk].last_update or states[pk].created_at, states[pk].title),
        ),
        group(
            "no_owner",
            _("No owner"),
            (pk for pk, s in opened if not s.owner),
            lambda pk: (states[pk].title, pk),
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
        new_commitments=lazy(new_commitments),
        meetings_held=meetings_held,
        attention=attention,
        upcoming=upcoming,
        open_rows=lazy(open_pks),
        open_by_theme=sections.group_by_theme(
            open_pks, states=states, texts=theme_texts, theme=theme, lazy=lazy
        ),
        journal_seq=journal_seq,
        journal_hash=journal_hash,
        _free=lambda: (states.clear(), row_of.clear()),
    )
