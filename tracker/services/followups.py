"""Linking commitments to the later meetings where they came up again."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Commitment,
    FollowUp,
    JournalLinkKind,
    Meeting,
)
from .journal_chain import journal_seal
from .notifications import notify_followup
from .records import record_delete

# What an edit of a follow-up may change (who recorded it and when stay).
FOLLOWUP_FIELDS = ("meeting", "outcome", "note", "quote")


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
    journal_seal(kind=JournalLinkKind.FOLLOW_UP, entry=follow_up)
    notify_followup(follow_up=follow_up, actor=user)
    return follow_up


@transaction.atomic
def followup_edit(
    *, follow_up: FollowUp, user: AbstractBaseUser, data: Mapping[str, Any]
) -> FollowUp:
    """Change what a follow-up says (meeting, outcome, note, quote), validated like a new one."""
    unknown = set(data) - set(FOLLOWUP_FIELDS)
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
    # The correction is a new link: the chain is never rewritten, and the row must now match it.
    journal_seal(kind=JournalLinkKind.FOLLOW_UP_EDIT, entry=current)
    return current


@transaction.atomic
def followup_delete(*, follow_up: FollowUp, user: AbstractBaseUser) -> None:
    """Remove a follow-up linked by mistake (the admin's delete; clerks have no such right).
    The removal is sealed into the journal's chain with what the follow-up said."""
    removed = copy.copy(follow_up)
    record_delete(
        instance=follow_up,
        user=user,
        permission="tracker.delete_followup",
        refusal=_("You may not remove follow-ups."),
    )
    journal_seal(kind=JournalLinkKind.FOLLOW_UP_DELETE, entry=removed)
