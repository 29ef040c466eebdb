"""The admin site, where data-entry clerks enter meetings, participants, commitments and follow-ups.

Declarative where it can be; every save and delete calls `tracker.services`, like every other door
into the data (`saving`). One module per role: `labels` (names in pickers and filters), `saving`
(the service-backed model admin and its refusals), `reference` (countries, themes, divisions,
series, people), `meetings` (with participants and inlines), `commitment_forms`, `commitments`
(with the bulk actions), `followups`, `journal` (status updates), `security_log` (read-only).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Importing the modules registers their admins (the admin's autodiscovery imports this package).
from . import (  # noqa: F401
    commitments,
    followups,
    jobs,
    journal,
    meetings,
    reference,
    security_log,
    two_factor,
)

admin.site.site_header = _("Commitment tracker — data entry")
admin.site.site_title = _("Commitment tracker")
admin.site.index_title = _("Data entry")
