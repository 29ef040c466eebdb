"""The journal's hash chain: one link per journal write, status updates and follow-ups alike.

Each link names the entry it seals (kind and id), the SHA-256 of the entry's canonical content,
the previous link's hash and its own hash over all of these. Links are appended by
`tracker.services.journal_chain` under a lock on the one `JournalHead` row, so concurrent writers
get consecutive sequence numbers; `manage.py verify_journal` recomputes the chain and names the
first entry that was changed or removed behind the application's back.

A follow-up corrected or removed through the service is not rewritten in the chain: the
correction or removal is a new link (kind `follow_up_edit` / `follow_up_delete`), so the chain
itself is append-only even where the record is not.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The hash before the first link.
GENESIS_HASH = "0" * 64


class JournalLinkKind(models.TextChoices):
    STATUS_UPDATE = "status_update", _("status update")
    FOLLOW_UP = "follow_up", _("follow-up")
    FOLLOW_UP_EDIT = "follow_up_edit", _("follow-up corrected")
    FOLLOW_UP_DELETE = "follow_up_delete", _("follow-up removed")


class JournalLink(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=JournalLinkKind.choices)
    entry_id = models.PositiveBigIntegerField(
        _("entry id"), help_text=_("The id of the status update or follow-up sealed.")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    sealed_at = models.DateTimeField(_("sealed"), default=timezone.now)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("journal link")
        verbose_name_plural = _("journal chain")
        indexes = [
            models.Index(fields=["kind", "entry_id"], name="journallink_entry"),
            models.Index(fields=["sealed_at", "seq"], name="journallink_sealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.entry_id}"


class JournalHead(models.Model):
    """The chain's newest link, in one row that every journal write locks first."""

    seq = models.PositiveBigIntegerField(_("sequence"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("journal head")
        verbose_name_plural = _("journal head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"

    @classmethod
    def current(cls) -> tuple[int, str]:
        """(number of links, newest hash) in one query; the genesis before any write."""
        row = cls.objects.filter(pk=1).values_list("seq", "hash").first()
        return row or (0, GENESIS_HASH)

    @classmethod
    def as_of(cls, moment) -> tuple[int, str]:
        """(number of links, hash) of the chain as it stood at `moment`: its last link sealed
        before then (one index lookup). A past week's report states this, so that it reads the
        same whenever it is built again."""
        row = (
            JournalLink.objects.filter(sealed_at__lt=moment)
            .order_by("-sealed_at", "-seq")
            .values_list("seq", "hash")
            .first()
        )
        return row or (0, GENESIS_HASH)


# The canonical content of an entry: the fields that say what was recorded, by whom and when.
# Changing these lists changes every hash: the chain would have to be rebuilt, so never do it
# without a migration that does.
STATUS_UPDATE_CONTENT = (
    "id",
    "commitment_id",
    "author_id",
    "created_at",
    "status_from",
    "status_to",
    "confidence_from",
    "confidence_to",
    "note",
    "evidence_url",
)
FOLLOW_UP_CONTENT = (
    "id",
    "commitment_id",
    "meeting_id",
    "outcome",
    "note",
    "quote",
    "recorded_by_id",
    "recorded_at",
)
# The table an entry of each kind lives in.
FOLLOW_UP_KINDS = frozenset(
    {JournalLinkKind.FOLLOW_UP, JournalLinkKind.FOLLOW_UP_EDIT, JournalLinkKind.FOLLOW_UP_DELETE}
)


def _canonical_value(value):
    if isinstance(value, datetime.datetime):
        # UTC with microseconds always written: the same instant gives the same text, whatever
        # the database or the time zone of the process.
        if value.tzinfo is not datetime.UTC:
            value = value.astimezone(datetime.UTC)
        return value.isoformat(timespec="microseconds")
    return value


def content_hash(table: str, values: Mapping[str, object]) -> str:
    """SHA-256 of the entry's content, serialised deterministically (JSON, sorted keys)."""
    return row_content_hash(table, tuple(values), tuple(values.values()))


def row_content_hash(table: str, names: tuple[str, ...], row: tuple) -> str:
    """`content_hash` of a row read as a tuple in the order of `names` (the check reads
    100,000 of them: no dictionary is built twice)."""
    document = {name: _canonical_value(value) for name, value in zip(names, row, strict=True)}
    document["table"] = table
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def link_hash(*, seq: int, kind: str, entry_id: int, content: str, prev: str) -> str:
    """The link's own hash: its place, what it seals, and the link before it."""
    return hashlib.sha256(f"{seq}|{kind}|{entry_id}|{content}|{prev}".encode()).hexdigest()


def table_of(kind: str) -> str:
    return "follow_up" if kind in FOLLOW_UP_KINDS else "status_update"
