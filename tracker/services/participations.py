"""Who took part in a meeting, with the title they held then."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Meeting,
    Participation,
)
from .records import only

PARTICIPATION_FIELDS = ("person", "title", "side", "order")


@transaction.atomic
def participation_add(
    *, meeting: Meeting, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    """Record that a person took part in a meeting, with the title they held then."""
    participation = Participation(meeting=meeting, **only(data, PARTICIPATION_FIELDS))
    participation.full_clean()
    participation.save()
    return participation


@transaction.atomic
def participation_edit(
    *, participation: Participation, user: AbstractBaseUser, data: Mapping[str, Any]
) -> Participation:
    current = Participation.objects.select_for_update().get(pk=participation.pk)
    for name, value in only(data, PARTICIPATION_FIELDS).items():
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
