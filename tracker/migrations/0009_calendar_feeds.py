"""The calendar feeds' secret addresses, stored as hashes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_background_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("personal", "My calendar"), ("division", "Division calendar")],
                        max_length=20,
                        verbose_name="feed",
                    ),
                ),
                (
                    "token_hash",
                    models.CharField(
                        editable=False,
                        help_text="SHA-256 of the secret in the feed address; the secret itself is not kept.",
                        max_length=64,
                        unique=True,
                        verbose_name="token hash",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        default="en",
                        help_text="A code of LANGUAGES, e.g. ja.",
                        max_length=10,
                        verbose_name="language",
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="created")),
                (
                    "last_used_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last used"),
                ),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "division",
                    models.ForeignKey(
                        blank=True,
                        help_text="For a division calendar: the division whose items it shows.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_tokens",
                        to="tracker.division",
                        verbose_name="division",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar feed address",
                "verbose_name_plural": "calendar feed addresses",
                "ordering": ["user", "kind", "division", "-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "personal"), ("division__isnull", True)),
                            models.Q(("kind", "division"), ("division__isnull", False)),
                            _connector="OR",
                        ),
                        name="calendartoken_division_iff_division_feed",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "personal"), ("revoked_at__isnull", True)),
                        fields=("user",),
                        name="calendartoken_one_live_personal",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("kind", "division"), ("revoked_at__isnull", True)),
                        fields=("user", "division"),
                        name="calendartoken_one_live_per_division",
                    ),
                ],
            },
        ),
    ]
