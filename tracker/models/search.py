"""The text the commitment list searches: one document per commitment, kept by the services.

The document holds the commitment's title, verbatim quote, next step and every journal note,
folded (NFKC and case-folded) so that a plain case-sensitive substring test on it is the list's
case-insensitive search, and an index can answer it: a pg_trgm GIN index on PostgreSQL, an FTS5
trigram table on SQLite (both made by migration 0007, which the model's Meta cannot express).
Trigrams find Japanese by substring, where no word splitter would.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

from .commitments import Commitment

# The SQLite full-text table over `CommitmentSearchDocument.document` and its shortest useful
# phrase: the trigram tokenizer finds nothing shorter than one trigram.
SEARCH_FTS_TABLE = "tracker_commitment_search_fts"
TRIGRAM = 3
# Between the fields and the notes: a newline, so that a phrase typed in one line never matches
# across the end of one field and the start of the next.
SEPARATOR = "\n"


def search_fold(text: str) -> str:
    """`text` as the document stores it and the search compares it: NFKC, case-folded (full-width
    letters, ligatures and case all match their plain forms), without NUL, which PostgreSQL's
    text refuses."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("\x00", "")


def search_document_text(
    *, title: str, quote: str, next_step: str, notes: Iterable[str] = ()
) -> str:
    """The whole document of a commitment, folded. Each text once: journals repeat the same
    notes ("No change since the last report."), and a repeat finds nothing new."""
    parts = (search_fold(part) for part in (title, quote, next_step, *notes))
    return SEPARATOR.join(part for part in dict.fromkeys(parts) if part)


class CommitmentSearchDocument(models.Model):
    """A table of its own, so that the long document is neither read by every list nor copied
    into every history record, and a save of the commitment never rewrites it from a stale
    instance.

    On SQLite its FTS5 index is kept by triggers on this table (migration 0007): a later
    migration that makes Django rebuild the table (most field changes do, on SQLite) drops them
    and must create them again."""

    commitment = models.OneToOneField(
        Commitment,
        models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("commitment"),
    )
    document = models.TextField(_("search document"), editable=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.commitment_id)


class FullTextField(models.TextField):
    """An FTS5 table's hidden column of its own name: a `match` on it searches every column."""


@FullTextField.register_lookup
class FullTextMatch(Lookup):
    """`table MATCH query`, in FTS5's query syntax: the caller quotes what it passes."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class CommitmentSearchIndex(models.Model):
    """SQLite only: the FTS5 trigram table over the search documents, made and kept by
    migration 0007, never by Django. A model so that the list's search joins it: SQLite then
    reads the matches in the index's order and a bounded count stops at its bound (2 ms for a
    phrase in 7,316 of 10,000 documents), where a `pk IN (matches)` filter collects every match
    first (9 ms), once for the count and again for the rows."""

    commitment = models.OneToOneField(
        Commitment,
        models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_index",
        verbose_name=_("commitment"),
    )
    # Matched as the table, not as its one column: FTS5 finds a phrase faster so (10 against
    # 13 ms for the common phrase above).
    all_columns = FullTextField(_("search document"), db_column=SEARCH_FTS_TABLE, editable=False)

    class Meta:
        managed = False
        required_db_vendor = "sqlite"
        db_table = SEARCH_FTS_TABLE
        default_permissions = ()
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self) -> str:
        return str(self.commitment_id)


def person_name_forms(*, family_name: str, given_name: str, name_ja: str) -> tuple[str, ...]:
    """Every way a reader may type a person's name: given name first, family name first, and
    the Japanese name."""
    return (f"{given_name} {family_name}", f"{family_name} {given_name}", name_ja)


def meeting_document_text(
    *, title: str, place: str, participants: Iterable[str] = (), readout_text: str = ""
) -> str:
    """A meeting's document, folded: its title, place, the names of the people at it (every
    form of each) and its readout, the longest last."""
    parts = (search_fold(part) for part in (title, place, *participants, readout_text))
    return SEPARATOR.join(part for part in dict.fromkeys(parts) if part)


def person_document_text(*, names: Iterable[str], titles: Iterable[str] = ()) -> str:
    """A person's document, folded: every form of their name and every title they held."""
    parts = (search_fold(part) for part in (*names, *titles))
    return SEPARATOR.join(part for part in dict.fromkeys(parts) if part)


class MeetingSearchDocument(models.Model):
    """What the search from every page finds a meeting by (see `meeting_document_text`), kept
    by the meeting, person and participation services. Its indexes are made by migration 0016:
    on PostgreSQL a stored English text-search vector and a pg_trgm index, on SQLite two FTS5
    tables (words and trigrams) kept by triggers."""

    meeting = models.OneToOneField(
        "tracker.Meeting",
        models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("meeting"),
    )
    document = models.TextField(_("search document"), editable=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("meeting search document")
        verbose_name_plural = _("meeting search documents")

    def __str__(self) -> str:
        return str(self.meeting_id)


class PersonSearchDocument(models.Model):
    """What the search from every page finds a person by (see `person_document_text`); indexed
    like the meetings' documents, but with PostgreSQL's 'simple' configuration: names have no
    English stems."""

    person = models.OneToOneField(
        "tracker.Person",
        models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("person"),
    )
    document = models.TextField(_("search document"), editable=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("person search document")
        verbose_name_plural = _("person search documents")

    def __str__(self) -> str:
        return str(self.person_id)
