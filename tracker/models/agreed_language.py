"""Agreed language: the sentences staff look up before drafting a new statement.

One row per sentence of a meeting's stored readout, and one per commitment's verbatim quote
(dated by its origin meeting), each with its text folded for search (`normalised`). The rows are
written by the services that save a readout or a quote (`tracker.services.agreed_language`),
never by signals. A substring search on `normalised` is answered by an index that the model's
Meta cannot express: pg_trgm's GIN index on PostgreSQL, an FTS5 trigram table kept by triggers
on SQLite (both made by migration 0017, as 0007 does for the commitments' search documents).
"""

from __future__ import annotations

import unicodedata

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from .commitments import Commitment
from .meetings import Meeting
from .search import TRIGRAM, search_fold

AGREED_FTS_TABLE = "tracker_agreed_sentence_fts"
# More candidates than this and the phrase is common: the ordered scan is the faster read.
FTS_CANDIDATES = 4_000
SAMPLED_TRIGRAMS = 4
# The letters English uses most, and the space: a trigram of them is in many sentences.
_COMMON_CHARACTERS = frozenset("etaoinshr ")


def _sample_trigrams(phrase: str) -> list[str]:
    """A few of the phrase's trigrams, those with the fewest common letters first (Japanese
    has none), spread over the phrase as their order allows."""
    trigrams = list(dict.fromkeys(phrase[i : i + TRIGRAM] for i in range(len(phrase) - 2)))
    ranked = sorted(trigrams, key=lambda t: sum(ch in _COMMON_CHARACTERS for ch in t))
    return ranked[:SAMPLED_TRIGRAMS]


def agreed_fold(text: str) -> str:
    """`text` as the search compares it: folded like the commitment search (NFKC, case), with
    control characters dropped and every run of white space made one space, so that a phrase
    typed on one line finds a sentence that a readout wrapped."""
    folded = search_fold(text)
    kept = (" " if unicodedata.category(ch) == "Cc" else ch for ch in folded)
    return " ".join("".join(kept).split())


class AgreedSentenceQuerySet(models.QuerySet):
    def containing(self, phrase: str) -> AgreedSentenceQuerySet:
        """The sentences whose normalised text contains `phrase` (already `agreed_fold`ed), by
        the index: pg_trgm's GIN index on PostgreSQL (LIKE uses it); on SQLite, FTS5's trigram
        table gives the candidates and LIKE keeps the exact matches."""
        if not phrase:
            return self.none()
        exact = self.filter(normalised__contains=phrase)
        if connections[self.db].vendor != "sqlite" or len(phrase) < TRIGRAM:
            # One or two characters make no trigram to look up: LIKE reads the sentences, in
            # the order of the search, and stops at the page's last.
            return exact
        candidates = self._fts_candidates(phrase)
        if candidates is None:
            # A phrase in most sentences: reading them in order finds a page's worth at once,
            # where a list of every candidate would be long and then sorted.
            return exact
        return exact.filter(pk__in=candidates)

    def _fts_candidates(self, phrase: str) -> RawSQL | None:
        """The rows holding a few of the phrase's rarer-looking trigrams (a superset of the
        matches), as a subquery, or None when there are more than FTS_CANDIDATES of them. A
        handful of trigrams decode far fewer postings than the whole phrase's, and LIKE checks
        the rest. Each trigram is a quoted FTS5 string: nothing in it is an operator. Counted
        here and read again by the search as a subquery: thousands of numbers passed back as
        parameters cost more than the second lookup."""
        terms = _sample_trigrams(phrase)
        match = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
        table = connections[self.db].ops.quote_name(AGREED_FTS_TABLE)
        # The table's name is a constant; the query and the limit are parameters.
        candidates = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({candidates} LIMIT %s)",  # noqa: S608
                [match, FTS_CANDIDATES + 1],
            )
            (count,) = cursor.fetchone()
        return None if count > FTS_CANDIDATES else RawSQL(candidates, [match])  # noqa: S611

    def oldest_first(self) -> AgreedSentenceQuerySet:
        # By the meeting's start kept on the row: its index gives a common phrase's oldest
        # matches without sorting them all.
        return self.order_by("meeting_starts_at", "meeting_id", "position", "pk")

    def for_display(self) -> AgreedSentenceQuerySet:
        """With the meeting and commitment the results name, without the meeting's long texts."""
        return self.select_related("meeting", "commitment").only(
            "pk",
            "position",
            "text",
            "meeting__id",
            "meeting__title",
            "meeting__starts_at",
            "meeting__time_zone",
            "commitment__id",
            "commitment__title",
        )


class AgreedSentence(models.Model):
    """A sentence of a stored readout (`commitment` empty, `position` its character offset in
    the readout), or a commitment's verbatim quote (`commitment` set, `meeting` its origin
    meeting, `position` the quote's offset when known)."""

    meeting = models.ForeignKey(
        Meeting,
        models.CASCADE,
        verbose_name=_("meeting"),
        related_name="agreed_sentences",
    )
    commitment = models.OneToOneField(
        Commitment,
        models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("commitment"),
        related_name="agreed_quote",
    )
    position = models.PositiveIntegerField(_("position in readout"), null=True, blank=True)
    # The meeting's start, kept by the services with the meeting's: the search's order.
    meeting_starts_at = models.DateTimeField(_("meeting start"), editable=False)
    text = models.TextField(_("sentence"), editable=False)
    normalised = models.TextField(_("normalised sentence"), editable=False)

    objects = AgreedSentenceQuerySet.as_manager()

    class Meta:
        default_permissions = ()
        ordering = ["meeting_id", "position", "pk"]
        verbose_name = _("agreed-language sentence")
        verbose_name_plural = _("agreed-language sentences")
        indexes = [
            models.Index(fields=["meeting", "position"], name="agreed_sentence_meeting"),
            models.Index(
                fields=["meeting_starts_at", "meeting", "position", "id"],
                name="agreed_sentence_oldest",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_quote(self) -> bool:
        return self.commitment_id is not None
