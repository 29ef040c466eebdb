"""The weekly report's sections, chosen and ordered from each commitment's state at the week's end.

`building.build_report` reads the states; these functions pick and order the rows of each section
from them and return them as `LazyRows`, built only when a writer reads them.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import NamedTuple

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Confidence, FollowUp, Meeting, Status, StatusUpdate, Theme
from ..names import format_user_name
from .rows import (
    ChangeRow,
    CountRow,
    FollowUpRow,
    LazyRows,
    MeetingRow,
    ThemeGroup,
    date_key,
)
from .weeks import local, report_time_zone

UPCOMING_DAYS = 14


class Memo(dict):
    """A function's results by argument: a value that thousands of rows share is worked out once."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value

    def __call__(self, key):
        return self[key]


class State(NamedTuple):
    """What the sections choose and order a commitment's row by: its state at the week's end."""

    status: str
    confidence: str
    is_open: bool
    target_date: datetime.date | None
    last_update: datetime.datetime | None
    created_at: datetime.datetime
    title: str
    owner: str
    venue_id: int | None
    theme_ids: tuple[int, ...]
    # What only the row itself shows.
    division_id: int | None
    origin_id: int | None
    next_step: str


def summary(
    states: dict[int, State], previous: dict[int, tuple[str, str, bool]]
) -> tuple[list[CountRow], list[CountRow], CountRow, CountRow]:
    # Counted from the states the sections need anyway: a count in SQL would evaluate the same
    # as-of lookups (the most of a build's database time) a second time.
    now_status = Counter(s.status for s in states.values())
    now_confidence = Counter(s.confidence for s in states.values() if s.is_open)
    prev_status = Counter(status for status, _c, _o in previous.values())
    prev_confidence = Counter(confidence for _s, confidence, opened in previous.values() if opened)
    statuses = [
        CountRow(value, label, now_status[value], prev_status[value])
        for value, label in Status.choices
    ]
    confidences = [
        CountRow(value, label, now_confidence[value], prev_confidence[value])
        for value, label in Confidence.choices
    ]
    total = CountRow("total", _("All commitments"), len(states), len(previous))
    open_total = CountRow(
        "open",
        _("Open"),
        sum(1 for s in states.values() if s.is_open),
        sum(1 for *_rest, is_open in previous.values() if is_open),
    )
    return statuses, confidences, total, open_total


def changes(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    states: dict[int, State],
    row_of: Memo,
) -> LazyRows:
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
    authors = Memo(lambda parts: format_user_name(*parts, language))
    kept = [
        entry
        for entry in entries
        if entry[0] in states and (entry[5] != entry[6] or entry[7] != entry[8])
    ]

    def make(index: int) -> ChangeRow:
        pk, at, username, first, last, s_from, s_to, c_from, c_to, note = kept[index]
        return ChangeRow(
            at=at.astimezone(zone),
            commitment=row_of(pk),
            author=authors((first, last, username)),
            status_from=s_from,
            status_to=s_to,
            confidence_from=c_from,
            confidence_to=c_to,
            note=note,
        )

    return LazyRows(list(range(len(kept))), Memo(make).__getitem__)


def _meeting_row(meeting: Meeting, **lists) -> MeetingRow:
    return MeetingRow(
        pk=meeting.pk,
        title=meeting.title,
        starts_at=local(meeting.starts_at),
        place=meeting.place,
        series=meeting.series.name if meeting.series_id else "",
        **lists,
    )


def meetings_held(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    row_of: Memo,
    states: dict[int, State],
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
        if pk in states and meeting_id in meetings:
            meetings[meeting_id].follow_ups.append(
                FollowUpRow(row_of(pk), outcome, note, format_user_name(first, last, username))
            )
    return list(meetings.values())


def upcoming(
    *,
    end: datetime.datetime,
    states: dict[int, State],
    open_pks: list[int],
    themes_of: dict[int, list[int]],
    lazy: Callable[[list[int]], LazyRows],
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
    by_target = sorted(
        ((pk, states[pk]) for pk in open_pks),
        key=lambda item: (date_key(item[1].target_date), item[1].title),
    )
    result = []
    for meeting in meetings:
        briefing = []
        if meeting.series_id:
            themes = series_themes.get(meeting.series_id, set())
            briefing = [
                pk
                for pk, s in by_target
                if s.venue_id == meeting.series_id
                or (themes and not themes.isdisjoint(s.theme_ids))
            ]
        result.append(_meeting_row(meeting, briefing=lazy(briefing)))
    return result


def group_by_theme(
    pks: list[int],
    *,
    states: dict[int, State],
    texts: Memo,
    theme: Theme | None,
    lazy: Callable[[list[int]], LazyRows],
) -> list[ThemeGroup]:
    # An item with several themes is listed under each, so that a theme's section is complete.
    groups: dict[str, list[int]] = defaultdict(list)
    without: list[int] = []
    for pk in pks:
        names = texts(states[pk].theme_ids)
        if theme is not None:
            groups[theme.name].append(pk)
        elif names:
            for name in names:
                groups[name].append(pk)
        else:
            without.append(pk)

    def by_target(group: list[int]) -> LazyRows:
        return lazy(
            sorted(group, key=lambda pk: (date_key(states[pk].target_date), states[pk].title, pk))
        )

    result = [ThemeGroup(name, by_target(group)) for name, group in sorted(groups.items())]
    if without:
        result.append(ThemeGroup(_("No theme"), by_target(without)))
    return result
