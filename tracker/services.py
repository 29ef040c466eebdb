"""Every write with side effects.

Views, the admin, management commands and the readout import all call these functions, so a status
change always writes its journal entry and a stale edit is always refused, whatever the door.
Each function is keyword-only, runs in one transaction and validates with `full_clean()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    EDITABLE_FIELD_NAMES,
    NOTE_REQUIRED_STATUSES,
    Commitment,
    Confidence,
    Country,
    Division,
    FollowUp,
    Meeting,
    Status,
    StatusUpdate,
    Theme,
)

# What a conflict message compares between the editor's starting point and the current row.
CONFLICT_FIELDS = ("status", "confidence", *EDITABLE_FIELD_NAMES, "owner_id", "lead_division_id")


class ConflictError(ValidationError):
    """The commitment changed since the editor loaded it; their save was refused, nothing written.

    `current` is the commitment as it is now, and `changes` lists (field, your base value, now) for
    what the other person changed, so that the form can show it and offer to re-apply.
    """

    def __init__(
        self,
        *,
        current: Commitment,
        changes: list[tuple[str, Any, Any]],
        base: dict[str, Any],
    ):
        self.current = current
        self.changes = changes
        self.base = base
        super().__init__(
            _(
                "Someone else saved this commitment while you were editing it. Nothing of yours "
                "was saved: review their changes, then apply yours again."
            ),
            code="conflict",
        )


def _set_history_user(instance, user) -> None:
    # django-simple-history reads this to record who made the change outside a request.
    instance._history_user = user


def _lock(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


def _check_version(
    *, current: Commitment, expected_version: int | None, base: dict[str, Any] | None
) -> None:
    if expected_version is None or current.version == expected_version:
        return
    if base is None:
        # The change history holds the row as the editor loaded it.
        loaded = current.history.filter(version=expected_version).order_by("-history_id").first()
        base = {f: getattr(loaded, f) for f in CONFLICT_FIELDS} if loaded else {}
    changes = [
        (field, base[field], getattr(current, field))
        for field in CONFLICT_FIELDS
        if field in base and base[field] != getattr(current, field)
    ]
    raise ConflictError(current=current, changes=changes, base=base)


@transaction.atomic
def commitment_save_new(
    *, commitment: Commitment, user: AbstractBaseUser, note: str = ""
) -> Commitment:
    """Save a commitment built elsewhere (a form, an import) and open its journal."""
    commitment.full_clean()
    _set_history_user(commitment, user)
    commitment.save()
    StatusUpdate.objects.create(
        commitment=commitment,
        author=user,
        created_at=commitment.created_at,
        status_from="",
        status_to=commitment.status,
        confidence_from="",
        confidence_to=commitment.confidence,
        note=note or _("Recorded from %(meeting)s.") % {"meeting": commitment.origin_meeting.title},
    )
    return commitment


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


@transaction.atomic
def commitment_set_status(
    *,
    commitment: Commitment,
    user: AbstractBaseUser,
    status: str,
    confidence: str | None = None,
    note: str = "",
    evidence_url: str = "",
    expected_version: int | None = None,
    base: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> StatusUpdate:
    """Move a commitment to a new status and/or confidence, writing its journal entry.

    Refuses a move the lifecycle does not allow, a move that needs a note without one, and (when
    `expected_version` is given) a save based on a version someone else has since replaced.
    `fields` may carry the editable fields (next step, target date …) saved with the same entry.
    """
    current = _lock(commitment)
    _check_version(current=current, expected_version=expected_version, base=base)
    confidence = confidence or current.confidence
    note = note.strip()
    errors = status_move_errors(commitment=current, status=status, confidence=confidence, note=note)
    fields = {k: v for k, v in (fields or {}).items() if k in EDITABLE_FIELD_NAMES}
    changed_fields = {k: v for k, v in fields.items() if getattr(current, k) != v}
    if (
        not errors
        and status == current.status
        and confidence == current.confidence
        and not changed_fields
        and not note
    ):
        errors["__all__"] = [_("Nothing to save: change a field or add a note.")]
    if errors:
        raise ValidationError(errors)

    entry = StatusUpdate(
        commitment=current,
        author=user,
        created_at=at or timezone.now(),
        status_from=current.status,
        status_to=status,
        confidence_from=current.confidence,
        confidence_to=confidence,
        note=note,
        evidence_url=evidence_url,
    )
    entry.full_clean()
    current.status = status
    current.confidence = confidence
    for name, value in changed_fields.items():
        setattr(current, name, value)
    current.full_clean()
    # The row is locked (select_for_update), so this increment cannot race.
    current.version += 1
    _set_history_user(current, user)
    current.save()
    entry.save()
    commitment.refresh_from_db()
    return entry


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    user: AbstractBaseUser,
    expected_version: int | None = None,
    base: dict[str, Any] | None = None,
    **changes: Any,
) -> Commitment:
    """Change descriptive fields (title, themes, division …) without a status move."""
    current = _lock(commitment)
    _check_version(current=current, expected_version=expected_version, base=base)
    themes = changes.pop("themes", None)
    parties = changes.pop("parties", None)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    current.version += 1
    _set_history_user(current, user)
    current.save()
    if themes is not None:
        current.themes.set(themes)
    if parties is not None:
        current.parties.set(parties)
    return current


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
    old_owner = current.owner
    current.owner = owner
    if lead_division is not None:
        current.lead_division = lead_division
    current.full_clean()
    current.version += 1
    _set_history_user(current, user)
    current.save()
    StatusUpdate.objects.create(
        commitment=current,
        author=user,
        status_from=current.status,
        status_to=current.status,
        confidence_from=current.confidence,
        confidence_to=current.confidence,
        note=note
        or _("Owner changed from %(old)s to %(new)s.")
        % {
            "old": old_owner.get_username() if old_owner else _("nobody"),
            "new": owner.get_username() if owner else _("nobody"),
        },
    )
    return current


@transaction.atomic
def followup_record(
    *,
    commitment: Commitment,
    meeting: Meeting,
    user: AbstractBaseUser | None,
    outcome: str,
    note: str = "",
    quote: str = "",
    recorded_at: datetime.datetime | None = None,
) -> FollowUp:
    """Record that a commitment came up again at a later meeting."""
    if FollowUp.objects.filter(commitment=commitment, meeting=meeting).exists():
        raise ValidationError(
            {
                "meeting": [
                    _("This commitment is already linked to “%(meeting)s”.")
                    % {"meeting": meeting.title}
                ]
            }
        )
    # By day, not by the minute: on 29 July 2022 the Economic "2+2" met hours before the
    # bilateral meeting whose commitments it followed up.
    if meeting.local_start.date() < commitment.origin_meeting.local_start.date():
        raise ValidationError(
            {"meeting": [_("A follow-up meeting cannot be earlier than the origin meeting.")]}
        )
    follow_up = FollowUp(
        commitment=commitment,
        meeting=meeting,
        outcome=outcome,
        note=note.strip(),
        quote=quote.strip(),
        recorded_by=user,
        recorded_at=recorded_at or timezone.now(),
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


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
                    commitment_set_status(
                        commitment=commitment, user=user, status=status, note=note
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


# Data entry clerks keep the reference data and enter meetings and commitments in the admin site;
# nothing is deleted in normal use, except a participant entered by mistake.
DATA_ENTRY_PERMISSIONS = {
    "meeting": ("add", "change", "view"),
    "meetingseries": ("add", "change", "view"),
    "participation": ("add", "change", "delete", "view"),
    "person": ("add", "change", "view"),
    "commitment": ("add", "change", "view"),
    "followup": ("add", "change", "view"),
    "statusupdate": ("view",),
    "country": ("add", "change", "view"),
    "theme": ("add", "change", "view"),
    "division": ("view",),
}


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give the data-entry role its model permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from .permissions import Role

    groups = {role: Group.objects.using(using).get_or_create(name=role.value)[0] for role in Role}
    wanted = [
        f"{action}_{model}"
        for model, actions in DATA_ENTRY_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="tracker", codename__in=wanted
    )
    groups[Role.DATA_ENTRY].permissions.add(*permissions)
