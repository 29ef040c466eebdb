"""The tracker's entities, one module per role; every name is importable from here.

Reads live as chainable QuerySet methods (`querysets`); every write with side effects goes
through `tracker.services`, so that a status change always writes its journal entry.
"""

from .choices import (
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    NOTE_REQUIRED_STATUSES,
    OPEN_STATUSES,
    Confidence,
    FollowUpOutcome,
    MeetingFormat,
    MeetingKind,
    ReportFormat,
    Status,
    Strength,
)
from .commitments import (
    COMMITMENT_FIELDS,
    COMMITMENT_M2M_FIELDS,
    EDITABLE_FIELD_NAMES,
    Commitment,
    FollowUp,
    StatusMove,
    StatusUpdate,
)
from .meetings import JAPAN_TIME_ZONE, Meeting, Participation, Person, validate_time_zone
from .querysets import (
    STALE_AFTER_DAYS,
    CommitmentQuerySet,
    MeetingQuerySet,
    StatusUpdateQuerySet,
    ThemeQuerySet,
    open_commitments,
)
from .reference import Country, Division, MeetingSeries, NamedReference, Theme
from .reports import IssuedReport, IssuedReportFile, report_file_stem
from .search import (
    SEARCH_FTS_TABLE,
    TRIGRAM,
    CommitmentSearchDocument,
    search_document_text,
    search_fold,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CLOSED_STATUSES",
    "COMMITMENT_FIELDS",
    "COMMITMENT_M2M_FIELDS",
    "EDITABLE_FIELD_NAMES",
    "JAPAN_TIME_ZONE",
    "NOTE_REQUIRED_STATUSES",
    "OPEN_STATUSES",
    "SEARCH_FTS_TABLE",
    "STALE_AFTER_DAYS",
    "TRIGRAM",
    "Commitment",
    "CommitmentQuerySet",
    "CommitmentSearchDocument",
    "Confidence",
    "Country",
    "Division",
    "FollowUp",
    "FollowUpOutcome",
    "IssuedReport",
    "IssuedReportFile",
    "Meeting",
    "MeetingFormat",
    "MeetingKind",
    "MeetingQuerySet",
    "MeetingSeries",
    "NamedReference",
    "Participation",
    "Person",
    "ReportFormat",
    "Status",
    "StatusMove",
    "StatusUpdate",
    "StatusUpdateQuerySet",
    "Strength",
    "Theme",
    "ThemeQuerySet",
    "open_commitments",
    "report_file_stem",
    "search_document_text",
    "search_fold",
    "validate_time_zone",
]
