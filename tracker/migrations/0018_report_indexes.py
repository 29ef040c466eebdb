"""An index for "each commitment's journal state at a moment": the weekly report reads, for every
commitment, its newest journal entry before the week's end and before its start. The existing
(commitment, created_at) index finds the entry but leaves a sort for the tie on the time and a
table read for the values; this one is in the report's order and holds the status and the
confidence, so each lookup is one short index read (the same SQL on SQLite and PostgreSQL)."""

from django.db import migrations

INDEX = "statusupdate_as_of"


class Migration(migrations.Migration):
    dependencies = [("tracker", "0017_readout_sentences")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON tracker_statusupdate "
            "(commitment_id, created_at DESC, id DESC, status_to, confidence_to)",
            f"DROP INDEX {INDEX}",
        )
    ]
