"""Every write with side effects.

Views, the admin, management commands and the readout import all call these functions, so a status
change always writes its journal entry and a stale edit is always refused, whatever the door.
Each function is keyword-only, runs in one transaction and validates with `full_clean()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import names
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
    Participation,
    Status,
    StatusUpdate,
    Theme,
)

# Everything an edit may change, by whichever door (admin form and inlines, import, workspace).
COMMITMENT_EDIT_FIELDS = (
    "origin_meeting",
    "title",
    "quote",
    "quote_position",
    "strength",
    "themes",
    "parties",
    "follow_up_venue",
    "lead_division",
    "owner",
    "status",
    "confidence",
    "target_date",
    "target_date_reason",
    "next_step",
    "next_review_date",
    "is_archived",
)
M2M_FIELDS = ("themes", "parties")

# What a conflict message compares between the editor's starting point and the current row.
CONFLICT_FIELDS = ("status", "confidence", *EDITABLE_FIELD_NAMES, "owner_id", "lead_division_id")


class ConflictError(ValidationError):
    """The commitment changed since the editor loaded it; their save was refused, nothing written.

    `current` is the commitment as it is now, and `changes` lists (field, your base value, now) for
    what was changed since, so that the form can show it and offer to re-apply. `who` are the
    users who saved since (oldest first), `when` the time of the last of those saves, `same_user`
    whether they were all the editor themself (another tab or window), and `notes_added` the
    journal entries with a note written since: together they tell the editor who did what.
    """

    def __init__(
        self,
        *,
        current: Commitment,
        changes: list[tuple[str, Any, Any]],
        base: dict[str, Any],
        who: Iterable[AbstractBaseUser] = (),
        when: datetime.datetime | None = None,
        same_user: bool = False,
        notes_added: Iterable[StatusUpdate] = (),
        user: AbstractBaseUser | None = None,
    ):
        self.current = current
        self.changes = changes
        self.base = base
        self.who = list(who)
        self.when = when
        self.same_user = same_user
        self.notes_added = list(notes_added)
        self.user = user
        super().__init__(self.headline(), code="conflict")

    def who_label(self) -> str:
        """The names of those who saved since; the editor themself as "you, in another tab"."""
        names_ = [
            _("you, in another tab or window")
            if self.user is not None and person.pk == self.user.pk
            else names.user_name(person)
            for person in self.who
        ]
        return get_text_list(names_, _("and"))

    def when_label(self) -> str:
        return _moment(self.when) if self.when else ""

    def headline(self) -> str:
        """What happened, naming who and when when the history tells."""
        if self.same_user and self.when:
            return _(
                "You saved this commitment in another tab or window (%(when)s) after you opened "
                "it here. Nothing of this form was saved: review the changes, then apply yours "
                "again."
            ) % {"when": self.when_label()}
        if self.who and self.when:
            return _(
                "Someone else saved this commitment while you were editing it: %(who)s, "
                "%(when)s. Nothing of yours was saved: review their changes, then apply yours "
                "again."
            ) % {"who": self.who_label(), "when": self.when_label()}
        return _(
            "Someone else saved this commitment while you were editing it. Nothing of yours "
            "was saved: review their changes, then apply yours again."
        )

    def rows(self, *, notes: bool = True) -> list[tuple[str, str, str]]:
        """(field label, value when you loaded it, value now), as people read them; then, with
        `notes`, one ("Note added", "—", "the note — who, when") row per journal note since."""
        rows = []
        for name, before, after in self.changes:
            field = Commitment._meta.get_field(name.removesuffix("_id"))
            if field.choices:
                labels = dict(field.flatchoices)
                before, after = labels.get(before, before), labels.get(after, after)
            elif field.is_relation:
                model = field.related_model
                objects = model.objects.filter(pk__in=[before, after])
                shown = {obj.pk: names.display_name(obj) for obj in objects}
                before, after = shown.get(before), shown.get(after)
            rows.append((str(field.verbose_name), _display(before), _display(after)))
        if notes:
            rows += [(_("Note added"), "—", text) for text in self.note_lines()]
        return rows

    def note_lines(self) -> list[str]:
        """Each note written since the editor loaded the page: “the note” — who, when."""
        return [
            _("“%(note)s” — %(who)s, %(when)s")
            % {
                "note": entry.note,
                "who": names.user_name(entry.author),
                "when": _moment(entry.created_at),
            }
            for entry in self.notes_added
        ]


def _moment(value: datetime.datetime) -> str:
    """A time as the reader's interface writes it, in their time zone."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _set_history_user(instance, user) -> None:
    # django-simple-history reads this to record who made the change outside a request.
    instance._history_user = user


