"""Sealing journal entries into the hash chain, and checking the chain.

`journal_seal` is called by the services that write the journal (`commitments._append`, the
follow-up services), inside their transaction: it locks the `JournalHead` row, appends one link
and moves the head, three queries whatever the size of the chain. The lock is the row lock of
`select_for_update` on PostgreSQL; SQLite takes the database's write lock when the transaction
begins (`transaction_mode` IMMEDIATE), so writers are serialised there already. Every journal
writer locks its commitment or follow-up before the head, never after, so two writers cannot wait
for each other in a cycle.

`journal_verify` recomputes everything from the rows as they are and names the first entry that
was changed, removed or slipped in behind the application's back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping

from django.db import models, transaction
from django.utils import timezone

from ..models import (
    GENESIS_HASH,
    FollowUp,
    JournalHead,
    JournalLink,
    JournalLinkKind,
    StatusUpdate,
)
from ..models.journal_chain import (
    FOLLOW_UP_CONTENT,
    FOLLOW_UP_KINDS,
    STATUS_UPDATE_CONTENT,
    content_hash,
    link_hash,
    row_content_hash,
    table_of,
)

HEAD_PK = 1


def entry_content_hash(entry: models.Model) -> str:
    """The content hash of a status update or follow-up as it is in memory (just saved)."""
    if isinstance(entry, StatusUpdate):
        names, table = STATUS_UPDATE_CONTENT, "status_update"
    else:
        names, table = FOLLOW_UP_CONTENT, "follow_up"
    return content_hash(table, {name: getattr(entry, name) for name in names})


def _locked_head() -> JournalHead:
    head = JournalHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is None:
        # Only before the first write on a database whose head row was lost (the migration
        # creates it; a test that truncates tables removes it): continue from the last link.
        last = JournalLink.objects.order_by("-seq").first()
        JournalHead.objects.bulk_create(
            [
                JournalHead(
                    pk=HEAD_PK,
                    seq=last.seq if last else 0,
                    hash=last.hash if last else GENESIS_HASH,
                )
            ],
            ignore_conflicts=True,
        )
        head = JournalHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


# savepoint=False: a seal is part of its caller's transaction (no savepoint queries of its own),
# and opens one only when called outside any.
@transaction.atomic(savepoint=False)
def journal_seal(*, kind: str, entry: models.Model) -> JournalLink:
    """Append the link sealing `entry` (saved, or just deleted, with its content in memory)."""
    return journal_seal_many(kind=kind, entries=[entry])[-1]


@transaction.atomic(savepoint=False)
def journal_seal_many(*, kind: str, entries: Iterable[models.Model]) -> list[JournalLink]:
    """Seal several entries of one kind in write order: one lock and one head update in all."""
    kind = JournalLinkKind(kind)
    head = _locked_head()
    now = timezone.now()
    links = []
    for entry in entries:
        content = entry_content_hash(entry)
        seq = head.seq + 1
        link = JournalLink(
            seq=seq,
            kind=kind,
            entry_id=entry.pk,
            content_hash=content,
            prev_hash=head.hash,
            hash=link_hash(seq=seq, kind=kind, entry_id=entry.pk, content=content, prev=head.hash),
            sealed_at=now,
        )
        links.append(link)
        head.seq, head.hash = seq, link.hash
    if not links:
        return links
    if len(links) == 1:
        links[0].save(force_insert=True)
    else:
        JournalLink.objects.bulk_create(links, batch_size=500)
    JournalHead.objects.filter(pk=HEAD_PK).update(seq=head.seq, hash=head.hash)
    return links


@dataclasses.dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str

    @property
    def short(self) -> str:
        return self.hash[:16]


def journal_head() -> ChainHead:
    """The chain's newest link (one query): what the weekly report states it was built from."""
    return ChainHead(*JournalHead.current())


# Checking --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Break:
    """One place where the chain and the rows disagree; `seq` orders them (0: the head)."""

    seq: int
    message: str


@dataclasses.dataclass
class Verification:
    links: int = 0
    head: ChainHead = dataclasses.field(default_factory=lambda: ChainHead(0, GENESIS_HASH))
    breaks: list[Break] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None


def _content_hashes(model, names: tuple[str, ...], table: str) -> dict[int, str]:
    """Every row's content hash, by id, read in one pass in batches of ids."""
    hashes: dict[int, str] = {}
    rows = model._default_manager.order_by("pk").values_list(*names)
    for row in _batched_by_pk(rows):
        hashes[row[0]] = row_content_hash(table, names, row)
    return hashes


