"""Many commitments changed at once from the workspace list, all or nothing.

Each item goes through the one edit contract (`commitment_edit`): the same lock, version check,
permission checks, lifecycle rules, note rule and journal entry as an edit of that one item. The
first refusal does not stop the run: every item is tried, so that the user is told every refusal
at once, and then nothing of it is kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Commitment
from .commitments import commitment_edit

# What a bulk edit may change: the list's bar offers these four, and no other field.
BULK_FIELDS = frozenset({"status", "confidence", "owner", "target_date"})
# The most items one request changes: 500 are done in a few seconds, and a form posting more
# checkboxes than this would meet Django's limit on the number of fields.
MAX_BULK_ITEMS = 500


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
    # One read (and lock, in the order of the numbers, as any other bulk writer would take
    # them) for all the items; commitment_edit locks each again, which costs no wait.
    found = {
        c.pk: c
        for c in Commitment.objects.active()
        .select_for_update()
        .filter(pk__in=list(versions))
        .order_by("pk")
    }
    missing = [pk for pk in versions if pk not in found]
    refusals: list[tuple[Commitment, ValidationError | PermissionDenied]] = []
    updated = 0
    for pk, version in versions.items():
        commitment = found.get(pk)
        if commitment is None:
            continue
        if version is None and selected_at is not None:
            if commitment.updated_at > selected_at:
                refusals.append((commitment, _changed_since()))
                continue
            version = commitment.version
        # Else no version at all: commitment_edit refuses it, as it would a one-by-one save.
        try:
            # Its own savepoint (commitment_edit is atomic): a refused item leaves nothing.
            saved = commitment_edit(
                commitment=commitment,
                user=user,
                data=data,
                expected_version=version,
                note=note,
            )
        except (ValidationError, PermissionDenied) as error:
            refusals.append((commitment, error))
            continue
        if saved.version != version or note.strip():
            updated += 1
    if refusals or missing:
        # Raised out of the atomic block: what the accepted items wrote is rolled back.
        raise BulkEditRefused(refusals=refusals, missing=missing)
    return updated
