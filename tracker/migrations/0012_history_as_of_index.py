"""An index for "each commitment as it stood at a moment": the weekly report reads, for every
commitment, its newest history record before the week's end. The historical model is made by
django-simple-history, whose Meta the project does not declare, hence plain SQL (the same on
SQLite and PostgreSQL)."""

from django.db import migrations

INDEX = "historicalcommitment_as_of"


class Migration(migrations.Migration):
    dependencies = [("tracker", "0011_weekly_digest")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON tracker_historicalcommitment "
            "(id, history_date DESC, history_id DESC)",
            f"DROP INDEX {INDEX}",
        )
    ]
