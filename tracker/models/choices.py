"""The fixed vocabularies of the tracker, and the lifecycle of a commitment's status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    SUMMIT = "summit", _("Summit")
    FOREIGN_MINISTERS = "foreign_ministers", _("Foreign ministers’ meeting")
    SECURITY_2PLUS2 = "security_2plus2", _("Security Consultative Committee (“2+2”)")
    ECONOMIC_2PLUS2 = "economic_2plus2", _("Economic “2+2”")
    DIALOGUE = "dialogue", _("Dialogue")
    TRILATERAL = "trilateral", _("Trilateral")
    MULTILATERAL = "multilateral", _("Multilateral (G7, G20, IPEF …)")
    TELEPHONE = "telephone", _("Telephone talk")
    WORKING = "working", _("Working level")
    OTHER = "other", _("Other")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    TELEPHONE = "telephone", _("Telephone")


class Strength(models.TextChoices):
    """How firmly the readout words it: both sides committed, one side asked, or only noted."""

    JOINT = "joint", _("Joint commitment")
    REQUEST = "request", _("Request to the other side")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    # A standing commitment ("continue close communication"): kept up, never completed.
    ONGOING = "ongoing", _("Ongoing")
    # Blocked: moving here needs a note saying by what.
    STALLED = "stalled", _("Stalled")
    COMPLETED = "completed", _("Completed")
    SUPERSEDED = "superseded", _("Superseded")
    DROPPED = "dropped", _("Dropped")


CLOSED_STATUSES = frozenset({Status.COMPLETED, Status.SUPERSEDED, Status.DROPPED})
OPEN_STATUSES = frozenset(Status) - CLOSED_STATUSES
# Moves that must be explained: blocking, closing, and reopening a closed item.
NOTE_REQUIRED_STATUSES = frozenset({Status.STALLED, *CLOSED_STATUSES})
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NOT_STARTED: frozenset(
        {Status.IN_PROGRESS, Status.ONGOING, Status.STALLED, *CLOSED_STATUSES}
    ),
    Status.IN_PROGRESS: frozenset({Status.ONGOING, Status.STALLED, *CLOSED_STATUSES}),
    Status.ONGOING: frozenset({Status.IN_PROGRESS, Status.STALLED, *CLOSED_STATUSES}),
    Status.STALLED: frozenset({Status.IN_PROGRESS, Status.ONGOING, *CLOSED_STATUSES}),
    # A closed item can only be reopened, and reopening needs a note (see services).
    Status.COMPLETED: frozenset({Status.IN_PROGRESS}),
    Status.SUPERSEDED: frozenset({Status.IN_PROGRESS}),
    Status.DROPPED: frozenset({Status.IN_PROGRESS}),
}


class Confidence(models.TextChoices):
    """The owner's judgement of delivery by the target date, as the dashboard and reports colour
    it."""

    GREEN = "green", _("Green — on track")
    AMBER = "amber", _("Amber — at risk")
    RED = "red", _("Red — off track")


class FollowUpOutcome(models.TextChoices):
    REAFFIRMED = "reaffirmed", _("Reaffirmed")
    PROGRESS_REPORTED = "progress_reported", _("Progress reported")
    ADVANCED = "advanced", _("Advanced")
    COMPLETED = "completed", _("Completed")


class ReportFormat(models.TextChoices):
    HTML = "html", "HTML"
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
