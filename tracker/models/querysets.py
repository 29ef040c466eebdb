"""The reads: chainable QuerySet methods, so that "open", "overdue" or "stale" is spelled once."""

from __future__ import annotations

import datetime
import re

from django.db import connections, models
from django.db.models import Count, Lookup, Q

from .choices import OPEN_STATUSES, Confidence, Status

STALE_AFTER_DAYS = 14
MEETING_LONG_TEXTS = ("readout_text", "summary", "notes")
# What the list page's rows read (`CommitmentQuerySet.for_list_page`).
LIST_PAGE_FIELDS = (
    "title",
    "status",
    "confidence",
    "version",
    "target_date",
    "last_update_at",
    "next_step",
    "origin_meeting__title",
    "origin_meeting__starts_at",
    "origin_meeting__time_zone",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "lead_division__name",
    "lead_division__name_ja",
)
# What the dashboard's short lists read (`CommitmentQuerySet.for_dashboard`).
DASHBOARD_ROW_FIELDS = (
    "title",
    "status",
    "confidence",
    "target_date",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "lead_division__name",
    "lead_division__name_ja",
)
# What the dashboard's recent activity reads (`StatusUpdateQuerySet.recent`).
ACTIVITY_FIELDS = (
    "created_at",
    "status_from",
    "status_to",
    "confidence_from",
    "confidence_to",
    "note",
    "commitment__title",
    "author__first_name",
    "author__last_name",
    "author__username",
)


# What `in_codes` writes into the SQL: a choice's code, nothing that needs quoting or escaping.
CODE = re.compile(r"[a-z_]+")


@models.CharField.register_lookup
class InCodes(Lookup):
    """`column IN ('a', 'b')` with the codes written into the SQL rather than bound.

    SQLite uses a partial index only where the query's condition implies the index's, and it
    cannot tell that of an `IN (?, ?)` list: with bound statuses its planner passed over the
    partial index on open items (`commitment_open_target`) and sorted every open overdue item to
    list the dashboard's first ten. PostgreSQL binds on the client, so it reads the same SQL
    either way. For a choice's fixed codes only: anything else is refused, never quoted."""

    lookup_name = "in_codes"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        codes = [str(code) for code in self.rhs]
        if not codes or not all(CODE.fullmatch(code) for code in codes):
            raise ValueError(f"in_codes takes choice codes only, not {codes!r}")
        written = ", ".join(f"'{code}'" for code in codes)
        return f"{lhs} IN ({written})", params


def open_commitments() -> Q:
    """The condition for an open commitment.

    The statuses written out in the order the partial index on open items names them: SQLite
    uses that index only for a condition spelled as its own (`InCodes`)."""
    return Q(is_archived=False, status__in_codes=sorted(OPEN_STATUSES))


def overdue_commitments(today: datetime.date) -> Q:
    return open_commitments() & _overdue(today)


def due_commitments(start: datetime.date, end: datetime.date) -> Q:
    return open_commitments() & _due(start, end)


def red_commitments() -> Q:
    return open_commitments() & _red()


def stale_commitments(now: datetime.datetime, days: int = STALE_AFTER_DAYS) -> Q:
    return open_commitments() & _stale(now, days)


# What each kind of attention asks of an item besides being open.
def _overdue(today: datetime.date) -> Q:
    return Q(target_date__lt=today)


def _due(start: datetime.date, end: datetime.date) -> Q:
    return Q(target_date__gte=start, target_date__lte=end)


def _red() -> Q:
    return Q(confidence=Confidence.RED)


def _stale(now: datetime.datetime, days: int = STALE_AFTER_DAYS) -> Q:
    cutoff = now - datetime.timedelta(days=days)
    return Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True)


def attention_conditions(
    *, now: datetime.datetime, today: datetime.date, due_soon_days: int
) -> dict[str, Q]:
    """The dashboard's sections of open items that need attention, each as a condition, so that
    a section's list and its count are the same items."""
    return {
        name: open_commitments() & extra
        for name, extra in _attention_extras(
            now=now, today=today, due_soon_days=due_soon_days
        ).items()
    }


def _attention_extras(
    *, now: datetime.datetime, today: datetime.date, due_soon_days: int
) -> dict[str, Q]:
    """Each section's condition without "open", for a count already grouped by status."""
    return {
        "overdue": _overdue(today),
        "due_soon": _due(today, today + datetime.timedelta(days=due_soon_days)),
        "stale": _stale(now),
        "red": _red(),
    }


# The order each section lists its items in: the most pressing first.
ATTENTION_ORDER = {
    "overdue": ("target_date", "pk"),
    "due_soon": ("target_date", "pk"),
    "stale": ("last_update_at", "pk"),
    "red": ("target_date", "pk"),
}


