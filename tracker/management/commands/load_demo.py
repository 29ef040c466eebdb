"""Load the demo (fixtures/demo/, see tracker.demo) and print its log-ins; safe to run again.

On a database without meetings or commitments the demo is written, its recent weeks dated from
today. Run again, it leaves the data as it is and only resets the demo passwords; a fresh
database (delete db.sqlite3, then `make run`) gives a demo dated from the new day.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from tracker import demo

ROLE_LABELS = {None: "Admin (admin site)", "Data entry": "Data entry (admin site)"}


class Command(BaseCommand):
    help = "Write the demo data on an empty database and set the demo users' passwords."

    def add_arguments(self, parser):
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST") or "127.0.0.1:8000",
            help="Where `make run` serves the app (host:port), for the log-in address printed; "
            "default: the HOST environment variable, else 127.0.0.1:8000.",
        )

    def handle(self, *args, host: str = "127.0.0.1:8000", **options):
        accounts, written = demo.load()
        if written:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded. Log in at http://{host}/"))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"The database already holds data. Log in at http://{host}/")
            )
            self.stdout.write(
                "  (left as it is: for a demo dated from today, delete db.sqlite3 and run again)"
            )
        for username, spec in accounts.items():
            if "password" in spec:
                role = ROLE_LABELS.get(spec.get("role"), spec.get("role"))
                self.stdout.write(f"  {role:<24} user: {username:<10} password: {spec['password']}")
        self.stdout.write(f"  The admin site (data entry) is at http://{host}/admin/")
        if settings.TWO_FACTOR_REQUIRED_ROLES:
            # Otherwise the first log-in as a manager looks like a detour nobody asked for.
            roles = ", ".join(settings.TWO_FACTOR_REQUIRED_ROLES)
            self.stdout.write(
                f"  Two-factor log-in is required of: {roles}. At their first log-in these users "
                "set up an authenticator app or a passkey (TWO_FACTOR_REQUIRED_ROLES, "
                "docs/security.md)."
            )
