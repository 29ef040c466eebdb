"""The agreed-language sentences: every sentence of each stored readout and every commitment's
verbatim quote, folded for search, filled from the existing rows; and the index that answers a
substring search on them: pg_trgm's GIN index on PostgreSQL, an FTS5 trigram table kept by
triggers on SQLite (as 0007 does for the commitments' search documents). Neither index can be
said in the model's Meta, so both are made here, each only on its own database."""

import unicodedata

import django.db.models.deletion
from django.db import migrations, models

# The readout parser is plain Python with no models; its sentence splitter is what the services
# use, and a later change to it only changes how later readouts are cut.
from tracker.readout_parser.sentences import line_spans, sentences, split_inline, strip_markers

FTS_TABLE = "tracker_agreed_sentence_fts"
SENTENCE_TABLE = "tracker_agreedsentence"
TRIGRAM_INDEX = "agreed_sentence_trgm"
TRIGGERS = {
    "insert": f"""
        CREATE TRIGGER "{FTS_TABLE}_insert" AFTER INSERT ON "{SENTENCE_TABLE}" BEGIN
            INSERT INTO "{FTS_TABLE}" (rowid, normalised) VALUES (new.id, new.normalised);
        END""",
    "delete": f"""
        CREATE TRIGGER "{FTS_TABLE}_delete" AFTER DELETE ON "{SENTENCE_TABLE}" BEGIN
            INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}", rowid, normalised)
                VALUES ('delete', old.id, old.normalised);
        END""",
    "update": f"""
        CREATE TRIGGER "{FTS_TABLE}_update" AFTER UPDATE ON "{SENTENCE_TABLE}"
        WHEN old.normalised IS NOT new.normalised BEGIN
            INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}", rowid, normalised)
                VALUES ('delete', old.id, old.normalised);
            INSERT INTO "{FTS_TABLE}" (rowid, normalised) VALUES (new.id, new.normalised);
        END""",
}
BATCH = 500


def fold(text):
    # As tracker.models.agreed_language.agreed_fold does it, copied so that this migration
    # stays as is when the app's code moves on.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    folded = folded.replace("\x00", "")
    kept = (" " if unicodedata.category(ch) == "Cc" else ch for ch in folded)
    return " ".join("".join(kept).split())


def readout_sentences(text):
    found = []
    for line_start, line_end in line_spans(text, 100_000):
        start, _ = strip_markers(text, line_start, line_end)
        for part_start, part_end, _ in split_inline(text, start, line_end):
            for begin, end in sentences(text, part_start, part_end):
                sentence = text[begin:end].strip()
                if fold(sentence):
                    found.append((begin, sentence))
    return found


def fill_sentences(apps, schema_editor):
    alias = schema_editor.connection.alias
    Meeting = apps.get_model("tracker", "Meeting")
    Commitment = apps.get_model("tracker", "Commitment")
    Sentence = apps.get_model("tracker", "AgreedSentence")
    meetings = Meeting.objects.using(alias).exclude(readout_text="").order_by("pk")
    for pk, starts_at, readout in meetings.values_list("pk", "starts_at", "readout_text").iterator(
        chunk_size=BATCH
    ):
        Sentence.objects.using(alias).bulk_create(
            Sentence(
                meeting_id=pk,
                meeting_starts_at=starts_at,
                position=offset,
                text=text,
                normalised=fold(text),
            )
            for offset, text in readout_sentences(readout)
        )
    rows = []
    quotes = Commitment.objects.using(alias).order_by("pk")
    for pk, meeting_id, starts_at, position, quote in quotes.values_list(
        "pk", "origin_meeting_id", "origin_meeting__starts_at", "quote_position", "quote"
    ).iterator(chunk_size=BATCH):
        if fold(quote):
            rows.append(
                Sentence(
                    commitment_id=pk,
                    meeting_id=meeting_id,
                    meeting_starts_at=starts_at,
                    position=position,
                    text=quote,
                    normalised=fold(quote),
                )
            )
    Sentence.objects.using(alias).bulk_create(rows, batch_size=BATCH)
    if schema_editor.connection.vendor == "postgresql":
        # Statistics now, not at autovacuum's leisure: without them the planner takes a common
        # phrase for a rare one.
        schema_editor.execute(f'ANALYZE "{SENTENCE_TABLE}"')


def add_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # pg_trgm is a trusted extension: the database's owner may create it.
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX "{TRIGRAM_INDEX}" ON "{SENTENCE_TABLE}" '
            'USING gin ("normalised" gin_trgm_ops)'
        )
    elif vendor == "sqlite":
        # An external-content index: the text lives once, in the sentence table; any phrase
        # of three characters or more is found by substring, Japanese included.
        schema_editor.execute(
            f'CREATE VIRTUAL TABLE "{FTS_TABLE}" USING fts5(normalised, '
            f"content='{SENTENCE_TABLE}', content_rowid='id', "
            "tokenize='trigram case_sensitive 0')"
        )
        schema_editor.execute(f"""INSERT INTO "{FTS_TABLE}" ("{FTS_TABLE}") VALUES ('rebuild')""")
        for sql in TRIGGERS.values():
            schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{TRIGRAM_INDEX}"')
    elif vendor == "sqlite":
        for name in TRIGGERS:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{FTS_TABLE}_{name}"')
        schema_editor.execute(f'DROP TABLE IF EXISTS "{FTS_TABLE}"')


class Migration(migrations.Migration):
    dependencies = [("tracker", "0016_meeting_search")]

    operations = [
        migrations.CreateModel(
            name="AgreedSentence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="position in readout"
                    ),
                ),
                (
                    "meeting_starts_at",
                    models.DateTimeField(editable=False, verbose_name="meeting start"),
                ),
                ("text", models.TextField(editable=False, verbose_name="sentence")),
                (
                    "normalised",
                    models.TextField(editable=False, verbose_name="normalised sentence"),
                ),
                (
                    "commitment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agreed_quote",
                        to="tracker.commitment",
                        verbose_name="commitment",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="agreed_sentences",
                        to="tracker.meeting",
                        verbose_name="meeting",
                    ),
                ),
            ],
            options={
                "verbose_name": "agreed-language sentence",
                "verbose_name_plural": "agreed-language sentences",
                "ordering": ["meeting_id", "position", "pk"],
                "default_permissions": (),
                "indexes": [
                    models.Index(fields=["meeting", "position"], name="agreed_sentence_meeting"),
                    models.Index(
                        fields=["meeting_starts_at", "meeting", "position", "id"],
                        name="agreed_sentence_oldest",
                    ),
                ],
            },
        ),
        # The index first, so that its triggers index the rows the fill writes.
        migrations.RunPython(add_index, drop_index),
        # Going back drops the table, and the sentences with it: nothing to undo.
        migrations.RunPython(fill_sentences, migrations.RunPython.noop, elidable=True),
    ]
