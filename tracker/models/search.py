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
