"""The reads: chainable QuerySet methods, so that "open", "overdue" or "stale" is spelled once."""

from __future__ import annotations

import datetime

from django.db import connections, models
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from .choices import OPEN_STATUSES, Confidence

STALE_AFTER_DAYS = 14
MEETING_LONG_TEXTS = ("readout_text", "summary", "notes")


def open_commitments(prefix: str = "") -> Q:
    """The condition for an open commitment, also from a related model (`prefix="commitment__"`).

    The statuses in a fixed order, as the partial index on open items names them: SQLite uses
    that index only for a condition spelled as its own."""
    return Q(**{f"{prefix}is_archived": False, f"{prefix}status__in": sorted(OPEN_STATUSES)})


class ThemeQuerySet(models.QuerySet):
    def with_open_counts(self) -> ThemeQuerySet:
        """Each theme with `n`, the number of its open commitments; the busiest first."""
        return self.annotate(
            n=Count("commitment", filter=open_commitments("commitment__"))
        ).order_by("-n", "name")


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
        return self.open().filter(target_date__lt=today)

    def due_between(self, start: datetime.date, end: datetime.date) -> CommitmentQuerySet:
        return self.open().filter(target_date__gte=start, target_date__lte=end)

    def red(self) -> CommitmentQuerySet:
        return self.open().filter(confidence=Confidence.RED)

    def without_owner(self) -> CommitmentQuerySet:
        return self.open().filter(owner__isnull=True)

    def stale(self, now: datetime.datetime, days: int = STALE_AFTER_DAYS) -> CommitmentQuerySet:
        cutoff = now - datetime.timedelta(days=days)
        return self.open().filter(Q(last_update_at__lt=cutoff) | Q(last_update_at__isnull=True))

    def for_divisions(self, divisions) -> CommitmentQuerySet:
        return self.filter(lead_division__in=divisions)

    def open_for(self, user, divisions) -> CommitmentQuerySet:
        """The open items a user owns or whose lead division they belong to."""
        return self.open().filter(Q(owner=user) | Q(lead_division__in=divisions))

    def search(self, text: str) -> CommitmentQuerySet:
        """The commitments whose title, quote, next step or any journal note contains `text`,
        whatever its case or width: a substring test on the folded search document, answered
        by an index (see `tracker.models.search`), one row per commitment, no join to notes."""
        from .search import SEARCH_FTS_TABLE, TRIGRAM, search_fold

        phrase = search_fold(text)
        if not phrase:
            return self
        if connections[self.db].vendor == "sqlite" and len(phrase) >= TRIGRAM:
            # A quoted FTS5 phrase: its trigrams in a row, i.e. the substring; nothing in it is
            # an operator, and a double quote is written twice.
            match = '"' + phrase.replace('"', '""') + '"'
            table = connections[self.db].ops.quote_name(SEARCH_FTS_TABLE)
            # The table's name is a constant; the phrase is a parameter.
            rows = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608
            return self.filter(pk__in=RawSQL(rows, [match]))  # noqa: S611
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

    def status_counts(self) -> dict[str, int]:
        """How many active items each status has; a status nobody is in is missing."""
        return dict(self.active().values_list("status").annotate(n=Count("pk")).order_by())

    def attention_sections(
        self, *, now: datetime.datetime, today: datetime.date, due_soon_days: int
    ) -> dict[str, CommitmentQuerySet]:
        """The open items that need attention, by reason, each in the order it is listed."""
        due_soon_end = today + datetime.timedelta(days=due_soon_days)
        return {
            "overdue": self.overdue(today).order_by("target_date", "pk"),
            "due_soon": self.due_between(today, due_soon_end).order_by("target_date", "pk"),
            "stale": self.stale(now).order_by("last_update_at", "pk"),
            "red": self.red().order_by("target_date", "pk"),
        }


class StatusUpdateQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Status updates are append-only.")

    def delete(self):
        raise TypeError("Status updates are append-only.")

    def recent(self, divisions=()) -> StatusUpdateQuerySet:
        """Newest first, limited to the items the divisions lead when any are given."""
        updates = self.select_related("commitment", "author").order_by("-created_at", "-pk")
        if divisions:
            updates = updates.filter(commitment__lead_division__in=divisions)
        return updates
