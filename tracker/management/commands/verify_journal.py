"""Recompute the journal's hash chain and name the first entry changed or removed.

    manage.py verify_journal [--expect SEQ:HASH ...] [--all]

Prints "OK" with the number of links and the head when every status update and follow-up is
exactly as it was written; otherwise names the first break (and, with --all, every one) and
exits with status 1. `--expect` checks the chain against heads published earlier (the weekly
report states its head): a chain rebuilt after a change no longer contains them.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tracker.services.journal_chain import journal_verify

SHOWN_BREAKS = 20


def _expected(values: list[str]) -> dict[int, str]:
    heads = {}
    for value in values:
        seq, _, digest = value.partition(":")
        digest = digest.strip().lower()
        if not seq.strip().lstrip("#").isdigit() or len(digest) != 64:
            raise CommandError(f"--expect takes SEQ:HASH (a 64-character SHA-256), not {value!r}.")
        heads[int(seq.strip().lstrip("#"))] = digest
    return heads


class Command(BaseCommand):
    help = "Check that the journal of status updates and follow-ups is as it was written."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head published earlier (e.g. in a weekly report) that the chain must contain.",
        )
        parser.add_argument("--all", action="store_true", help="List every break, not only 20.")

    def handle(self, *args, expect: list[str], all: bool, **options):
        result = journal_verify(expected=_expected(expect))
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.links} journal entries chained; head #{result.head.seq} "
                    f"{result.head.hash}"
                )
            )
            return
        first = result.first
        self.stderr.write(self.style.ERROR(f"BROKEN: {first.message}"))
        shown = result.breaks if all else result.breaks[:SHOWN_BREAKS]
        for item in shown[1:]:
            self.stderr.write(f"  also: {item.message}")
        if len(shown) < len(result.breaks):
            self.stderr.write(f"  … and {len(result.breaks) - len(shown)} more (--all lists them).")
        raise CommandError(
            f"The journal chain is broken ({len(result.breaks)} problem(s), {result.links} links).",
            returncode=1,
        )
