"""Every write with side effects, one module per kind of record.

Views, the admin, management commands and the imports all call these functions, so a status
change always writes its journal entry and a stale edit is always refused, whatever the door.
Each function is keyword-only, runs in one transaction and validates with `full_clean()`.
"""

from .agreed_language import agreed_sentences_rebuild
from .api_tokens import api_token_create, api_token_revoke, api_token_used
from .bulk import BULK_FIELDS, MAX_BULK_ITEMS, BulkEditRefused, commitments_bulk_edit
from .calendar_feeds import (
    calendar_token_issue,
    calendar_token_revoke,
    calendar_token_used,
)
from .commitments import (
    COMMITMENT_EDIT_FIELDS,
    M2M_FIELDS,
    commitment_create,
    commitment_edit,
    commitment_reassign,
    commitment_save_new,
    commitment_set_status,
    commitments_reassign_bulk,
    commitments_set_status_bulk,
    quote_positions,
    status_move_errors,
)
from .conflicts import CONFLICT_FIELDS, ConflictError
from .digests import weekly_digests_send
from .followups import FOLLOWUP_FIELDS, followup_delete, followup_edit, followup_record
from .history import set_history_user
from .meetings import (
    MEETING_FIELDS,
    PERSON_FIELDS,
    REFERENCE_FIELDS,
    meeting_create,
    meeting_edit,
    person_create,
    person_edit,
    reference_create,
    reference_edit,
)
from .notifications import (
    digest_send,
    notification_mark_read,
    notification_preferences_set,
    notifications_email_immediate,
    reminders_create,
    watch_set,
)
from .participations import (
    PARTICIPATION_FIELDS,
    participation_add,
    participation_edit,
    participation_remove,
)
from .readouts import readout_save
from .records import record_create, record_delete, record_update
from .report_schedules import (
    REPORT_SCHEDULE_FIELDS,
    report_schedule_create,
    report_schedule_delete,
    report_schedule_update,
)
from .reports import EMAILED_FORMATS, AlreadyIssued, report_issue, report_send
from .roles import DATA_ENTRY_PERMISSIONS, roles_sync
from .saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_query,
    saved_view_update,
)
from .search import meeting_and_person_documents_rebuild, search_documents_rebuild

__all__ = [
    "agreed_sentences_rebuild",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_query",
    "saved_view_update",
    "api_token_create",
    "api_token_revoke",
    "api_token_used",
    "FOLLOWUP_FIELDS",
    "EMAILED_FORMATS",
    "AlreadyIssued",
    "report_issue",
    "report_send",
    "REPORT_SCHEDULE_FIELDS",
    "report_schedule_create",
    "report_schedule_delete",
    "report_schedule_update",
    "record_update",
    "record_create",
    "record_delete",
    "reference_edit",
    "reference_create",
    "person_edit",
    "person_create",
    "meeting_edit",
    "meeting_create",
    "REFERENCE_FIELDS",
    "PERSON_FIELDS",
    "MEETING_FIELDS",
    "COMMITMENT_EDIT_FIELDS",
    "CONFLICT_FIELDS",
    "DATA_ENTRY_PERMISSIONS",
    "M2M_FIELDS",
    "PARTICIPATION_FIELDS",
    "ConflictError",
    "calendar_token_issue",
    "calendar_token_revoke",
    "calendar_token_used",
    "commitment_create",
    "commitment_edit",
    "commitment_reassign",
    "commitment_save_new",
    "commitment_set_status",
    "commitments_bulk_edit",
    "BULK_FIELDS",
    "MAX_BULK_ITEMS",
    "BulkEditRefused",
    "commitments_reassign_bulk",
    "commitments_set_status_bulk",
    "followup_delete",
    "followup_edit",
    "followup_record",
    "digest_send",
    "weekly_digests_send",
    "notification_mark_read",
    "notification_preferences_set",
    "notifications_email_immediate",
    "reminders_create",
    "watch_set",
    "participation_add",
    "participation_edit",
    "participation_remove",
    "quote_positions",
    "readout_save",
    "roles_sync",
    "meeting_and_person_documents_rebuild",
    "search_documents_rebuild",
    "set_history_user",
    "status_move_errors",
]
