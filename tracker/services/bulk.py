"""Many commitments changed at once from the workspace list, all or nothing.

Each item passes the checks of the one edit contract (`commitment_edit`'s `edit_checks` and
`edit_apply`): the same version check, permission checks, lifecycle rules and note rule, and
gets the same writes — a new version with its history record (and its themes and parties in
it), a journal entry sealed into the hash chain, its note in the search document, the
notifications. Only the writing is done for all items together: one lock of all the rows (in
the order of their numbers, as any other bulk writer takes them), one INSERT or UPDATE per
table, one seal of the chain, so that 500 items take about as many queries as 5.

The first refusal does not stop the checks: every item is checked, so that the user is told
every refusal at once, and then nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from ..models import Commitment, JournalLinkKind, StatusUpdate
from .agreed_language import QUOTE_FIELDS
from .commitments import _move_last_update, edit_apply, edit_checks
from .conflicts import check_version
from .journal_chain import journal_seal_many
from .notifications import notify_journal_entries
from .search import SEARCHED_FIELDS, search_documents_add_note

# What a bulk edit may change: the list's bar offers these four, and no other field.
BULK_FIELDS = frozenset({"status", "confidence", "owner", "target_date"})
# The most items one request changes: 500 are done in a few seconds, and a form posting more
# checkboxes than this would meet Django's limit on the number of fields.
MAX_BULK_ITEMS = 500
# The bulk fields are in neither the search document nor the agreed language, so a note is all
# the search document takes from a bulk edit (commitment_edit rewrites either for those fields).
assert SEARCHED_FIELDS.isdisjoint(BULK_FIELDS) and QUOTE_FIELDS.isdisjoint(BULK_FIELDS)


class BulkEditRefused(Exception):
    """Some items refused the change, so none was changed.

    `refusals` holds (commitment, its refusal) for each refused item that exists, in the order
    asked; `missing` the numbers asked for that name no active commitment.
    """

    def __init__(
        self,
        *,
        refusals: list[tuple[Commitment, ValidationError | PermissionDenied]],
        missing: list[int],
    ):
        self.refusals = refusals
        self.missing = missing
        super().__init__(f"{len(refusals) + len(missing)} items refused")


def _changed_since() -> ValidationError:
    return ValidationError(
        _(
            "Someone saved this commitment after you selected it. Nothing was saved: reload "
            "the list, check it, then apply your change again."
        ),
        code="conflict",
    )


@transaction.atomic
def commitments_bulk_edit(
    *,
    user: AbstractBaseUser,
    versions: Mapping[int, int | None],
    data: Mapping[str, Any],
    note: str = "",
    selected_at: datetime.datetime | None = None,
) -> int:
    """Apply `data` (some of BULK_FIELDS) and one `note` to each commitment of `versions`.

    `versions` maps each commitment's number to the version the user saw it at; a version of
    None (items selected by filter, not one by one) is taken as current unless the commitment
    was saved after `selected_at`. Returns how many commitments got a change or a note. Raises
    BulkEditRefused, with nothing written, if any item is refused or does not exist.
    """
    unknown = set(data) - BULK_FIELDS
    if unknown:
        raise TypeError(f"Not editable in bulk: {sorted(unknown)}")
    if len(versions) > MAX_BULK_ITEMS:
        raise ValueError(f"At most {MAX_BULK_ITEMS} items in one bulk edit")
    note = note.strip()
    rows = Commitment.objects.active().filter(pk__in=list(versions)).order_by("pk")
    if "owner" in data:
        # The current owners, compared with the new one, without a query per item; only the
        # commitment's own row is locked (PostgreSQL locks no outer join's nullable side).
        rows = rows.select_related("owner").select_for_update(of=("self",))
    else:
        rows = rows.select_for_update()
    # One read and lock of every item (SQLite: the transaction's write lock is the lock).
    found = {c.pk: c for c in rows}
    missing = [pk for pk in versions if pk not in found]
    refusals: list[tuple[Commitment, ValidationError | PermissionDenied]] = []
    key_error = _new_keys_error(data, next(iter(found.values()), None))
    now = timezone.now()
    edits: list[_Edit] = []
    for pk, version in versions.items():
        commitment = found.get(pk)
        if commitment is None:
            continue
        if version is None and selected_at is not None:
            if commitment.updated_at > selected_at:
                refusals.append((commitment, _changed_since()))
                continue
            version = commitment.version
        # Else no version at all: check_version refuses it, as it would a one-by-one save.
        previous_owner_id = commitment.owner_id
        try:
            check_version(current=commitment, expected_version=version, base=None, user=user)
            changed = edit_checks(current=commitment, user=user, data=data, note=note)
            if changed is None:
                continue
            if key_error is not None and "owner" in changed:
                raise key_error
            entry = edit_apply(
                current=commitment,
                user=user,
                changed=changed,
                note=note,
                at=now,
                keys_checked=True,
            )
        except (ValidationError, PermissionDenied) as error:
            refusals.append((commitment, error))
            continue
        edits.append(_Edit(commitment, changed, entry, previous_owner_id))
    if refusals or missing:
        # Nothing is written yet; the atomic block ends with nothing kept either way.
        raise BulkEditRefused(refusals=refusals, missing=missing)
    _write(edits=edits, user=user, data=data, note=note, now=now)
    return len(edits)


@dataclasses.dataclass
class _Edit:
    """One item checked and applied in memory, waiting to be written with the others."""

    commitment: Commitment
    changed: dict[str, Any]
    entry: StatusUpdate | None
    previous_owner_id: int | None


def _new_keys_error(data: Mapping[str, Any], sample: Commitment | None) -> ValidationError | None:
    """The check a one-by-one save makes of a new owner (it exists, it may be chosen), made
    once for the batch: `edit_apply(keys_checked=True)` leaves it to the caller."""
    owner = data.get("owner")
    if owner is None or sample is None:
        return None
    try:
        Commitment._meta.get_field("owner").validate(owner.pk, sample)
    except ValidationError as error:
        return ValidationError({"owner": error.messages})
    return None


def _write(
    *,
    edits: Sequence[_Edit],
    user: AbstractBaseUser,
    data: Mapping[str, Any],
    note: str,
    now: datetime.datetime,
) -> None:
    """What `commitment_edit` writes for each edit, for all of them together, in its order:
    the row and its history record, then the journal entry, its seal and its note in the
    search document, then the notifications."""
    # Every entry is dated `now`: the rows whose last update time it moves up take that.
    moved = {
        edit.commitment.pk
        for edit in edits
        if edit.entry is not None and _move_last_update(edit.commitment, edit.entry.created_at)
    }
    saved = [edit for edit in edits if edit.changed]
    if saved:
        names = set().union(*(edit.changed for edit in saved))
        for edit in saved:
            # The rows are locked, so these increments cannot race; `updated_at` is what
            # save() would stamp (auto_now).
            edit.commitment.version += 1
            edit.commitment.updated_at = now
        # One UPDATE for all: each row takes every value of `data` it changes (a field an item
        # does not change holds that value already, which is why it does not change).
        last_update = (
            Case(When(pk__in=moved, then=Value(now)), default=F("last_update_at"))
            if moved
            else F("last_update_at")
        )
        Commitment.objects.filter(pk__in=[edit.commitment.pk for edit in saved]).update(
            version=F("version") + 1,
            updated_at=now,
            last_update_at=last_update,
            **{name: data[name] for name in names},
        )
        _history_bulk_create([edit.commitment for edit in saved], user=user)
    # An entry alone (a note, nothing changed) moves the last update time without a version.
    noted = moved - {edit.commitment.pk for edit in saved}
    if noted:
        Commitment.objects.filter(pk__in=noted).update(last_update_at=now)
    entries = [edit.entry for edit in edits if edit.entry is not None]
    if entries:
        # Inserted, then sealed into the chain in the same order, behind one read of its head.
        StatusUpdate.objects.bulk_create(entries)
        journal_seal_many(kind=JournalLinkKind.STATUS_UPDATE, entries=entries)
        search_documents_add_note(
            commitment_ids=[entry.commitment_id for entry in entries], note=note
        )
    # Told in the same transaction: a change rolled back notifies nobody.
    notify_journal_entries(
        entries=entries,
        actor=user,
        owner_changes=[
            (edit.commitment, edit.previous_owner_id) for edit in saved if "owner" in edit.changed
        ],
    )


def _history_bulk_create(commitments: Sequence[Commitment], *, user: AbstractBaseUser) -> None:
    """One history record per saved commitment, as save() writes it: by `user`, dated after
    the journal entries (a conflict message reads the notes written since a record by that
    order), with the commitment's themes and parties as they are, in one INSERT per table."""
    history = Commitment.history
    records = history.bulk_history_create(
        commitments,
        update=True,
        default_user=user,
        default_change_reason=None,
        default_date=timezone.now(),
    )
    by_commitment = {record.id: record for record in records}
    for field in history.model._history_m2m_fields:
        m2m_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = through.objects.filter(**{f"{own}__in": list(by_commitment)}).values_list(
            "pk", f"{own}_id", f"{other}_id"
        )
        m2m_model.objects.bulk_create(
            [
                m2m_model(
                    history=by_commitment[commitment_id],
                    **{"id": pk, f"{own}_id": commitment_id, f"{other}_id": other_id},
                )
                for pk, commitment_id, other_id in links
            ]
        )
