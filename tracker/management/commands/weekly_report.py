"""Issue the weekly status report from cron: write the files, keep them, optionally e-mail them.

python manage.py weekly_report                      # last complete week, every format
python manage.py weekly_report --week 2026-W48 --format pdf --output report.pdf
python manage.py weekly_report --format pdf,xlsx --output reports/ --email
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tracker import services
from tracker.models import Division, Theme
from tracker.report import (
    FORMATS,
    check_formats,
    file_name,
    last_complete_week,
    normalise_week,
)


class Command(BaseCommand):
    help = (
        "Issue the weekly status report for an ISO week: write it in the chosen formats, keep the "
        "issued files in the database and, with --email, send the PDF and XLSX to "
        "REPORT_RECIPIENTS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--week", help="ISO week such as 2026-W48 (default: the last complete week)."
        )
        parser.add_argument(
            "--format",
            action="append",
            dest="formats",
            metavar="FORMAT",
            help=f"{', '.join(FORMATS)}; repeat or separate with commas (default: all).",
        )
        parser.add_argument(
            "--output",
            help="File to write (one format) or directory (several formats); "
            "default: weekly-report-<week>.<ext> in the current directory.",
        )
        parser.add_argument("--division", metavar="CODE", help="Only this division.")
        parser.add_argument("--theme", metavar="CODE", help="Only this theme.")
        parser.add_argument(
            "--email", action="store_true", help="Send the PDF and XLSX to REPORT_RECIPIENTS."
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Record the report as issued by this user."
        )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, **options):
        try:
            week = normalise_week(options["week"] or last_complete_week())
            formats = check_formats(
                part for value in (options["formats"] or FORMATS) for part in value.split(",")
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        division = self._lookup(Division, options["division"], "division")
        theme = self._lookup(Theme, options["theme"], "theme")
        user = self._user(options["user"])
        recipients = list(getattr(settings, "REPORT_RECIPIENTS", []) or [])
        if options["email"] and not recipients:
            raise CommandError(
                "--email needs a distribution list: set REPORT_RECIPIENTS (comma-separated "
                "addresses) in the environment."
            )
        targets = self._targets(options["output"], formats)

        emailed = set(services.EMAILED_FORMATS) if options["email"] else set()
        try:
            issued = services.report_issue(
                week=week, division=division, theme=theme, user=user, formats={*formats, *emailed}
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if isinstance(targets, Path):
            targets = {fmt: targets / file_name(issued, fmt) for fmt in formats}

        files = {f.format: f for f in issued.files.filter(format__in=formats)}
        for fmt, path in targets.items():
            try:
                path.write_bytes(bytes(files[fmt].content))
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
            self.stdout.write(f"{path}  sha256={files[fmt].sha256}")

        if options["email"]:
            services.report_send(issued=issued, recipients=recipients)
            self.stdout.write(f"Sent to {', '.join(recipients)}.")
        self.stdout.write(self.style.SUCCESS(f"Issued report #{issued.pk} for {week}."))

    def _lookup(self, model, code: str | None, what: str):
        if not code:
            return None
        _check_printable(code, what)
        try:
            return model.objects.get(code=code)
        except model.DoesNotExist:
            known = ", ".join(model.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"No {what} with code “{code}”. Known codes: {known}.") from None

    def _user(self, username: str | None):
        if not username:
            return None
        _check_printable(username, "user name")
        user_model = get_user_model()
        try:
            return user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"No user “{username}”.") from None

    def _targets(self, output: str | None, formats) -> Path | dict[str, Path]:
        """The file to write (one format, a file name given), or the directory for the files,
        which are named after issuing, so that a revision's files carry its number."""
        if output and "\x00" in output:
            raise CommandError("--output contains a null character: give a file or directory name.")
        if output and len(formats) == 1 and not Path(output).is_dir():
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(f"The directory of {path} does not exist.")
            return {formats[0]: path}
        directory = Path(output) if output else Path.cwd()
        if directory.exists() and not directory.is_dir():
            raise CommandError(
                f"{directory} is a file: with several formats --output names a directory."
            )
        directory.mkdir(parents=True, exist_ok=True)
        return directory


def _check_printable(value: str, what: str) -> None:
    # A NUL cannot be sent to PostgreSQL, and bytes of the command line that are not UTF-8 arrive
    # as lone surrogates, which no database driver encodes: no code or name holds either.
    if not value.isprintable():
        raise CommandError(
            f"The {what} {ascii(value)} contains control or undecodable characters: "
            "check the command line."
        )
