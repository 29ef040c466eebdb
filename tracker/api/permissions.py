"""The API's gate: an active user with the workspace's read permission, and a write-scoped token
(or the session) for any write. Each view then asks `tracker.permissions` about its object, as the
workspace's views do."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import permissions

from .authentication import request_token


class ApiAccess(permissions.BasePermission):
    message = _("You may not use the API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not user.has_perm("tracker.view_workspace"):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request_token(request)
        if token is not None and not token.can_write:
            self.message = _("This token may only read: make a read-and-write token to write.")
            return False
        return True


def require_api(request, permission: str, obj=None) -> None:
    """Refuse (403, as problem details) unless the user has the workspace's permission."""
    if not request.user.has_perm(permission, obj):
        from rest_framework.exceptions import PermissionDenied

        raise PermissionDenied(_("You may not do this: it needs a role you do not have."))
