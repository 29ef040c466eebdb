"""Load the demo data and give the demo log-ins their passwords; safe to run again.

The fixture carries fixed primary keys, so loading it again overwrites the same rows instead of
adding new ones.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from .build_demo import DEMO_LOGINS, FIXTURE, USERS

ROLE_LABELS = {None: "Admin (admin site)", "Data entry": "Data entry (admin site)"}


class Command(BaseCommand):
    help = "Load fixtures/demo.json and set the demo users' passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST") or "127.0.0.1:8000",
            help="Where `make run` serves the app (host:port), for the log-in address printed; "
            "default: the HOST environment variable, else 127.0.0.1:8000.",
        )

    def handle(self, *args, host: str = "127.0.0.1:8000", **options):
        # The fixture carries the change history itself; history recorded while loading (the
        # many-to-many fields fire signals even on raw loads) would collide with it.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(FIXTURE), verbosity=0)
        user_model = get_user_model()
        rows = []
        for username, password in DEMO_LOGINS.items():
            user = user_model.objects.get(username=username)
            user.set_password(password)
            user.save(update_fields=["password"])
            role = USERS[username][2]
            rows.append((ROLE_LABELS.get(role, role), username, password))
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Log in at http://{host}/"))
        for role, username, password in rows:
            self.stdout.write(f"  {role:<24} user: {username:<10} password: {password}")
        self.stdout.write(f"  The admin site (data entry) is at http://{host}/admin/")
