"""Creating and editing commitments: the one edit contract every door calls, with its journal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    COMMITMENT_FIELDS,
    COMMITMENT_M2M_FIELDS,
    EDITABLE_FIELD_NAMES,
    NOTE_REQUIRED_STATUSES,
    Commitment,
    Confidence,
    Country,
    Division,
    JournalLinkKind,
    Meeting,
    Status,
    StatusUpdate,
    Theme,
)
from .agreed_language import QUOTE_FIELDS, quote_sentence_write
from .conflicts import check_version
from .history import set_history_user
from .journal_chain import journal_seal
from .notifications import notify_journal_entry, notify_new_owner, notify_owner_change
from .search import SEARCHED_FIELDS, search_document_add_note, search_document_write

# Everything an edit may change, by whichever door (admin form and inlines, import, workspace).
COMMITMENT_EDIT_FIELDS = COMMITMENT_FIELDS
M2M_FIELDS = COMMITMENT_M2M_FIELDS


def _lock(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


def quote_positions(*, readout: str, quote: str, limit: int = 10) -> list[int]:
    """Where the quote occurs, word for word, in the readout (character offsets, at most
    `limit` of them): one position is the quote's, several mean the clerk must choose."""
    quote = quote.strip()
    positions: list[int] = []
    if not quote or not readout:
        return positions
    start = readout.find(quote)
    while start != -1 and len(positions) < limit:
        positions.append(start)
        start = readout.find(quote, start + 1)
    return positions


@transaction.atomic
def commitment_save_new(
    *, commitment: Commitment, user: AbstractBaseUser, note: str = ""
) -> Commitment:
    """Save a commitment built elsewhere (a form, an import) and open its journal."""
    commitment.full_clean()
    set_history_user(commitment, user)
    # The opening entry's time, saved with the row.
    _move_last_update(commitment, commitment.created_at)
    commitment.save()
    note = note or _("Recorded from %(meeting)s.") % {"meeting": commitment.origin_meeting}
    _journal(
        commitment=commitment,
        author=user,
        created_at=commitment.created_at,
        status_from="",
        confidence_from="",
        note=note,
        search=False,
    )
    # The new commitment's search document, with its one note, in one INSERT.
    search_document_write(commitment=commitment, notes=[note])
    quote_sentence_write(commitment=commitment, new=True)
    notify_new_owner(commitment=commitment, actor=user)
    return commitment


def _journal(*, commitment: Commitment, search: bool = True, **fields: Any) -> StatusUpdate:
    """Append a validated journal entry (its note within the limits like any other text); a
    status or confidence it does not name is the commitment's own, unmoved. `search`: whether
    its note joins the search document here (not when the caller writes that whole)."""
    entry = StatusUpdate(
        commitment=commitment,
        **{
            "status_from": commitment.status,
            "status_to": commitment.status,
            "confidence_from": commitment.confidence,
            "confidence_to": commitment.confidence,
            **fields,
        },
    )
    entry.full_clean()
    _append(entry, search=search)
    return entry


def _append(entry: StatusUpdate, *, search: bool = True) -> None:
    """Save a journal entry and move its commitment's `last_update_at` up to it, in the caller's
    transaction. Every caller holds the commitment's row locked or has just created it, so the
    time in memory is the stored one: a row saved with the time already set needs no UPDATE.
    The note joins the commitment's search document, unless the caller rewrites that whole.
    The entry is sealed into the journal's hash chain in the same transaction."""
    entry.save()
    journal_seal(kind=JournalLinkKind.STATUS_UPDATE, entry=entry)
    commitment = entry.commitment
    if _move_last_update(commitment, entry.created_at):
        # A queryset update: neither a new version nor a history record.
        Commitment.objects.filter(pk=commitment.pk).update(last_update_at=entry.created_at)
    if search:
        search_document_add_note(commitment=commitment, note=entry.note)


