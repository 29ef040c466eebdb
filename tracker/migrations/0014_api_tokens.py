import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0013_saved_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="What the token is for, e.g. “cabinet dashboard”.", max_length=100, verbose_name="name")),
                ("scope", models.CharField(choices=[("read", "Read only"), ("write", "Read and write")], default="read", max_length=10, verbose_name="scope")),
                ("shown_prefix", models.CharField(editable=False, help_text="The token's first characters, to tell it apart; not enough to use it.", max_length=12, verbose_name="prefix")),
                ("token_hash", models.CharField(editable=False, help_text="SHA-256 of the token; the token itself is not kept.", max_length=64, unique=True, verbose_name="token hash")),
                ("created_at", models.DateTimeField(verbose_name="created")),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="api_tokens", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["user", "-created_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("expires_at__gt", models.F("created_at"))), name="apitoken_expires_after_creation"),
                ],
            },
        ),
    ]
