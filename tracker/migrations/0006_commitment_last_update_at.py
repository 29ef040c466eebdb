"""Each commitment keeps the time of its newest journal entry, so that the lists read it off the
row; filled here from the journal, then kept by the service that writes the journal."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_last_update_at(apps, schema_editor):
    Commitment = apps.get_model("tracker", "Commitment")
    StatusUpdate = apps.get_model("tracker", "StatusUpdate")
    newest = (
        StatusUpdate.objects.filter(commitment=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # One UPDATE with a correlated subquery: the journal's index on (commitment, created_at)
    # answers each row without reading the journal into Python.
    Commitment.objects.using(schema_editor.connection.alias).update(last_update_at=Subquery(newest))


# "Last update, newest first" sorts blanks last. PostgreSQL's descending index puts them first,
# so it needs an index of its own; SQLite, whose descending order puts blanks last anyway, reads
# the field's index backwards and refuses NULLS LAST in an index, so the index is PostgreSQL's
# only (and not in the model's Meta, which cannot say so).
UPDATED_DESC_INDEX = "commitment_updated_desc"


def add_updated_desc_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{UPDATED_DESC_INDEX}" ON "tracker_commitment" '
            '("last_update_at" DESC NULLS LAST, "id" DESC)'
        )


def drop_updated_desc_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{UPDATED_DESC_INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0005_issuedreport_revision"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="commitment",
            name="last_update_at",
            field=models.DateTimeField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="last update"
            ),
        ),
        migrations.AddField(
            model_name="historicalcommitment",
            name="last_update_at",
            field=models.DateTimeField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="last update"
            ),
        ),
        # Going back drops the column, and the value with it: nothing to undo.
        migrations.RunPython(fill_last_update_at, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(fields=["owner", "status"], name="commitment_owner_status"),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["confidence", "status"], name="commitment_confidence_status"
            ),
        ),
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(
                    ("is_archived", False),
                    ("status__in", ["in_progress", "not_started", "ongoing", "stalled"]),
                ),
                fields=["target_date", "id"],
                name="commitment_open_target",
            ),
        ),
        migrations.RunPython(add_updated_desc_index, drop_updated_desc_index, elidable=True),
    ]
