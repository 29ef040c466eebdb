"""Read archived readouts: print their drafts, or save them as the review screen would.

    manage.py import_readout FILE... [--json] [--date YYYY-MM-DD]
                             [--save --user USERNAME [--division CODE]]

`--json` prints one JSON object per file, one per line (JSON Lines), each with an added "file"
key; the schema is in docs/readouts.md. `--save` stores each file in its own transaction with the
review screen's default choices: the ticked rows become commitments, a row is recorded as a
follow-up only when it strongly matches an open commitment, and a readout imported before is
refused. Every file is read before anything is saved, so an unreadable file stops the run with
nothing saved; refusals are listed at the end and make the exit code non-zero.

`--save` follows the review screen's rules for the user it names: they need the import permission
(Editor or Manager role), an editor's commitments are led by one of their own divisions, and a row
is recorded as a follow-up only of a commitment they may link follow-ups to.

`--date` gives the meeting date of readouts that name none ("met today"); a date in the text
wins over it. Without it such a readout has no date: it is printed as "no date" and not saved,
never dated by the day it happens to be imported.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tracker.models import Division
from tracker.readout_parser import parse_readout
from tracker.readout_review import build_review, decode_readout_file, default_division, default_plan
from tracker.services.readouts import (
    ImportRowError,
    lead_divisions,
    may_import,
    may_lead,
    readout_save,
)


class Command(BaseCommand):
    help = "Parse readout files (.txt, .html); print the drafts as JSON or save them."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="readout files to read")
        parser.add_argument(
            "--json", action="store_true", help="print each draft as one line of JSON"
        )
        parser.add_argument(
            "--save", action="store_true", help="save the ticked commitments (needs --user)"
        )
        parser.add_argument("--user", metavar="USERNAME", help="who records the import")
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            type=_meeting_date,
            help="the meeting date, for readouts whose text gives none (“met today”)",
        )
        parser.add_argument(
            "--division",
            metavar="CODE",
            help="lead division of the new commitments (default: the user's first division)",
        )

    def handle(self, *args, files: list[str], **options):
        user, division = self._saving_as(options) if options["save"] else (None, None)
        # All files first: a run that stops on an unreadable file has saved nothing.
        texts = [(name, self._read(name)) for name in files]
        refused: list[str] = []
        for name, text in texts:
            draft = parse_readout(text, date=options["date"])
            if options["json"]:
                line = json.dumps({"file": name, **draft.to_dict()}, ensure_ascii=False)
                self.stdout.write(line)
            elif not options["save"]:
                self.stdout.write(
                    f"{name}: {draft.meeting.title or '(no title)'} "
                    f"({draft.meeting.date or 'no date'}), "
                    f"{sum(c.selected for c in draft.commitments)} of "
                    f"{len(draft.commitments)} drafted commitments ticked"
                )
            if options["save"] and (error := self._save(name, draft, user=user, division=division)):
                refused.append(error)
        if refused:
            raise CommandError("Not saved:\n" + "\n".join(refused))

    def _saving_as(self, options):
        username = options["user"]
        if not username:
            raise CommandError("--save needs --user USERNAME: the person who records the import.")
        try:
            # NUL is in no user name, and PostgreSQL refuses it in a query.
            user = get_user_model().objects.get(username=username.replace("\x00", "\ufffd"))
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no user “{username}”.") from None
        if not may_import(user):
            raise CommandError(
                f"“{username}” may not import readouts: that needs the Editor or Manager role "
                "(permission tracker.import_readout) and an active account. Nothing was saved."
            )
        if not options["division"]:
            return user, default_division(user)
        try:
            division = Division.objects.get(code=options["division"].replace("\x00", "\ufffd"))
        except Division.DoesNotExist:
            raise CommandError(f"There is no division with code “{options['division']}”.") from None
        if not may_lead(user, division):
            own = ", ".join(d.code for d in lead_divisions(user)) or "none"
            raise CommandError(
                f"“{username}” may not create commitments for division “{division.code}”: an "
                f"editor's commitments are led by one of their own divisions ({own}). "
                "Nothing was saved."
            )
        return user, division

    def _read(self, name: str) -> str:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot be read ({error.strerror or error}).") from None
        try:
            return decode_readout_file(name, data)
        except ValidationError as error:
            raise CommandError(f"{name}: {' '.join(error.messages)}") from None

    def _save(self, name: str, draft, *, user, division) -> str:
        """Save one file; return why it was refused, or "" when it was saved."""
        plan = default_plan(build_review(draft, user=user), division=division)
        for warning in plan.warnings:
            self.stderr.write(f"{name}: {warning}")
        if plan.meeting is None:
            return (
                f"{name}: no meeting date found; give it with --date YYYY-MM-DD or import it on "
                "the review screen instead."
            )
        try:
            result = readout_save(
                user=user, meeting=plan.meeting, participants=plan.participants, rows=plan.rows
            )
        except ImportRowError as error:
            what = "participant" if error.section == "participants" else "commitment"
            return f"{name}: {what} {error.index + 1}: {' '.join(error.messages)}"
        except ValidationError as error:
            return f"{name}: {' '.join(error.messages)}"
        # The saved summary goes to stderr so that --json --save still prints pure JSON Lines.
        self.stderr.write(
            self.style.SUCCESS(
                f"{name}: saved “{result.meeting.title}” (meeting {result.meeting.pk}) with "
                f"{len(result.commitments)} commitments and {len(result.follow_ups)} follow-ups."
            )
        )
        return ""


def _meeting_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"--date: “{value}” is not a date such as 2022-07-29.") from None