def _move_last_update(commitment: Commitment, at: datetime.datetime) -> bool:
    """Move the commitment's last update time, in memory, up to `at` (an entry dated before the
    newest leaves it); whether it moved."""
    if commitment.last_update_at is not None and commitment.last_update_at >= at:
        return False
    commitment.last_update_at = at
    return True


@transaction.atomic
def commitment_create(
    *,
    user: AbstractBaseUser,
    origin_meeting: Meeting,
    title: str,
    quote: str,
    themes: Iterable[Theme] = (),
    parties: Iterable[Country] = (),
    note: str = "",
    **fields: Any,
) -> Commitment:
    """Create a commitment with its themes and parties, and open its journal."""
    commitment = Commitment(origin_meeting=origin_meeting, title=title, quote=quote, **fields)
    commitment_save_new(commitment=commitment, user=user, note=note)
    commitment.themes.set(themes)
    commitment.parties.set(parties)
    return commitment


def status_move_errors(
    *, commitment: Commitment, status: str, confidence: str, note: str
) -> dict[str, list[str]]:
    """Why a status/confidence move would be refused, by field; empty when it is allowed.

    Forms call this to show the refusal next to the field; `commitment_set_status` enforces it.
    """
    errors: dict[str, list[str]] = {}
    if status not in Status.values:
        errors["status"] = [_("Choose a valid status.")]
        return errors
    if status != commitment.status and status not in ALLOWED_TRANSITIONS[commitment.status]:
        errors["status"] = [
            _("A commitment cannot move from “%(old)s” to “%(new)s”.")
            % {"old": Status(commitment.status).label, "new": Status(status).label}
        ]
    if confidence not in Confidence.values:
        errors["confidence"] = [_("Choose red, amber or green.")]
    needs_note = status != commitment.status and (
        status in NOTE_REQUIRED_STATUSES or commitment.status in CLOSED_STATUSES
    )
    if needs_note and not note.strip():
        errors["note"] = [
            _("Say why: a move to “%(status)s” needs a note.") % {"status": Status(status).label}
        ]
    return errors


def _current_value(commitment: Commitment, name: str) -> Any:
    if name in M2M_FIELDS:
        return {obj.pk for obj in getattr(commitment, name).all()}
    return getattr(commitment, name)


def _new_value(name: str, value: Any) -> Any:
    if name in M2M_FIELDS:
        return {obj.pk for obj in value or ()}
    return value


def edit_checks(
    *,
    current: Commitment,
    user: AbstractBaseUser,
    data: Mapping[str, Any],
    note: str,
    nothing_to_save_is_error: bool = False,
) -> dict[str, Any] | None:
    """The checks of the edit contract that come before any change, on the row as it is
    (locked, its version checked): may the user change it, may the status and confidence move
    so, is the note there when the move needs one, may the user reassign. Returns the fields of
    `data` whose values differ (to apply with `edit_apply`), or None when there is nothing to
    write; raises PermissionDenied or ValidationError. `note` is stripped. Shared by
    `commitment_edit` and the bulk edit (services.bulk), so both refuse the same things."""
    if not user.has_perm("tracker.edit_commitment", current):
        raise PermissionDenied(_("You may not change this commitment."))
    changed = {
        name: value
        for name, value in data.items()
        if _new_value(name, value) != _current_value(current, name)
    }
    status = changed.get("status", current.status)
    confidence = changed.get("confidence", current.confidence)
    moves = status != current.status or confidence != current.confidence
    errors: dict[str, list[str]] = {}
    if moves or note:
        errors.update(
            status_move_errors(commitment=current, status=status, confidence=confidence, note=note)
        )
    if "owner" in changed and not user.has_perm("tracker.reassign_commitment", current):
        errors["owner"] = [_("Only managers may reassign owners.")]
    if not changed and not note:
        if nothing_to_save_is_error and not errors:
            errors["__all__"] = [_("Nothing to save: change a field or add a note.")]
        if not errors:
            return None
    if errors:
        raise ValidationError(errors)
    return changed


