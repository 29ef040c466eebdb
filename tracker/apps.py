from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Commitment tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models import fields

        from . import (
            permissions,  # noqa: F401 - registers the rules
            security_signals,
            two_factor,
        )

        # Log-ins, log-outs, failures and lock-outs, into the security log.
        security_signals.connect()
        # The step a session owes after the password (second factor or enrolment).
        two_factor.connect()

        # Django's Japanese catalogue has no translation for its empty-choice label (every admin
        # select and the actions menu show it); declared here so that ours carries one.
        fields.BLANK_CHOICE_LABEL = _("- Select an option -")

        # Role groups and their model permissions are part of the product, not of the demo data:
        # they are put in place after every migrate, the way contrib.auth creates permissions.
        post_migrate.connect(sync_roles_after_migrate, sender=self)


def sync_roles_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    from .services import roles_sync

    roles_sync(using=using)
