"""Keeping each commitment's, meeting's and person's search document in step with what it says,
in the caller's transaction: the commitment services call these whenever they write a title,
quote, next step or journal note; the meeting, person and participation services whenever they
write what a meeting's or person's document holds (the database's own indexes follow the
document)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, F, TextField, Value, When
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import GreaterThan

from ..models import (
    Commitment,
    CommitmentSearchDocument,
    Meeting,
    MeetingSearchDocument,
    Participation,
    Person,
    PersonSearchDocument,
    StatusUpdate,
    meeting_document_text,
    person_document_text,
    person_name_forms,
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


def search_documents_add_note(*, commitment_ids: Iterable[int], note: str) -> None:
    """`search_document_add_note` for many commitments given the same note (a bulk edit), in
    one UPDATE; a commitment without a document yet gets its whole one written."""
    folded = search_fold(note)
    commitment_ids = list(commitment_ids)
    if not folded or not commitment_ids:
        return
    held = GreaterThan(StrIndex(F("document"), Value(folded)), 0)
    found = CommitmentSearchDocument.objects.filter(commitment_id__in=commitment_ids).update(
        document=Case(
            When(held, then=F("document")),
            default=Concat(F("document"), Value(SEPARATOR + folded), output_field=TextField()),
            output_field=TextField(),
        )
    )
    if found < len(set(commitment_ids)):
        # Rows written before the documents were kept: built whole, as one by one.
        have = set(
            CommitmentSearchDocument.objects.filter(commitment_id__in=commitment_ids).values_list(
                "commitment_id", flat=True
            )
        )
        for commitment in Commitment.objects.filter(pk__in=set(commitment_ids) - have):
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


def _people_names(person_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    return {
        pk: person_name_forms(family_name=family, given_name=given, name_ja=name_ja)
        for pk, family, given, name_ja in Person.objects.filter(pk__in=person_ids).values_list(
            "pk", "family_name", "given_name", "name_ja"
        )
    }


def meeting_search_documents_write(*, meeting_ids: Iterable[int]) -> None:
    """Write the search documents of the meetings from their stored title, place, readout and
    participants, in one upsert: after a meeting is saved, or someone at it changed."""
    meeting_ids = list(meeting_ids)
    if not meeting_ids:
        return
    at: dict[int, list[str]] = {pk: [] for pk in meeting_ids}
    for meeting_id, family, given, name_ja in (
        Participation.objects.filter(meeting_id__in=meeting_ids)
        .order_by("meeting_id", "order", "pk")
        .values_list("meeting_id", "person__family_name", "person__given_name", "person__name_ja")
    ):
        at[meeting_id].extend(
            person_name_forms(family_name=family, given_name=given, name_ja=name_ja)
        )
    documents = [
        MeetingSearchDocument(
            meeting_id=pk,
            document=meeting_document_text(
                title=title, place=place, participants=at[pk], readout_text=readout_text
            ),
        )
        for pk, title, place, readout_text in Meeting.objects.filter(pk__in=meeting_ids)
        .order_by("pk")
        .values_list("pk", "title", "place", "readout_text")
    ]
    MeetingSearchDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["meeting"], update_fields=["document"]
    )


def person_search_documents_write(*, person_ids: Iterable[int]) -> None:
    """Write the search documents of the people from their names and the titles they held."""
    names = _people_names(set(person_ids))
    titles: dict[int, list[str]] = {pk: [] for pk in names}
    for person_id, title in (
        Participation.objects.filter(person_id__in=names)
        .order_by("person_id", "meeting__starts_at", "pk")
        .values_list("person_id", "title")
    ):
        titles[person_id].append(title)
    PersonSearchDocument.objects.bulk_create(
        [
            PersonSearchDocument(
                person_id=pk, document=person_document_text(names=forms, titles=titles[pk])
            )
            for pk, forms in names.items()
        ],
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["document"],
    )


def person_renamed(*, person: Person) -> None:
    """A person's name changed: their document and those of every meeting they were at."""
    person_search_documents_write(person_ids=[person.pk])
    meeting_search_documents_write(
        meeting_ids=Participation.objects.filter(person_id=person.pk)
        .values_list("meeting_id", flat=True)
        .distinct()
    )


def participants_changed(*, meeting_id: int, person_ids: Iterable[int]) -> None:
    """Someone joined or left a meeting, or their title there changed."""
    meeting_search_documents_write(meeting_ids=[meeting_id])
    person_search_documents_write(person_ids=person_ids)


def meeting_and_person_documents_rebuild(*, batch_size: int = 500) -> int:
    """Rebuild every meeting's and person's document, in batches; for data written in bulk
    outside the services (the benchmarks' data sets). How many were written."""
    written = 0
    for model, write, key in (
        (Meeting, meeting_search_documents_write, "meeting_ids"),
        (Person, person_search_documents_write, "person_ids"),
    ):
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            write(**{key: pks[start : start + batch_size]})
        written += len(pks)
    return written
