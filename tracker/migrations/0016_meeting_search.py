"""The search from every page: a search document per meeting and per person, filled from the
existing rows, and the indexes that rank them (and the commitments' documents) by words.

PostgreSQL: a stored text-search vector beside each document (English for commitments and
meetings, 'simple' for people's names) with a GIN index, and pg_trgm's GIN index on the new
documents for Japanese substrings (the commitments' has it since 0007). SQLite: per kind an FTS5
table of words (porter stemmer, ranked by bm25) and, for the new kinds, one of trigrams for
Japanese, kept by triggers. None of this can be said in a model's Meta: each database gets only
its own, as in 0007."""

import unicodedata

import django.db.models.deletion
from django.db import migrations, models

BATCH = 500
# (document table, key column, PostgreSQL configuration, words table, trigram table or None
# when 0007 made it already)
KINDS = (
    (
        "tracker_commitmentsearchdocument",
        "commitment_id",
        "english",
        "tracker_commitment_words_fts",
        None,
    ),
    (
        "tracker_meetingsearchdocument",
        "meeting_id",
        "english",
        "tracker_meeting_words_fts",
        "tracker_meeting_search_fts",
    ),
    (
        "tracker_personsearchdocument",
        "person_id",
        "simple",
        "tracker_person_words_fts",
        "tracker_person_search_fts",
    ),
)


def fold(text):
    # As tracker.models.search.search_fold does it, copied so that this migration stays as is.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return folded.replace("\x00", "")


def joined(parts):
    return "\n".join(part for part in dict.fromkeys(fold(part) for part in parts) if part)


def name_forms(family, given, name_ja):
    return (f"{given} {family}", f"{family} {given}", name_ja)


def fill_documents(apps, schema_editor):
    alias = schema_editor.connection.alias
    Meeting = apps.get_model("tracker", "Meeting")
    Person = apps.get_model("tracker", "Person")
    Participation = apps.get_model("tracker", "Participation")
    MeetingDocument = apps.get_model("tracker", "MeetingSearchDocument")
    PersonDocument = apps.get_model("tracker", "PersonSearchDocument")
    names = {
        pk: name_forms(family, given, name_ja)
        for pk, family, given, name_ja in Person.objects.using(alias).values_list(
            "pk", "family_name", "given_name", "name_ja"
        )
    }
    people_at = {}
    titles_of = {}
    for meeting_id, person_id, title in (
        Participation.objects.using(alias)
        .order_by("meeting_id", "order", "pk")
        .values_list("meeting_id", "person_id", "title")
    ):
        people_at.setdefault(meeting_id, []).extend(names[person_id])
        titles_of.setdefault(person_id, []).append(title)
    PersonDocument.objects.using(alias).bulk_create(
        (
            PersonDocument(person_id=pk, document=joined((*forms, *titles_of.get(pk, ()))))
            for pk, forms in names.items()
        ),
        batch_size=BATCH,
    )
    pks = list(Meeting.objects.using(alias).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = (
            Meeting.objects.using(alias)
            .filter(pk__in=pks[start : start + BATCH])
            .values_list("pk", "title", "place", "readout_text")
        )
        MeetingDocument.objects.using(alias).bulk_create(
            MeetingDocument(
                meeting_id=pk,
                document=joined((title, place, *people_at.get(pk, ()), readout)),
            )
            for pk, title, place, readout in rows
        )


def sqlite_triggers(fts, table, key):
    return {
        "insert": f"""
            CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN
                INSERT INTO "{fts}" (rowid, document) VALUES (new.{key}, new.document);
            END""",
        "delete": f"""
            CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN
                INSERT INTO "{fts}" ("{fts}", rowid, document)
                    VALUES ('delete', old.{key}, old.document);
            END""",
        "update": f"""
            CREATE TRIGGER "{fts}_update" AFTER UPDATE ON "{table}"
            WHEN old.document IS NOT new.document BEGIN
                INSERT INTO "{fts}" ("{fts}", rowid, document)
                    VALUES ('delete', old.{key}, old.document);
                INSERT INTO "{fts}" (rowid, document) VALUES (new.{key}, new.document);
            END""",
    }


def sqlite_fts(schema_editor, fts, table, key, tokenize):
    # External content: the text lives once, in the document table.
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5(document, content='{table}', "
        f"content_rowid='{key}', tokenize='{tokenize}')"
    )
    schema_editor.execute(f"""INSERT INTO "{fts}" ("{fts}") VALUES ('rebuild')""")
    for sql in sqlite_triggers(fts, table, key).values():
        schema_editor.execute(sql)


def add_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, key, config, words, trigrams in KINDS:
        stem = table.removeprefix("tracker_").removesuffix("searchdocument")
        if vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            # Stored, so that ranking a thousand matches reads vectors instead of parsing a
            # thousand readouts again.
            schema_editor.execute(
                f'ALTER TABLE "{table}" ADD COLUMN "vector" tsvector GENERATED ALWAYS AS '
                f"(to_tsvector('{config}'::regconfig, \"document\")) STORED"
            )
            schema_editor.execute(
                f'CREATE INDEX "{stem}_search_vector" ON "{table}" USING gin ("vector")'
            )
            if trigrams:
                schema_editor.execute(
                    f'CREATE INDEX "{stem}_search_trgm" ON "{table}" '
                    'USING gin ("document" gin_trgm_ops)'
                )
            schema_editor.execute(f'ANALYZE "{table}"')
        elif vendor == "sqlite":
            sqlite_fts(schema_editor, words, table, key, "porter unicode61 remove_diacritics 2")
            if trigrams:
                sqlite_fts(schema_editor, trigrams, table, key, "trigram case_sensitive 0")


def drop_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _key, _config, words, trigrams in KINDS:
        stem = table.removeprefix("tracker_").removesuffix("searchdocument")
        if vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{stem}_search_trgm"')
            schema_editor.execute(f'DROP INDEX IF EXISTS "{stem}_search_vector"')
            schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "vector"')
        elif vendor == "sqlite":
            for fts in filter(None, (words, trigrams)):
                for name in ("insert", "delete", "update"):
                    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{name}"')
                schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')


class Migration(migrations.Migration):
    dependencies = [("tracker", "0015_security_log")]

    operations = [
        migrations.CreateModel(
            name="MeetingSearchDocument",
            fields=[
                (
                    "meeting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tracker.meeting",
                        verbose_name="meeting",
                    ),
                ),
                ("document", models.TextField(editable=False, verbose_name="search document")),
            ],
            options={
                "verbose_name": "meeting search document",
                "verbose_name_plural": "meeting search documents",
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="PersonSearchDocument",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="tracker.person",
                        verbose_name="person",
                    ),
                ),
                ("document", models.TextField(editable=False, verbose_name="search document")),
            ],
            options={
                "verbose_name": "person search document",
                "verbose_name_plural": "person search documents",
                "default_permissions": (),
            },
        ),
        # Going back drops the tables, and the documents with them: nothing to undo.
        migrations.RunPython(fill_documents, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(add_indexes, drop_indexes),
    ]
