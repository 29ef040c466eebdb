"""Who may do what: the rules are written once here and used by views, templates and the admin.

Roles are groups (see `Role`); an editor's reach is the commitments whose lead division they belong
to or that they own. Superusers are the system administrators and may do everything.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "Viewer", _("Viewer")
    EDITOR = "Editor", _("Editor")
    MANAGER = "Manager", _("Manager")
    DATA_ENTRY = "Data entry", _("Data entry (admin site)")


def _read_once(user, attribute: str, read) -> frozenset:
    """`read(user)`, kept on the user object: asked again in the same request, no query."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, attribute, None)
    if cached is None:
        cached = frozenset(read(user))
        setattr(user, attribute, cached)
    return cached


def role_names(user) -> frozenset[str]:
    """The user's role names, read once per user object (i.e. once per request)."""
    return _read_once(user, "_tracker_roles", lambda u: u.groups.values_list("name", flat=True))


def division_ids(user) -> frozenset[int]:
    """The divisions the user belongs to, read once per user object."""
    return _read_once(
        user, "_tracker_division_ids", lambda u: u.divisions.values_list("pk", flat=True)
    )


@rules.predicate
def is_superuser(user) -> bool:
    return user.is_active and user.is_superuser


@rules.predicate
def is_manager(user) -> bool:
    return Role.MANAGER in role_names(user)


@rules.predicate
def is_editor(user) -> bool:
    return Role.EDITOR in role_names(user)


@rules.predicate
def is_data_entry(user) -> bool:
    return user.is_staff and Role.DATA_ENTRY in role_names(user)


@rules.predicate
def is_active_user(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def leads_or_owns(user, commitment) -> bool:
    if commitment is None:
        # Asked without an object ("may this user edit any commitment?"): an editor may edit some.
        return True
    return commitment.owner_id == user.pk or commitment.lead_division_id in division_ids(user)


@rules.predicate
def is_division_member(user, division) -> bool:
    if division is None:
        # Asked without a division ("may this user have any division's feed?").
        return True
    return division.pk in division_ids(user)


@rules.predicate
def owns_view(user, view) -> bool:
    return view is None or view.owner_id == user.pk


@rules.predicate
def is_shared_view(user, view) -> bool:
    return view is not None and view.division_id is not None


@rules.predicate
def sees_view(user, view) -> bool:
    """A saved view is its owner's, and its division's members' when shared."""
    return view is None or view.owner_id == user.pk or view.division_id in division_ids(user)


can_edit_any = is_superuser | is_manager | is_data_entry
can_edit_commitment = can_edit_any | (is_editor & leads_or_owns)

# Everyone with an account reads everything (the viewer role is the floor).
rules.add_perm("tracker.view_workspace", is_active_user)
rules.add_perm("tracker.edit_commitment", can_edit_commitment)
rules.add_perm("tracker.link_followup", can_edit_commitment)
rules.add_perm("tracker.reassign_commitment", is_superuser | is_manager)
rules.add_perm("tracker.import_readout", is_superuser | is_manager | is_editor)
rules.add_perm("tracker.issue_report", is_superuser | is_manager)
rules.add_perm("tracker.view_issued_reports", is_superuser | is_manager)
# A division's calendar feed: its managers, asked again on every fetch of the feed.
rules.add_perm("tracker.subscribe_division_feed", is_superuser | (is_manager & is_division_member))


# Saved views of the list: anyone may keep their own; a shared one is changed by its owner or a
# manager; an editor shares with their own divisions, a manager with any.
rules.add_perm("tracker.open_saved_view", is_active_user & (sees_view | is_superuser))
rules.add_perm(
    "tracker.change_saved_view",
    is_active_user & (owns_view | (is_shared_view & (is_manager | is_superuser))),
)
rules.add_perm(
    "tracker.share_saved_view", is_active_user & (is_division_member | is_manager | is_superuser)
)


def require(request, permission: str, obj=None) -> None:
    """Refuse the request (403) unless the user has the permission; every view starts with it."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied
