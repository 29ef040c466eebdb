"""The commitments' FTS5 table (SQLite only, made by migration 0007) as an unmanaged model, so
that the list's search joins it instead of filtering on `pk IN (matches)`. Nothing is created or
changed in the database: Django neither makes nor alters an unmanaged model's table."""

import django.db.models.deletion
from django.db import migrations, models

import tracker.models.search


class Migration(migrations.Migration):
    dependencies = [("tracker", "0019_commitment_active_counts")]

    operations = [
        migrations.CreateModel(
            name="CommitmentSearchIndex",
            fields=[
                (
                    "commitment",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_index",
                        serialize=False,
                        to="tracker.commitment",
                        verbose_name="commitment",
                    ),
                ),
                (
                    "all_columns",
                    tracker.models.search.FullTextField(
                        db_column="tracker_commitment_search_fts",
                        editable=False,
                        verbose_name="search document",
                    ),
                ),
            ],
            options={
                "verbose_name": "search index entry",
                "verbose_name_plural": "search index entries",
                "db_table": "tracker_commitment_search_fts",
                "managed": False,
                "default_permissions": (),
                "required_db_vendor": "sqlite",
            },
        ),
    ]
