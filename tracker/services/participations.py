"""Who took part in a meeting, with the title they held then."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from ..models import Meeting, Participation
from .records import only, record_create, record_delete, record_update

PARTICIPATION_FIELDS = ("person", "title", "side", "order")


def participation_add(
    *, meeting: Meeting, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    """Record that a person took part in a meeting, with the title they held then."""
    return record_create(
        model=Participation,
        user=user,
        fields=("meeting", *PARTICIPATION_FIELDS),
        data={"meeting": meeting, **only(data, PARTICIPATION_FIELDS)},
    )


def participation_edit(
    *, participation: Participation, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    return record_update(instance=participation, user=user, fields=PARTICIPATION_FIELDS, data=data)


def participation_remove(*, participation: Participation, user: AbstractBaseUser) -> None:
    """Remove a participant entered by mistake (clerks may: see DATA_ENTRY_PERMISSIONS)."""
    record_delete(
        instance=participation,
        user=user,
        permission="tracker.delete_participation",
        refusal=_("You may not remove participants."),
    )
