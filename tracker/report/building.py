"""Building the weekly report: the state of every commitment at the end of an ISO week.

`build_report` reads the state at the end of the week from the journal (`StatusUpdate`,
append-only) and the change history (`Commitment.history`), in a fixed number of queries whatever
the number of commitments. It keeps a small state per commitment and orders the open ones; the
summary and which rows each other section has are worked out from the states when a writer first
reads them (`rows._part`: the CSV reads only the open table), and a section's rows are built only
when read (`LazyRows`): the page reads the first rows of each table, a download all.

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
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from psycopg.types.datetime import TimestamptzLoader

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
# What the as-of reads take from the journal's latest entry before the moment.
_JOURNAL_COLUMNS = ("journal_status", "journal_confidence", "last_update")

# What `build_report` reads per commitment at the week's end, after its id: the snapshot, then
# the journal's state.
_SNAPSHOT_COLUMNS = (*_SNAPSHOT_FIELDS, *_JOURNAL_COLUMNS)
# What the summary reads of a commitment's state at the week's start, after its id.
_START_COLUMNS = ("lead_division_id", "is_archived", "status", "confidence", *_JOURNAL_COLUMNS[:2])

# SQLite hands back a computed column's text as it is stored: a column name's "[type]" has the
# driver convert it, as Django's converters do for a model's fields. PostgreSQL only sees a name.
_SQLITE_TYPES = {
    "created_at": "datetime",
    "last_update": "datetime",
    "target_date": "date",
    "is_archived": "bool",
}
_DATETIMES = {name for name, kind in _SQLITE_TYPES.items() if kind == "datetime"}


def _read_states(*, moment: datetime.datetime, theme: Theme | None, columns: tuple) -> dict:
    """Each commitment created before `moment` (with `theme`): id → the id and `columns`, its
    state at that moment, in one query.

    `columns` are names of `_SNAPSHOT_FIELDS` (`owner__…` through a join on the owner) and of
    `_JOURNAL_COLUMNS`. A state is the history row before the moment, else the earliest history
    row (rows written before history was kept start with a later row: the oldest state we know,
    which unlike the current row does not move after the week), else the commitment's own row
    (data loaded around the services); the journal's columns come from its latest entry before
    the moment.

    Each lookup is one short read of an as-of index per commitment (`historicalcommitment_as_of`,
    `statusupdate_as_of`). PostgreSQL gets each as a LATERAL subquery: it would hash-join a join on
    a subquery's key against every history row. SQLite, which has no LATERAL, joins each row by
    its key, found by a correlated subquery, in a nested loop.
    """
    lateral = connection.vendor == "postgresql"
    # Table and column names come from the models; every value is a parameter.
    history = Commitment.history.model._meta.db_table
    journal = StatusUpdate._meta.db_table
    owner_names = [name for name in columns if name.startswith("owner__")]
    history_columns = tuple(
        dict.fromkeys(
            "owner_id" if name in owner_names else name
            for name in columns
            if name not in _JOURNAL_COLUMNS
        )
    )
    latest = (
        "x.id = c.id AND x.history_date < %(moment)s "
        "ORDER BY x.history_date DESC, x.history_id DESC LIMIT 1"
    )
    earliest = "x.id = c.id ORDER BY x.history_date, x.history_id LIMIT 1"
    picked = ", ".join(f"x.{name}" for name in history_columns)
    if lateral:
        # The earliest row only where no row is before the moment: a one-time filter.
        history_join = f"""
            LEFT JOIN LATERAL (
                SELECT x.history_id, {picked} FROM {history} x WHERE {latest}
            ) h ON TRUE
            LEFT JOIN LATERAL (
                SELECT x.history_id, {picked} FROM {history} x
                WHERE h.history_id IS NULL AND {earliest}
            ) h_earliest ON TRUE"""  # noqa: S608
    else:
        history_join = f"""
            LEFT JOIN {history} h ON h.history_id = COALESCE(
                (SELECT x.history_id FROM {history} x WHERE {latest}),
                (SELECT x.history_id FROM {history} x WHERE {earliest})
            )"""  # noqa: S608

    def pick(name: str) -> str:
        row = f"WHEN h.history_id IS NOT NULL THEN h.{name}"
        if lateral:
            row += f" WHEN h_earliest.history_id IS NOT NULL THEN h_earliest.{name}"
        return f"CASE {row} ELSE c.{name} END AS {name}"

    found = (
        "j.commitment_id = c.id AND j.created_at < %(moment)s "
        "ORDER BY j.created_at DESC, j.id DESC LIMIT 1"
    )
    if lateral:
        journal_join = f"""
            LEFT JOIN LATERAL (
                SELECT j.status_to, j.confidence_to, j.created_at FROM {journal} j WHERE {found}
            ) je ON TRUE"""  # noqa: S608
    else:
        journal_join = f"""
            LEFT JOIN {journal} je ON je.id = (SELECT j.id FROM {journal} j WHERE {found})"""  # noqa: S608

    def typed(name: str) -> str:
        if name in owner_names:
            return f"u.{name.removeprefix('owner__')}"
        kind = _SQLITE_TYPES.get(name)
        return f's.{name} AS "{name} [{kind}]"' if kind else f"s.{name}"

    params = {"moment": connection.ops.adapt_datetimefield_value(moment)}
    theme_filter = ""
    if theme is not None:
        links = Commitment.themes.through._meta.db_table
        theme_filter = (
            f"AND EXISTS (SELECT 1 FROM {links} t "  # noqa: S608
            "WHERE t.commitment_id = c.id AND t.theme_id = %(theme)s)"
        )
        params["theme"] = theme.pk
    owners = (
        f"LEFT JOIN {get_user_model()._meta.db_table} u ON u.id = s.owner_id" if owner_names else ""
    )
    # MATERIALIZED: joined inside PostgreSQL's loop of lookups, the owners' table was read once
    # per commitment.
    sql = f"""
        WITH states AS {"MATERIALIZED" if lateral else ""} (
            SELECT c.id, {", ".join(pick(name) for name in history_columns)},
                je.status_to AS journal_status, je.confidence_to AS journal_confidence,
                je.created_at AS last_update
            FROM {Commitment._meta.db_table} c
            {history_join}
            {journal_join}
            WHERE c.created_at < %(moment)s {theme_filter}
        )
        SELECT s.id, {", ".join(typed(name) for name in columns)} FROM states s {owners}
    """  # noqa: S608
    # SQLite's driver reads a time as it is stored: in UTC, without its zone.
    in_utc = [] if lateral else [1 + i for i, name in enumerate(columns) if name in _DATETIMES]
    states: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        if lateral:
            # psycopg's own loader for this cursor: Django's wraps it in Python to give an aware
            # time the zone it already has, at three times its cost (20,000 times a report).
            cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            if in_utc:
                row = list(row)
                for index in in_utc:
                    if row[index] is not None:
                        row[index] = row[index].replace(tzinfo=datetime.UTC)
                row = tuple(row)
            states[row[0]] = row
    return states


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

    snapshots = _read_states(moment=end, theme=theme, columns=_SNAPSHOT_COLUMNS)
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
    theme_sets = Memo(frozenset)
    # Each kept commitment's state at the week's end, as little as the sections need to choose
    # and order their rows; a row (`CommitmentRow`) is built from it only when a writer reads it.
    states: dict[int, State] = {}
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
    # Rows are built from `states` alone, so the report keeps no more of the read than that.
    del snapshots

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
            theme_ids=theme_sets(state.theme_ids),
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

    open_pks = sorted(
        (pk for pk, s in states.items() if s.is_open),
        key=lambda pk: (
            theme_texts(states[pk].theme_ids)[:1] or ("\uffff",),
            date_key(states[pk].target_date),
            states[pk].title,
            pk,
        ),
    )

    def previous() -> dict[int, tuple[str, str, bool]]:
        # The previous week's figures, by the same rules at its end: commitments dropped above
        # (archived, another division) may still count there.
        kept = {}
        at_start = _read_states(moment=start, theme=theme, columns=_START_COLUMNS)
        for (
            pk,
            division_id,
            is_archived,
            status,
            confidence,
            status_to,
            confidence_to,
        ) in at_start.values():
            if is_archived or (division_pk is not None and division_id != division_pk):
                continue
            status = status_to or status
            kept[pk] = (status, confidence_to or confidence, status in OPEN_STATUSES)
        return kept

    def attention() -> list[AttentionGroup]:
        last_day = (end - datetime.timedelta(days=1)).date()
        cutoff_stale = end - datetime.timedelta(days=STALE_AFTER_DAYS)
        opened = [(pk, states[pk]) for pk in open_pks]

        def group(key: str, label: str, pks, order) -> AttentionGroup:
            return AttentionGroup(key, label, lazy(sorted(pks, key=order)))

        return [
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

    # Each part of the report is worked out when a writer first reads it (`rows._part`).
    parts = {
        "summary": lambda: sections.summary(states, previous()),
        "changes": lambda: sections.changes(start=start, end=end, states=states, row_of=row_of),
        "new_commitments": lambda: lazy(
            sorted(
                (pk for pk, s in states.items() if s.created_at >= start),
                key=lambda pk: (states[pk].created_at, pk),
            )
        ),
        "meetings_held": lambda: sections.meetings_held(
            start=start, end=end, row_of=row_of, states=states
        ),
        "attention": attention,
        "upcoming": lambda: sections.upcoming(
            end=end, states=states, open_pks=open_pks, themes_of=themes_of, lazy=lazy
        ),
        "open_by_theme": lambda: sections.group_by_theme(
            open_pks, states=states, texts=theme_texts, theme=theme, lazy=lazy
        ),
    }
    return WeeklyReport(
        week=week_label(start.date()),
        start=start,
        end=end,
        division=division,
        theme=theme,
        generated_at=local(now),
        open_rows=lazy(open_pks),
        journal_seq=journal_seq,
        journal_hash=journal_hash,
        _parts=parts,
        _free=lambda: (states.clear(), row_of.clear()),
    )