class ThemeQuerySet(models.QuerySet):
    def with_open_counts(self) -> list:
        """These themes, each with `n`, the number of its open commitments; the busiest first,
        then by name.

        Two reads: the counts, grouped from the theme links of the open items (their ids come
        off the open items' partial index), then the themes. Joining the links to the
        commitments instead reads each linked commitment's whole row: at 10,000 commitments
        that one query took 18 ms on SQLite and 9.5 ms on PostgreSQL, these two 5 and 3 ms.
        """
        from .commitments import Commitment

        counts = dict(
            Commitment.themes.through.objects.filter(
                commitment__in=Commitment.objects.open().values("pk")
            )
            .order_by()
            .values("theme")
            .annotate(n=Count("*"))
            .values_list("theme", "n")
        )
        themes = list(self.order_by("name"))
        for theme in themes:
            theme.n = counts.get(theme.pk, 0)
        # A stable sort: themes with as many items stay in the database's order of names.
        return sorted(themes, key=lambda theme: -theme.n)


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime, days: int) -> MeetingQuerySet:
        return self.filter(starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days))

    def held_between(self, start: datetime.datetime, end: datetime.datetime) -> MeetingQuerySet:
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def search(self, text: str) -> MeetingQuerySet:
        return self.filter(
            Q(title__icontains=text) | Q(place__icontains=text) | Q(series__name__icontains=text)
        )

    def with_counts(self) -> MeetingQuerySet:
        """Each meeting with how many commitments were made and followed up at it."""
        return self.annotate(
            commitment_count=Count("commitments", distinct=True),
            follow_up_count=Count("follow_ups", distinct=True),
        )


class CommitmentQuerySet(models.QuerySet):
    def active(self) -> CommitmentQuerySet:
        return self.filter(is_archived=False)

    def open(self) -> CommitmentQuerySet:
        return self.filter(open_commitments())

    def overdue(self, today: datetime.date) -> CommitmentQuerySet:
        return self.filter(overdue_commitments(today))

    def due_between(self, start: datetime.date, end: datetime.date) -> CommitmentQuerySet:
        return self.filter(due_commitments(start, end))

    def red(self) -> CommitmentQuerySet:
        return self.filter(red_commitments())

    def without_owner(self) -> CommitmentQuerySet:
        return self.open().filter(owner__isnull=True)

    def stale(self, now: datetime.datetime, days: int = STALE_AFTER_DAYS) -> CommitmentQuerySet:
        return self.filter(stale_commitments(now, days))

    def for_divisions(self, divisions) -> CommitmentQuerySet:
        return self.filter(lead_division__in=divisions)

    def open_for(self, user, divisions) -> CommitmentQuerySet:
        """The open items a user owns or whose lead division they belong to."""
        return self.open().filter(Q(owner=user) | Q(lead_division__in=divisions))

    def search(self, text: str, *, scan: bool = False) -> CommitmentQuerySet:
        """The commitments whose title, quote, next step or any journal note contains `text`,
        whatever its case or width: a substring test on the folded search document, answered
        by an index (see `tracker.models.search`), one row per commitment, no join to notes.

        `scan` (SQLite): the same test on each commitment's document as the rows are read in
        their order, instead of the index. For the first page of a phrase that thousands of
        documents contain, that stops after the first few dozen documents, where the index
        finds every match to sort them (0.5 against 18 ms for a phrase in 7,316 of 10,000);
        for a rare phrase it reads every document (32 ms). PostgreSQL's index serves both."""
        from .search import TRIGRAM, CommitmentSearchDocument, search_fold

        phrase = search_fold(text)
        if not phrase:
            return self
        if scan and connections[self.db].vendor == "sqlite":
            documents = CommitmentSearchDocument.objects.filter(commitment=models.OuterRef("pk"))
            return self.filter(models.Exists(documents.filter(document__contains=phrase)))
        if connections[self.db].vendor == "sqlite" and len(phrase) >= TRIGRAM:
            # A quoted FTS5 phrase: its trigrams in a row, i.e. the substring; nothing in it is
            # an operator, and a double quote is written twice. A join, not `pk IN (matches)`:
            # see `CommitmentSearchIndex`.
            match = '"' + phrase.replace('"', '""') + '"'
            return self.filter(search_index__all_columns__match=match)
        # PostgreSQL: the trigram index serves LIKE (the lookup escapes %, _ and \), and a
        # phrase under three characters reads the whole index, still not the notes. SQLite: one
        # or two characters make no trigram for FTS5 to look up, so LIKE reads the documents.
        return self.filter(search_document__document__contains=phrase)

    def for_list(self) -> CommitmentQuerySet:
        """What a list of commitments shows, in a constant number of queries; without the
        meetings' long texts, which the sort would otherwise carry through every row."""
        return (
            self.select_related("origin_meeting", "owner", "lead_division", "follow_up_venue")
            .defer(*(f"origin_meeting__{name}" for name in MEETING_LONG_TEXTS))
            .prefetch_related("themes", "parties")
        )

    def for_api(self) -> CommitmentQuerySet:
        """What the JSON API sends of each commitment: `for_list` without its prefetches; the
        API reads the themes' and parties' codes of the rows it sends with `attach_codes`."""
        return self.for_list().prefetch_related(None)

    def for_list_page(self) -> CommitmentQuerySet:
        """The columns the list page's rows show (templates/tracker/commitment_list.html), and
        no others: every row is read, built and keyed for its row cache on every page, and a
        user's password hash or a meeting's details are no part of it. The themes are read by
        `attach_theme_lists`, for the page's rows only. A column added to the rows must be added
        here: the pinned query count of the list fails otherwise (a query per row)."""
        return self.select_related("origin_meeting", "owner", "lead_division").only(
            *LIST_PAGE_FIELDS
        )

    def for_dashboard(self) -> CommitmentQuerySet:
        """The columns the dashboard's short lists show (templates/tracker/
        _commitment_rows.html), and no others, for the reason `for_list_page` gives."""
        return self.select_related("owner", "lead_division").only(*DASHBOARD_ROW_FIELDS)

    def attention_sections(
        self, *, now: datetime.datetime, today: datetime.date, due_soon_days: int
    ) -> dict[str, CommitmentQuerySet]:
        """The open items that need attention, by reason, each in the order it is listed."""
        return {
            name: self.filter(condition).order_by(*ATTENTION_ORDER[name])
            for name, condition in attention_conditions(
                now=now, today=today, due_soon_days=due_soon_days
            ).items()
        }

    def dashboard_counts(
        self, *, now: datetime.datetime, today: datetime.date, due_soon_days: int
    ) -> tuple[dict[str, int], dict[str, int]]:
        """How many active items each status has, and how many open items each attention section
        holds: one pass over the active commitments, grouped by status, instead of a count per
        box. A section counts the rows of the open statuses that meet its condition: the items of
        `attention_conditions`, each tested once for each section rather than also for "open"."""
        extras = _attention_extras(now=now, today=today, due_soon_days=due_soon_days)
        rows = (
            self.active()
            .order_by()
            .values("status")
            .annotate(
                # Rows counted by their status (never empty), a column of the active items'
                # partial index as every condition's is: the index answers the whole query.
                total=Count("status"),
                **{f"section_{name}": Count("status", filter=q) for name, q in extras.items()},
            )
        )
        statuses = dict.fromkeys(Status, 0)
        sections = dict.fromkeys(extras, 0)
        for row in rows:
            if row["status"] in Status.values:
                statuses[Status(row["status"])] = row["total"]
            if row["status"] in OPEN_STATUSES:
                for name in extras:
                    sections[name] += row[f"section_{name}"]
        return statuses, sections


