"""Who took part in a meeting, with the title they held then."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Meeting, Participation
from .records import only, record_create, record_delete, record_update
from .search import participants_changed

PARTICIPATION_FIELDS = ("person", "title", "side", "order")


@transaction.atomic
def participation_add(
    *, meeting: Meeting, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    """Record that a person took part in a meeting, with the title they held then."""
    participation = record_create(
        model=Participation,
        user=user,
        fields=("meeting", *PARTICIPATION_FIELDS),
        data={"meeting": meeting, **only(data, PARTICIPATION_FIELDS)},
    )
    participants_changed(meeting_id=meeting.pk, person_ids=[participation.person_id])
    return participation


@transaction.atomic
def participation_edit(
    *, participation: Participation, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    # Read from the row: an admin form may already have changed the instance's person.
    before = (
        Participation.objects.filter(pk=participation.pk)
        .values_list("person_id", flat=True)
        .first()
    )
    changed = record_update(
        instance=participation, user=user, fields=PARTICIPATION_FIELDS, data=data
    )
    participants_changed(
        meeting_id=changed.meeting_id, person_ids={before, changed.person_id} - {None}
    )
    return changed


@transaction.atomic
def participation_remove(*, participation: Participation, user: AbstractBaseUser) -> None:
    """Remove a participant entered by mistake (clerks may: see DATA_ENTRY_PERMISSIONS)."""
    meeting_id, person_id = participation.meeting_id, participation.person_id
    record_delete(
        instance=participation,
        user=user,
        permission="tracker.delete_participation",
        refusal=_("You may not remove participants."),
    )
    participants_changed(meeting_id=meeting_id, person_ids=[person_id])