def _batched_by_pk(rows, size: int = 20_000) -> Iterator[tuple]:
    # Keyset pagination: memory stays flat and each batch is an index range scan.
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1][0]


def journal_verify(*, expected: Mapping[int, str] | None = None) -> Verification:
    """Recompute the chain from the rows as they are now.

    Finds: an entry changed (its content no longer gives its link's content hash), removed (a
    link seals a row that is gone), slipped in (a row no link seals), a link removed or altered
    (the sequence has a gap or a hash does not follow), and a head that does not match the last
    link. `expected`: {seq: hash} heads published earlier (in issued reports), which a chain
    rebuilt after a change no longer contains.
    """
    status_updates = _content_hashes(StatusUpdate, STATUS_UPDATE_CONTENT, "status_update")
    follow_ups = _content_hashes(FollowUp, FOLLOW_UP_CONTENT, "follow_up")
    result = Verification()
    breaks = result.breaks
    links = list(
        JournalLink.objects.order_by("seq").values_list(
            "seq", "kind", "entry_id", "content_hash", "prev_hash", "hash"
        )
    )
    # The latest link of each follow-up says what the row must be now.
    latest_follow_up: dict[int, int] = {}
    for seq, kind, entry_id, *_rest in links:
        if kind in FOLLOW_UP_KINDS:
            latest_follow_up[entry_id] = seq
    sealed_updates: set[int] = set()
    previous_seq, previous_hash = 0, GENESIS_HASH
    for seq, kind, entry_id, content, prev, own in links:
        name = _entry_name(kind, entry_id)
        if seq != previous_seq + 1:
            breaks.append(
                Break(previous_seq + 1, f"Link #{previous_seq + 1} is missing (removed).")
            )
        elif prev != previous_hash:
            breaks.append(Break(seq, f"Link #{seq} ({name}) does not follow link #{seq - 1}."))
        if own != link_hash(seq=seq, kind=kind, entry_id=entry_id, content=content, prev=prev):
            breaks.append(Break(seq, f"Link #{seq} ({name}) was altered."))
        if table_of(kind) == "status_update":
            if entry_id in sealed_updates:
                breaks.append(Break(seq, f"Link #{seq} seals {name} a second time."))
            sealed_updates.add(entry_id)
            _check_row(breaks, seq, name, status_updates.get(entry_id), content)
        elif latest_follow_up[entry_id] == seq:
            if kind == JournalLinkKind.FOLLOW_UP_DELETE:
                if entry_id in follow_ups:
                    breaks.append(Break(seq, f"{name} was removed (link #{seq}) but is back."))
            else:
                _check_row(breaks, seq, name, follow_ups.get(entry_id), content)
        if expected and seq in expected and expected[seq] != own:
            breaks.append(Break(seq, f"Link #{seq} is not the one published as {expected[seq]}."))
        previous_seq, previous_hash = seq, own
    result.links = len(links)
    result.head = ChainHead(previous_seq, previous_hash)
    stored = journal_head()
    if links and (stored.seq, stored.hash) != (previous_seq, previous_hash):
        breaks.append(
            Break(
                previous_seq + 1,
                f"The chain head says #{stored.seq} {stored.hash[:16]}, but the last link is "
                f"#{previous_seq} {previous_hash[:16]}: links were removed from its end.",
            )
        )
    for missing in (expected or {}).keys() - {link[0] for link in links}:
        breaks.append(Break(missing, f"Link #{missing}, published earlier, is gone."))
    unsealed = sorted(status_updates.keys() - sealed_updates)
    unsealed_follow_ups = sorted(follow_ups.keys() - latest_follow_up.keys())
    end = previous_seq + 2
    breaks.extend(
        Break(
            end,
            f"{_entry_name(JournalLinkKind.STATUS_UPDATE, pk)} is in no link (added "
            "behind the application's back).",
        )
        for pk in unsealed
    )
    breaks.extend(
        Break(
            end,
            f"{_entry_name(JournalLinkKind.FOLLOW_UP, pk)} is in no link (added "
            "behind the application's back).",
        )
        for pk in unsealed_follow_ups
    )
    breaks.sort(key=lambda item: item.seq)
    return result


def _check_row(breaks: list[Break], seq: int, name: str, actual: str | None, sealed: str) -> None:
    if actual is None:
        breaks.append(Break(seq, f"{name} was removed (sealed by link #{seq})."))
    elif actual != sealed:
        breaks.append(Break(seq, f"{name} was changed after it was written (link #{seq})."))


def _entry_name(kind: str, entry_id: int) -> str:
    if table_of(kind) == "follow_up":
        return f"Follow-up {entry_id}"
    return f"Status update {entry_id}"