# Foreign keys a batch checks once for all its items (see `edit_apply`).
_ENTRY_KEYS = ("commitment", "author")


def edit_apply(
    *,
    current: Commitment,
    user: AbstractBaseUser,
    changed: Mapping[str, Any],
    note: str,
    at: datetime.datetime,
    evidence_url: str = "",
    keys_checked: bool = False,
) -> StatusUpdate | None:
    """Set the `changed` fields (from `edit_checks`) on `current`, in memory, and build its
    journal entry (when the status or confidence moves or a note is given): both validated,
    and the user's right asked again of the row as it would be saved. Nothing is written.

    `keys_checked`: the caller has checked the foreign keys once for a whole batch (the row's
    unchanged ones are those the database holds, the entry's are the locked row and the acting
    user, a new owner is checked by the caller), so validation asks no query of its own."""
    status = changed.get("status", current.status)
    confidence = changed.get("confidence", current.confidence)
    entry = None
    if status != current.status or confidence != current.confidence or note:
        entry = StatusUpdate(
            commitment=current,
            author=user,
            created_at=at,
            status_from=current.status,
            status_to=status,
            confidence_from=current.confidence,
            confidence_to=confidence,
            note=note,
            evidence_url=evidence_url,
        )
        entry.full_clean(exclude=_ENTRY_KEYS if keys_checked else None)
    for name, value in changed.items():
        if name not in M2M_FIELDS:
            setattr(current, name, value)
    keys = [f.name for f in Commitment._meta.concrete_fields if f.is_relation]
    current.full_clean(exclude=keys if keys_checked else None)
    if not user.has_perm("tracker.edit_commitment", current):
        raise ValidationError(
            {
                "lead_division": [
                    _("You may not move this commitment out of your divisions: ask a manager.")
                ]
            }
        )
    return entry


