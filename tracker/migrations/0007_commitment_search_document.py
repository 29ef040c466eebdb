"""Each commitment's search document (title, quote, next step and journal notes, folded), filled
from the existing rows, and the index that answers a substring search on it: pg_trgm's GIN index
on PostgreSQL, an FTS5 trigram table kept by triggers on SQLite. Neither can be said in the
model's Meta, so both are made here, each only on its own database."""

import unicodedata

import django.db.models.deletion
from django.db import migrations, models

FTS_TABLE = "tracker_commitment_search_fts"
DOCUMENT_TABLE = "tracker_commitmentsearchdocument"
TRIGRAM_INDEX = "commitment_search_trgm"
TRIGGERS = {
    "insert": f"""
        CREATE TRIGGER "{FTS_TABLE}_insert" AFTER INSERT ON "{DOCUMENT_TABLE}" BEGIN
            INSERT INTO "{FTS_TABLE}" (rowid, document) VALUES (new.commitment_id, new.document);
        END""",
    "delete": f"""
        CREATE TRIGGER "{FTS_TABLE}_delete" AFTER DELETE ON "{DOCUMENT_TABLE}" BEGIN
            INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}", rowid, document)
                VALUES ('delete', old.commitment_id, old.document);
        END""",
    "update": f"""
        CREATE TRIGGER "{FTS_TABLE}_update" AFTER UPDATE ON "{DOCUMENT_TABLE}"
        WHEN old.document IS NOT new.document BEGIN
            INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}", rowid, document)
                VALUES ('delete', old.commitment_id, old.document);
            INSERT INTO "{FTS_TABLE}" (rowid, document) VALUES (new.commitment_id, new.document);
        END""",
}
BATCH = 500


def fold(text):
    # As tracker.models.search.search_fold does it, copied so that this migration stays as is
    # when the app's code moves on.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("\x00", "")


def fill_documents(apps, schema_editor):
    alias = schema_editor.connection.alias
    Commitment = apps.get_model("tracker", "Commitment")
    StatusUpdate = apps.get_model("tracker", "StatusUpdate")
    Document = apps.get_model("tracker", "CommitmentSearchDocument")
    pks = list(Commitment.objects.using(alias).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        notes = {pk: [] for pk in batch}
        for commitment_id, note in (
            StatusUpdate.objects.using(alias)
            .filter(commitment_id__in=batch)
            .order_by("commitment_id", "created_at", "pk")
            .values_list("commitment_id", "note")
        ):
            notes[commitment_id].append(note)
        rows = (
            Commitment.objects.using(alias)
            .filter(pk__in=batch)
            .values_list("pk", "title", "quote", "next_step")
        )
        Document.objects.using(alias).bulk_create(
            Document(
                commitment_id=pk,
                document="\n".join(
                    part
                    for part in dict.fromkeys(
                        fold(text) for text in (title, quote, next_step, *notes[pk])
                    )
                    if part
                ),
            )
            for pk, title, quote, next_step in rows
        )


def add_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # pg_trgm is a trusted extension: the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX "{TRIGRAM_INDEX}" ON "{DOCUMENT_TABLE}" '
            'USING gin ("document" gin_trgm_ops)'
        )
        # Statistics now, not at autovacuum's leisure: without them the planner takes a common
        # phrase for a rare one and joins every match before sorting and cutting to a page.
        schema_editor.execute(f'ANALYZE "{DOCUMENT_TABLE}"')
    elif vendor == "sqlite":
        # An external-content index: the text lives once, in the document table; the trigram
        # tokenizer indexes every three characters, so any phrase of three or more is found
        # by substring, Japanese included.
        schema_editor.execute(
            f'CREATE VIRTUAL TABLE "{FTS_TABLE}" USING fts5(document, '
            f"content='{DOCUMENT_TABLE}', content_rowid='commitment_id', "
            "tokenize='trigram case_sensitive 0')"
        )
        schema_editor.execute(f"""INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}") VALUES ('rebuild')""")
        for sql in TRIGGERS.values():
            schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # The extension stays: other objects may have come to use it.
        schema_editor.execute(f'DROP INDEX IF EXISTS "{TRIGRAM_INDEX}"')
    elif vendor == "sqlite":
        for name in TRIGGERS:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{FTS_TABLE}_{name}"')
        schema_editor.execute(f'DROP TABLE IF EXISTS "{FTS_TABLE}"')


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_commitment_last_update_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommitmentSearchDocument",
            fields=[
                (
                    "commitment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tracker.commitment",
                        verbose_name="commitment",
                    ),
                ),
                ("document", models.TextField(editable=False, verbose_name="search document")),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
                "default_permissions": (),
            },
        ),
        # Going back drops the table, and the documents with it: nothing to undo.
        migrations.RunPython(fill_documents, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_index, drop_index),
    ]
