"""Keeping each commitment's search document in step with what it says, in the caller's
transaction: the commitment services call these whenever they write a title, quote, next step
or journal note (the database's own index, pg_trgm or FTS5, follows the document)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

from ..models import (
    Commitment,
    CommitmentSearchDocument,
    StatusUpdate,
    search_document_text,
    search_fold,
)
from ..models.search import SEPARATOR

# The fields of a commitment that its document holds besides the notes.
SEARCHED_FIELDS = frozenset({"title", "quote", "next_step"})


def search_document_write(*, commitment: Commitment, notes: Iterable[str] | None = None) -> None:
    """Write the commitment's whole document from its stored fields and `notes` (read from the
    journal when not given), in one upsert. `commitment` must hold the stored values: the
    callers pass the row they hold locked or have just saved."""
    if notes is None:
        notes = (
            StatusUpdate.objects.filter(commitment=commitment)
            .order_by("created_at", "pk")
            .values_list("note", flat=True)
        )
    document = search_document_text(
        title=commitment.title,
        quote=commitment.quote,
        next_step=commitment.next_step,
        notes=notes,
    )
    CommitmentSearchDocument.objects.bulk_create(
        [CommitmentSearchDocument(commitment_id=commitment.pk, document=document)],
        update_conflicts=True,
        unique_fields=["commitment"],
        update_fields=["document"],
    )


def search_document_add_note(*, commitment: Commitment, note: str) -> None:
    """Append a new journal note to the document in one UPDATE, without reading the journal
    (the journal is append-only, so the notes already in the document stay true). A note the
    document already holds as it is adds nothing a search could find, and is left out."""
    folded = search_fold(note)
    if not folded:
        return
    held = GreaterThan(StrIndex(F("document"), Value(folded)), 0)
    found = CommitmentSearchDocument.objects.filter(commitment_id=commitment.pk).update(
        document=Case(
            When(held, then=F("document")),
            default=Concat(F("document"), Value(SEPARATOR + folded), output_field=TextField()),
            output_field=TextField(),
        )
    )
    if not found:
        # No document yet (a row written before the documents were kept): build it whole.
        search_document_write(commitment=commitment)


def search_documents_rebuild(*, batch_size: int = 500) -> int:
    """Rebuild every commitment's document from its fields and journal, in batches; for data
    written in bulk outside the services (the benchmark's data set). How many were written."""
    written = 0
    pks = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        notes: dict[int, list[str]] = {pk: [] for pk in batch}
        for commitment_id, note in (
            StatusUpdate.objects.filter(commitment_id__in=batch)
            .order_by("commitment_id", "created_at", "pk")
            .values_list("commitment_id", "note")
        ):
            notes[commitment_id].append(note)
        documents = [
            CommitmentSearchDocument(
                commitment_id=pk,
                document=search_document_text(
                    title=title, quote=quote, next_step=next_step, notes=notes[pk]
                ),
            )
            for pk, title, quote, next_step in Commitment.objects.filter(pk__in=batch)
            .order_by("pk")
            .values_list("pk", "title", "quote", "next_step")
        ]
        CommitmentSearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["commitment"],
            update_fields=["document"],
        )
        written += len(documents)
    return written
