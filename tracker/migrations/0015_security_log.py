import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# The hashing is the application's own (plain functions, no model in them): the backfill must
# give the links that `manage.py verify_journal` recomputes.
from tracker.models.journal_chain import (
    FOLLOW_UP_CONTENT,
    GENESIS_HASH,
    STATUS_UPDATE_CONTENT,
    content_hash,
    link_hash,
)


def seal_existing_entries(apps, schema_editor):
    """Chain the journal written before the chain existed, in time order (then id)."""
    StatusUpdate = apps.get_model("tracker", "StatusUpdate")
    FollowUp = apps.get_model("tracker", "FollowUp")
    JournalLink = apps.get_model("tracker", "JournalLink")
    JournalHead = apps.get_model("tracker", "JournalHead")
    entries = []
    for model, names, table, kind, time in (
        (StatusUpdate, STATUS_UPDATE_CONTENT, "status_update", "status_update", "created_at"),
        (FollowUp, FOLLOW_UP_CONTENT, "follow_up", "follow_up", "recorded_at"),
    ):
        for row in model.objects.order_by("pk").values_list(*names).iterator(chunk_size=5000):
            values = dict(zip(names, row, strict=True))
            entries.append((values[time], kind, values["id"], content_hash(table, values)))
    entries.sort()
    seq, prev, links = 0, GENESIS_HASH, []
    # Each link dated by its entry, so that the chain "as of" a past week is that week's.
    for time, kind, entry_id, content in entries:
        seq += 1
        own = link_hash(seq=seq, kind=kind, entry_id=entry_id, content=content, prev=prev)
        links.append(
            JournalLink(
                seq=seq,
                kind=kind,
                entry_id=entry_id,
                content_hash=content,
                prev_hash=prev,
                hash=own,
                sealed_at=time,
            )
        )
        prev = own
    JournalLink.objects.bulk_create(links, batch_size=1000)
    JournalHead.objects.create(pk=1, seq=seq, hash=prev)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0014_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="JournalHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="sequence")),
                (
                    "hash",
                    models.CharField(default="0" * 64, max_length=64, verbose_name="hash"),
                ),
            ],
            options={
                "verbose_name": "journal head",
                "verbose_name_plural": "journal head",
            },
        ),
        migrations.CreateModel(
            name="JournalLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(unique=True, verbose_name="sequence")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("status_update", "status update"),
                            ("follow_up", "follow-up"),
                            ("follow_up_edit", "follow-up corrected"),
                            ("follow_up_delete", "follow-up removed"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "entry_id",
                    models.PositiveBigIntegerField(
                        help_text="The id of the status update or follow-up sealed.",
                        verbose_name="entry id",
                    ),
                ),
                ("content_hash", models.CharField(max_length=64, verbose_name="content hash")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="previous hash")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                (
                    "sealed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sealed"),
                ),
            ],
            options={
                "verbose_name": "journal link",
                "verbose_name_plural": "journal chain",
                "ordering": ["seq"],
                "indexes": [
                    models.Index(fields=["kind", "entry_id"], name="journallink_entry"),
                    models.Index(fields=["sealed_at", "seq"], name="journallink_sealed"),
                ],
            },
        ),
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="time"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("login", "Logged in"),
                            ("logout", "Logged out"),
                            ("login_failed", "Log-in failed"),
                            ("locked_out", "Locked out"),
                            ("permission_denied", "Permission refused"),
                            ("report_download", "Report downloaded"),
                            ("report_issue", "Report issued"),
                            ("import", "Import"),
                            ("export", "Export"),
                            ("two_factor", "Two-factor event"),
                            ("token", "API token event"),
                        ],
                        max_length=30,
                        verbose_name="event",
                    ),
                ),
                (
                    "username",
                    models.CharField(
                        blank=True,
                        help_text="The name given at log-in, or the account's name at the time.",
                        max_length=150,
                        verbose_name="user name typed",
                    ),
                ),
                (
                    "ip_address",
                    models.CharField(
                        blank=True, db_index=True, max_length=64, verbose_name="IP address"
                    ),
                ),
                (
                    "user_agent",
                    models.CharField(blank=True, max_length=300, verbose_name="browser"),
                ),
                ("path", models.CharField(blank=True, max_length=200, verbose_name="address")),
                (
                    "target_type",
                    models.CharField(blank=True, max_length=100, verbose_name="object type"),
                ),
                (
                    "target_id",
                    models.CharField(blank=True, max_length=64, verbose_name="object id"),
                ),
                (
                    "target_repr",
                    models.CharField(blank=True, max_length=200, verbose_name="object"),
                ),
                (
                    "detail",
                    models.JSONField(blank=True, default=dict, verbose_name="detail"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="The account, when the request had one; kept empty if it is "
                        "deleted.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "security event",
                "verbose_name_plural": "security log",
                "ordering": ["-at", "-pk"],
                "indexes": [
                    models.Index(fields=["kind", "at"], name="securityevent_kind_time"),
                    models.Index(fields=["user", "at"], name="securityevent_user_time"),
                ],
            },
        ),
        migrations.RunPython(seal_existing_entries, migrations.RunPython.noop),
    ]
