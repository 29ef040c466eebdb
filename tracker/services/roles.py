"""The role groups and the permissions of the data-entry role."""

from __future__ import annotations

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

    from ..permissions import Role

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