def attach_theme_lists(commitments: list) -> list:
    """Give each commitment `theme_list`, its themes by name, in one query for all of them.

    What `prefetch_related("themes")` gives, for a page of rows, at a fraction of its cost: the
    prefetch builds a manager and a queryset for every row, which takes longer than reading the
    rows themselves. Each theme is one instance shared by the rows that name it (its name
    fields loaded, the others deferred)."""
    if not commitments:
        return commitments
    model = type(commitments[0])
    theme_model = model.themes.field.related_model
    links = (
        model.themes.through.objects.filter(commitment_id__in=[c.pk for c in commitments])
        .order_by("theme__name", "theme_id")
        .values_list("commitment_id", "theme_id", "theme__name", "theme__name_ja")
    )
    themes, lists = {}, {c.pk: [] for c in commitments}
    for commitment_id, *theme in links:
        if theme[0] not in themes:
            themes[theme[0]] = theme_model.from_db(None, ["id", "name", "name_ja"], theme)
        lists[commitment_id].append(themes[theme[0]])
    for commitment in commitments:
        commitment.theme_list = lists[commitment.pk]
    return commitments


def attach_codes(commitments: list) -> list:
    """Give each commitment `theme_codes` and `party_codes`, in the order of the themes' and
    parties' names, in one query each for all of them: the JSON API's rows, for which
    `prefetch_related` would build a manager and a queryset per row and relation."""
    if not commitments:
        return commitments
    model = type(commitments[0])
    for relation, attribute in (("themes", "theme_codes"), ("parties", "party_codes")):
        field = getattr(model, relation).field
        owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        codes = {commitment.pk: [] for commitment in commitments}
        links = (
            field.remote_field.through.objects.filter(**{f"{owner}_id__in": list(codes)})
            .order_by(f"{target}__name", f"{target}_id")
            .values_list(f"{owner}_id", f"{target}__code")
        )
        for commitment_id, code in links:
            codes[commitment_id].append(code)
        for commitment in commitments:
            setattr(commitment, attribute, codes[commitment.pk])
    return commitments


class StatusUpdateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Status updates are append-only.")

    def delete(self):
        raise TypeError("Status updates are append-only.")

    def recent(self, divisions=()) -> StatusUpdateQuerySet:
        """Newest first, limited to the items the divisions lead when any are given; with the
        columns the dashboard's activity shows (templates/tracker/dashboard.html), and no
        others: each entry is keyed for the row store by all it holds, and a commitment's long
        texts or an author's password hash are no part of it."""
        updates = (
            self.select_related("commitment", "author")
            .only(*ACTIVITY_FIELDS)
            .order_by("-created_at", "-pk")
        )
        if divisions:
            updates = updates.filter(commitment__lead_division__in=divisions)
        return updates
