"""Keeping the agreed-language sentences in step with the readouts and quotes they come from.

The meeting services call `readout_sentences_write` after creating a meeting and
`meeting_sentences_sync` after editing one (whichever door: the admin, the readout import, the
spreadsheet import), so the sentences follow its readout and its start; the commitment services
call `quote_sentence_write` after saving a quote or moving a commitment to another meeting.
All run in the caller's transaction (no savepoint of their own: a failure fails the caller's
save whole); the database's index (pg_trgm or FTS5) follows the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from ..models import AgreedSentence, Commitment, Meeting, agreed_fold
from ..wording import readout_sentences

BATCH = 500
# What a commitment's stored quote row holds besides the quote's text.
QUOTE_FIELDS = frozenset({"quote", "quote_position", "origin_meeting"})


def _sentence_rows(meeting_id: int, starts_at: datetime, readout: str) -> list[AgreedSentence]:
    return [
        AgreedSentence(
            meeting_id=meeting_id,
            meeting_starts_at=starts_at,
            position=offset,
            text=text,
            normalised=folded,
        )
        for offset, text in readout_sentences(readout)
        if (folded := agreed_fold(text))
    ]


@transaction.atomic(savepoint=False)
def readout_sentences_write(*, meeting: Meeting) -> int:
    """Store the sentences of the meeting's readout as saved (`meeting` holds the stored text:
    the callers pass the row they have just saved). An unchanged readout writes nothing; a
    changed one replaces every sentence. How many sentences the readout has."""
    rows = _sentence_rows(meeting.pk, meeting.starts_at, meeting.readout_text)
    stored = list(
        AgreedSentence.objects.filter(meeting_id=meeting.pk, commitment__isnull=True)
        .order_by("position", "pk")
        .values_list("position", "text")
    )
    if stored == [(row.position, row.text) for row in rows]:
        return len(rows)
    if stored:
        AgreedSentence.objects.filter(meeting_id=meeting.pk, commitment__isnull=True).delete()
    AgreedSentence.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@transaction.atomic(savepoint=False)
def meeting_sentences_sync(*, meeting: Meeting, fields: Iterable[str]) -> None:
    """After a meeting's edit of `fields`: its readout's sentences rewritten if the readout
    changed, and every sentence and quote of the meeting moved with its start."""
    fields = set(fields)
    if "readout_text" in fields:
        readout_sentences_write(meeting=meeting)
    if "starts_at" in fields:
        AgreedSentence.objects.filter(meeting_id=meeting.pk).exclude(
            meeting_starts_at=meeting.starts_at
        ).update(meeting_starts_at=meeting.starts_at)


@transaction.atomic(savepoint=False)
def quote_sentence_write(*, commitment: Commitment, new: bool = False) -> None:
    """Store the commitment's verbatim quote, dated by its origin meeting (`commitment` holds
    the stored values; `new`: just created, so nothing is stored yet); an empty quote has
    nothing to find."""
    folded = agreed_fold(commitment.quote)
    stored = AgreedSentence.objects.filter(commitment_id=commitment.pk)
    if not folded:
        if not new:
            stored.delete()
        return
    values = {
        "meeting_id": commitment.origin_meeting_id,
        "meeting_starts_at": commitment.origin_meeting.starts_at,
        "position": commitment.quote_position,
        "text": commitment.quote,
        "normalised": folded,
    }
    if new or not stored.update(**values):
        AgreedSentence.objects.create(commitment_id=commitment.pk, **values)


@transaction.atomic(savepoint=False)
def agreed_sentences_rebuild(*, batch_size: int = BATCH) -> int:
    """Rebuild every stored sentence from the readouts and quotes, in batches: for data written
    in bulk outside the services (the benchmark's data set). How many rows were written."""
    AgreedSentence.objects.all().delete()
    written = 0
    meeting_ids = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(meeting_ids), batch_size):
        batch = meeting_ids[start : start + batch_size]
        rows = [
            row
            for pk, starts_at, readout in Meeting.objects.filter(pk__in=batch)
            .exclude(readout_text="")
            .values_list("pk", "starts_at", "readout_text")
            for row in _sentence_rows(pk, starts_at, readout)
        ]
        written += len(AgreedSentence.objects.bulk_create(rows, batch_size=batch_size))
    quotes = Commitment.objects.order_by("pk").values_list(
        "pk", "origin_meeting_id", "origin_meeting__starts_at", "quote_position", "quote"
    )
    rows = []
    for pk, meeting_id, starts_at, position, quote in quotes.iterator(chunk_size=batch_size):
        if folded := agreed_fold(quote):
            rows.append(
                AgreedSentence(
                    commitment_id=pk,
                    meeting_id=meeting_id,
                    meeting_starts_at=starts_at,
                    position=position,
                    text=quote,
                    normalised=folded,
                )
            )
        if len(rows) >= batch_size:
            written += len(AgreedSentence.objects.bulk_create(rows))
            rows = []
    written += len(AgreedSentence.objects.bulk_create(rows))
    return written
