"""Saving, changing and deleting the named views of the commitment list.

The rules of who may do what are `tracker.change_saved_view` and `tracker.share_saved_view`
(tracker/permissions.py); the views check them to answer 403, and these functions check them
again, so no door can share a view with a division its user may not reach.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from ..cells import safe_text
from ..models import Division, SavedView

# Parameters of the list that are not part of what a view shows.
NOT_SAVED = {"page", "view"}
_SPACES = re.compile(r"\s+")


def saved_view_query(params: QueryDict) -> str:
    """The list's parameters worth keeping, as an address query: no page, no empty values."""
    query = QueryDict(mutable=True)
    for name, values in params.lists():
        values = [value for value in values if value.strip()]
        if name not in NOT_SAVED and values:
            query.setlist(name, values)
    return query.urlencode()


def _clean_name(name: str) -> str:
    # A name is one line in a menu: control characters go, runs of spaces become one.
    return _SPACES.sub(" ", safe_text(name)).strip()


def _check_sharing(user: AbstractBaseUser, division: Division | None) -> None:
    if division is not None and not user.has_perm("tracker.share_saved_view", division):
        raise PermissionDenied


def _save(view: SavedView) -> SavedView:
    view.full_clean()
    try:
        # Its own savepoint: a name clash caught here must not break the caller's transaction.
        with transaction.atomic():
            view.save()
    except IntegrityError as error:
        # Two saves racing past full_clean's uniqueness check.
        raise ValidationError(
            {"name": _("You already have a view with this name. Choose another name.")}
        ) from error
    return view


@transaction.atomic
def saved_view_create(
    *,
    user: AbstractBaseUser,
    name: str,
    query: str,
    division: Division | None = None,
) -> SavedView:
    """A new view of the user's, shared with `division` when given."""
    _check_sharing(user, division)
    view = SavedView(owner=user, name=_clean_name(name), query=query, division=division)
    return _save(view)


_UNCHANGED = object()


@transaction.atomic
def saved_view_update(
    *,
    view: SavedView,
    user: AbstractBaseUser,
    name: str | None = None,
    query: str | None = None,
    division: Division | None | object = _UNCHANGED,
) -> SavedView:
    """Rename the view, give it the list's current parameters, or change whom it is shared with;
    only what is given changes."""
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    if not user.has_perm("tracker.change_saved_view", view):
        raise PermissionDenied
    if name is not None:
        view.name = _clean_name(name)
    if query is not None:
        view.query = query
    if division is not _UNCHANGED and division != view.division:
        _check_sharing(user, division)
        view.division = division
    return _save(view)


@transaction.atomic
def saved_view_delete(*, view: SavedView, user: AbstractBaseUser) -> None:
    if not user.has_perm("tracker.change_saved_view", view):
        raise PermissionDenied
    SavedView.objects.filter(pk=view.pk).delete()