def _lock(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().get(pk=commitment.pk)


def _check_version(
    *,
    current: Commitment,
    expected_version: int | None,
    base: dict[str, Any] | None,
    user: AbstractBaseUser | None = None,
) -> None:
    """Refuse a save based on a version someone else has replaced, or on no version at all."""
    if expected_version is None:
        # A door that sends no version cannot know what it overwrites: refuse, never pass.
        raise ValidationError(
            _(
                "This form was sent without the version you started from, so it could overwrite "
                "someone else's work. Reload the page and apply your change again."
            ),
            code="version_missing",
        )
    if current.version == expected_version:
        return
    # The change history holds the row as the editor loaded it, and who saved it since.
    loaded = current.history.filter(version=expected_version).order_by("-history_id").first()
    if base is None:
        base = {f: getattr(loaded, f) for f in CONFLICT_FIELDS} if loaded else {}
    changes = [
        (field, base[field], getattr(current, field))
        for field in CONFLICT_FIELDS
        if field in base and base[field] != getattr(current, field)
    ]
    since = list(
        current.history.filter(version__gt=expected_version)
        .select_related("history_user")
        .order_by("history_id")
    )
    who: list[AbstractBaseUser] = []
    for record in since:
        if record.history_user is not None and record.history_user not in who:
            who.append(record.history_user)
    notes_added: list[StatusUpdate] = []
    if loaded is not None:
        # A save's journal entry is stamped just before its history record: entries after the
        # loaded version's record are those written since.
        notes_added = list(
            current.status_updates.filter(created_at__gt=loaded.history_date)
            .exclude(note="")
            .select_related("author")
            .order_by("created_at", "pk")
        )
    raise ConflictError(
        current=current,
        changes=changes,
        base=base,
        who=who,
        when=since[-1].history_date if since else None,
        same_user=bool(who) and user is not None and all(p.pk == user.pk for p in who),
        notes_added=notes_added,
        user=user,
    )


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
    _set_history_user(commitment, user)
    commitment.save()
    _journal(
        commitment=commitment,
        author=user,
        created_at=commitment.created_at,
        status_from="",
        status_to=commitment.status,
        confidence_from="",
        confidence_to=commitment.confidence,
        note=note or _("Recorded from %(meeting)s.") % {"meeting": commitment.origin_meeting},
    )
    return commitment


def _journal(**fields: Any) -> StatusUpdate:
    """Append a validated journal entry (its note within the limits like any other text)."""
    entry = StatusUpdate(**fields)
    entry.full_clean()
    entry.save()
    return entry


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
    _check_version(current=current, expected_version=expected_version, base=base, user=user)
    if not user.has_perm("tracker.edit_commitment", current):
        raise PermissionDenied(_("You may not change this commitment."))
    note = note.strip()
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
            return current
    if errors:
        raise ValidationError(errors)

    entry = None
    if moves or note:
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
    for name, value in changed.items():
        if name not in M2M_FIELDS:
            setattr(current, name, value)
    current.full_clean()
    if not user.has_perm("tracker.edit_commitment", current):
        errors["lead_division"] = [
            _("You may not move this commitment out of your divisions: ask a manager.")
        ]
        raise ValidationError(errors)
    if changed:
        # The row is locked (select_for_update), so this increment cannot race.
        current.version += 1
        _set_history_user(current, user)
        # One history record per edit, written by save() with the new themes and parties in it:
        # setting them first, unrecorded, keeps a half-applied edit out of the history.
        current.skip_history_when_saving = True
        for name in M2M_FIELDS:
            if name in changed:
                getattr(current, name).set(data[name])
        del current.skip_history_when_saving
        current.save()
    if entry is not None:
        entry.save()
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
    _set_history_user(current, user)
    current.save()
    _journal(
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


def _already_linked(meeting: Meeting) -> ValidationError:
    return ValidationError(
        {
            "meeting": [
                _("This commitment is already linked to “%(meeting)s”.") % {"meeting": meeting}
            ]
        },
        code="already_linked",
    )


def _check_followup_date(commitment: Commitment, meeting: Meeting) -> None:
    # By day, not by the minute: on 29 July 2022 the Economic "2+2" met hours before the
    # bilateral meeting whose commitments it followed up.
    if meeting.local_start.date() < commitment.origin_meeting.local_start.date():
        raise ValidationError(
            {"meeting": [_("A follow-up meeting cannot be earlier than the origin meeting.")]}
        )


@transaction.atomic
def followup_record(
    *,
    commitment: Commitment,
    meeting: Meeting,
    user: AbstractBaseUser,
    outcome: str,
    note: str = "",
    quote: str = "",
    recorded_at: datetime.datetime | None = None,
) -> FollowUp:
    """Record that a commitment came up again at a later meeting."""
    if user is None:
        raise ValidationError(_("A follow-up needs the person who recorded it."))
    if FollowUp.objects.filter(commitment=commitment, meeting=meeting).exists():
        raise _already_linked(meeting)
    _check_followup_date(commitment, meeting)
    follow_up = FollowUp(
        commitment=commitment,
        meeting=meeting,
        outcome=outcome,
        note=note.strip(),
        quote=quote.strip(),
        recorded_by=user,
        recorded_at=recorded_at or timezone.now(),
    )
    # The unique constraint is checked by the database below, where a concurrent double-click
    # is caught; validate_constraints here would only race with it.
    follow_up.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:
        # The other request of a double-click won between the check above and this insert.
        raise _already_linked(meeting) from None
    return follow_up


@transaction.atomic
def followup_edit(
    *, follow_up: FollowUp, user: AbstractBaseUser, data: Mapping[str, Any]
) -> FollowUp:
    """Change what a follow-up says (meeting, outcome, note, quote), validated like a new one."""
    unknown = set(data) - {"meeting", "outcome", "note", "quote"}
    if unknown:
        raise TypeError(f"Not editable through followup_edit: {sorted(unknown)}")
    current = FollowUp.objects.select_for_update().select_related("commitment").get(pk=follow_up.pk)
    changed = {k: v for k, v in data.items() if getattr(current, k) != v}
    if not changed:
        return current
    for name, value in changed.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    if "meeting" in changed:
        if (
            FollowUp.objects.filter(commitment=current.commitment, meeting=current.meeting)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise _already_linked(current.meeting)
        _check_followup_date(current.commitment, current.meeting)
    current.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise _already_linked(current.meeting) from None
    return current


@transaction.atomic
def followup_delete(*, follow_up: FollowUp, user: AbstractBaseUser) -> None:
    """Remove a follow-up linked by mistake (the admin's delete; clerks have no such right)."""
    if not user.has_perm("tracker.delete_followup"):
        raise PermissionDenied(_("You may not remove follow-ups."))
    FollowUp.objects.filter(pk=follow_up.pk).delete()


PARTICIPATION_FIELDS = ("person", "title", "side", "order")


@transaction.atomic
def participation_add(
    *, meeting: Meeting, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    """Record that a person took part in a meeting, with the title they held then."""
    participation = Participation(meeting=meeting, **_only(data, PARTICIPATION_FIELDS))
    participation.full_clean()
    participation.save()
    return participation


@transaction.atomic
def participation_edit(
    *, participation: Participation, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    current = Participation.objects.select_for_update().get(pk=participation.pk)
    for name, value in _only(data, PARTICIPATION_FIELDS).items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def participation_remove(*, participation: Participation, user: AbstractBaseUser) -> None:
    """Remove a participant entered by mistake (clerks may: see DATA_ENTRY_PERMISSIONS)."""
    if not user.has_perm("tracker.delete_participation"):
        raise PermissionDenied(_("You may not remove participants."))
    Participation.objects.filter(pk=participation.pk).delete()


def _only(data: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    return dict(data)


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
