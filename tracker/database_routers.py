"""Which models `migrate`, `dumpdata` and `loaddata` may write or read as rows."""

from __future__ import annotations


class SearchIndexRouter:
    """Keeps `CommitmentSearchIndex`, SQLite's FTS5 table over the search documents, out of the
    fixtures: it is derived data, kept by triggers from the documents, which the fixtures carry.
    Dumped, its rows would be loaded twice into the index (once by the triggers, once as rows);
    on PostgreSQL the table does not exist and `dumpdata tracker` would fail."""

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "tracker" and model_name == "commitmentsearchindex":
            return False
        return None
