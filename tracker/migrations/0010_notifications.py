"""Notifications, their per-kind preferences, the e-mail language and watches."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0009_calendar_feeds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MailLanguage",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="mail_language",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("ja", "Japanese")],
                        max_length=10,
                        verbose_name="e-mail language",
                    ),
                ),
            ],
            options={
                "verbose_name": "e-mail language",
                "verbose_name_plural": "e-mail languages",
            },
        ),
        migrations.CreateModel(
            name="Notification",
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
                        choices=[
                            ("assigned", "Made owner or reassigned"),
                            ("status", "Status or confidence changed"),
                            ("note", "Note added"),
                            ("follow_up", "Follow-up recorded"),
                            ("due_soon", "Target date coming up"),
                            ("overdue", "Target date passed"),
                            ("review", "Review date reached"),
                            ("stale", "No update for a while"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="details")),
                ("event_key", models.CharField(max_length=200, verbose_name="event")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="created"),
                ),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read")),
                (
                    "emailed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="e-mailed"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="tracker.commitment",
                        verbose_name="commitment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["user", "read_at"], name="notification_user_unread"),
                    models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "event_key"), name="notification_once_per_event"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="NotificationPreference",
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
                        choices=[
                            ("assigned", "Made owner or reassigned"),
                            ("status", "Status or confidence changed"),
                            ("note", "Note added"),
                            ("follow_up", "Follow-up recorded"),
                            ("due_soon", "Target date coming up"),
                            ("overdue", "Target date passed"),
                            ("review", "Review date reached"),
                            ("stale", "No update for a while"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("immediately", "By e-mail at once"),
                            ("digest", "In a daily e-mail digest"),
                            ("in_app", "In the app only"),
                            ("off", "Off"),
                        ],
                        max_length=20,
                        verbose_name="delivery",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="notificationpreference_once_per_kind"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Watch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="since"),
                ),
                (
                    "commitment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="watches",
                        to="tracker.commitment",
                        verbose_name="commitment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="watches",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "watch",
                "verbose_name_plural": "watches",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "commitment"), name="watch_once_per_commitment"
                    )
                ],
            },
        ),
    ]