@transaction.atomic
def commitment_edit(
    *,
    commitment: Commitment,
    user: AbstractBaseUser,
    data: Mapping[str, Any],
    expected_version: int | None,
    note: str = "",
    evidence_url: str = "",
    base: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
    nothing_to_save_is_error: bool = False,
) -> Commitment:
    """Apply `data` (field name → new value) to a commitment: the one edit contract.

    Locks the row and checks `expected_version` under the lock (a stale or missing version is
    refused), applies only the fields named in `data` whose values differ, validates, saves one
    version and one history record, and writes one journal entry when the status or confidence
    moves or a note is given. Nothing changed and no note: nothing is written (or, with
    `nothing_to_save_is_error`, the form is told so). Never reads values off `commitment` itself,
    which a form may have mutated.
    """
    unknown = set(data) - set(COMMITMENT_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable through commitment_edit: {sorted(unknown)}")
    current = _lock(commitment)
    check_version(current=current, expected_version=expected_version, base=base, user=user)
    note = note.strip()
    changed = edit_checks(
        current=current,
        user=user,
        data=data,
        note=note,
        nothing_to_save_is_error=nothing_to_save_is_error,
    )
    if changed is None:
        return current
    previous_owner_id = current.owner_id
    entry = edit_apply(
        current=current,
        user=user,
        changed=changed,
        note=note,
        evidence_url=evidence_url,
        at=at or timezone.now(),
    )
    if changed:
        # The row is locked (select_for_update), so this increment cannot race.
        current.version += 1
        set_history_user(current, user)
        if entry is not None:
            # Saved with the row: the entry then needs no UPDATE of its own.
            _move_last_update(current, entry.created_at)
        # One history record per edit, written by save() with the new themes and parties in it:
        # setting them first, unrecorded, keeps a half-applied edit out of the history.
        current.skip_history_when_saving = True
        for name in M2M_FIELDS:
            if name in changed:
                getattr(current, name).set(data[name])
        del current.skip_history_when_saving
        current.save()
    # A changed title, quote or next step rewrites the whole search document (a word taken out
    # must stop matching); a note alone is appended to it.
    rewrite_document = not SEARCHED_FIELDS.isdisjoint(changed)
    if entry is not None:
        _append(entry, search=not rewrite_document)
    if rewrite_document:
        search_document_write(commitment=current)
    if not QUOTE_FIELDS.isdisjoint(changed):
        quote_sentence_write(commitment=current)
    # Told in the same transaction: a change rolled back notifies nobody.
    if entry is not None:
        notify_journal_entry(entry=entry, actor=user)
    if "owner" in changed:
        notify_owner_change(commitment=current, actor=user, previous_owner_id=previous_owner_id)
    commitment.refresh_from_db()
    return current


def commitment_set_status(
    *,
    commitment: Commitment,
    user: AbstractBaseUser,
    status: str,
    expected_version: int | None,
    confidence: str | None = None,
    note: str = "",
    evidence_url: str = "",
    base: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> Commitment:
    """The workspace's update: a status and/or confidence move with the editable fields and a
    note. Saving nothing at all is refused, so that the editor is told."""
    data = {name: value for name, value in (fields or {}).items() if name in EDITABLE_FIELD_NAMES}
    data["status"] = status
    if confidence:
        data["confidence"] = confidence
    return commitment_edit(
        commitment=commitment,
        user=user,
        data=data,
        expected_version=expected_version,
        note=note,
        evidence_url=evidence_url,
        base=base,
        at=at,
        nothing_to_save_is_error=True,
    )


@transaction.atomic
def commitment_reassign(
    *,
    commitment: Commitment,
    user: AbstractBaseUser,
    owner: AbstractBaseUser | None,
    lead_division: Division | None = None,
    note: str = "",
) -> Commitment:
    """Give a commitment a new owner (and division), leaving a note in the journal."""
    current = _lock(commitment)
    if not user.has_perm("tracker.reassign_commitment", current):
        raise PermissionDenied(_("Only managers may reassign owners."))
    old_owner = current.owner
    current.owner = owner
    if lead_division is not None:
        current.lead_division = lead_division
    current.full_clean()
    current.version += 1
    set_history_user(current, user)
    current.save()
    _journal(
        commitment=current,
        author=user,
        note=note
        or _("Owner changed from %(old)s to %(new)s.")
        % {
            "old": old_owner.get_username() if old_owner else _("nobody"),
            "new": owner.get_username() if owner else _("nobody"),
        },
    )
    notify_owner_change(
        commitment=current, actor=user, previous_owner_id=old_owner.pk if old_owner else None
    )
    return current


def commitments_set_status_bulk(
    *, commitments: Iterable[Commitment], user: AbstractBaseUser, status: str, note: str
) -> tuple[int, list[tuple[Commitment, ValidationError]]]:
    """Apply one status move to many commitments; each gets its own journal entry.

    All or nothing: if any commitment refuses the move, none is changed and the refusals are
    returned so that the admin can name them.
    """
    refused: list[tuple[Commitment, ValidationError]] = []
    with transaction.atomic():
        done = 0
        for commitment in commitments:
            if commitment.status == status:
                continue
            try:
                with transaction.atomic():
                    # The version the selection was read at: a commitment changed since the
                    # clerk chose it is refused like any stale save.
                    commitment_set_status(
                        commitment=commitment,
                        user=user,
                        status=status,
                        note=note,
                        expected_version=commitment.version,
                    )
                done += 1
            except ValidationError as error:
                refused.append((commitment, error))
        if refused:
            transaction.set_rollback(True)
            return 0, refused
    return done, refused


def commitments_reassign_bulk(
    *, commitments: Iterable[Commitment], user: AbstractBaseUser, owner: AbstractBaseUser | None
) -> int:
    with transaction.atomic():
        count = 0
        for commitment in commitments:
            commitment_reassign(commitment=commitment, user=user, owner=owner)
            count += 1
    return count
