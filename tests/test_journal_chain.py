"""The journal's hash chain: sealed by every door that writes the journal, checked by
`manage.py verify_journal`, which names the first entry changed or removed behind the app's back."""

import datetime
import importlib
import io
import os
import subprocess
import sys
import textwrap
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, MeetingFactory, StatusUpdateFactory
from tracker import services
from tracker.models import (
    FollowUp,
    FollowUpOutcome,
    JournalHead,
    JournalLink,
    JournalLinkKind,
    Status,
    StatusUpdate,
)
from tracker.services import journal_chain
from tracker.services.journal_chain import journal_head, journal_verify

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _verify() -> str:
    out = StringIO()
    call_command("verify_journal", stdout=out)
    return out.getvalue()


def _broken(*args: str) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_journal", *args, stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    return err.getvalue()


def _move(commitment, user, status=Status.IN_PROGRESS, note="Work began."):
    commitment.refresh_from_db()
    return services.commitment_set_status(
        commitment=commitment,
        user=user,
        status=status,
        note=note,
        expected_version=commitment.version,
    )


def _follow_up(commitment, user, days=1):
    meeting = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=days)
    )
    return services.followup_record(
        commitment=commitment, meeting=meeting, user=user, outcome=FollowUpOutcome.REAFFIRMED
    )


@pytest.fixture
def journal(manager):
    """Two commitments with moves and a follow-up, all written through the services."""
    first, second = CommitmentFactory(), CommitmentFactory()
    _move(first, manager)
    _move(second, manager, note="Talks opened.")
    follow_up = _follow_up(first, manager)
    _move(first, manager, status=Status.COMPLETED, note="Done =1+1 \x0b")
    return first, second, follow_up


def test_every_journal_write_is_sealed_in_write_order(journal):
    first, second, follow_up = journal
    links = list(JournalLink.objects.values_list("seq", "kind", "entry_id"))
    updates = list(StatusUpdate.objects.order_by("pk").values_list("pk", flat=True))
    # 2 opening entries, 2 moves, a follow-up, a move: in that order, numbered from 1.
    assert [seq for seq, _kind, _id in links] == list(range(1, 7))
    assert [kind for _seq, kind, _id in links] == [
        "status_update",
        "status_update",
        "status_update",
        "status_update",
        "follow_up",
        "status_update",
    ]
    assert [entry for _s, kind, entry in links if kind == "status_update"] == updates
    head = JournalHead.objects.get()
    assert (head.seq, head.hash) == (6, JournalLink.objects.get(seq=6).hash)
    assert journal_head().seq == 6


def test_verify_journal_says_ok_with_the_count_and_head(journal):
    output = _verify()
    head = JournalHead.objects.get()
    assert f"OK: 6 journal entries chained; head #6 {head.hash}" in output


def test_an_entry_edited_behind_the_apps_back_is_named(journal):
    first, _second, _follow_up = journal
    entry = first.status_updates.order_by("pk")[1]
    later = first.status_updates.order_by("pk")[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tracker_statusupdate SET note = %s WHERE id = %s", ["x", entry.pk])
        # A second edit further on: the first one is named first.
        cursor.execute(
            "UPDATE tracker_statusupdate SET status_to = 'dropped' WHERE id = %s", [later.pk]
        )
    errors = _broken()
    assert errors.splitlines()[0] == (
        f"BROKEN: Status update {entry.pk} was changed after it was written (link #3)."
    )
    assert f"Status update {later.pk} was changed" in errors


def test_an_entry_deleted_behind_the_apps_back_is_named(journal):
    first, _second, _follow_up = journal
    entry = first.status_updates.order_by("pk")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_statusupdate WHERE id = %s", [entry.pk])
    assert f"BROKEN: Status update {entry.pk} was removed (sealed by link #3)." in _broken()


def test_a_follow_up_edited_behind_the_apps_back_is_named(journal):
    _first, _second, follow_up = journal
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tracker_followup SET outcome = 'completed' WHERE id = %s", [follow_up.pk]
        )
    assert f"BROKEN: Follow-up {follow_up.pk} was changed after it was written" in _broken()


def test_a_removed_link_and_a_rewritten_link_are_named(journal):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_journallink WHERE seq = 4")
    errors = _broken()
    assert "BROKEN: Link #4 is missing (removed)." in errors
    # The entry it sealed is now in no link.
    assert "is in no link" in errors


def test_the_last_links_removed_with_the_head_left_are_found(journal):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_journallink WHERE seq >= 5")
    assert "links were removed from its end" in _broken()


def test_an_entry_slipped_in_behind_the_services_is_named(journal):
    first, _second, _follow_up = journal
    # The raw factory writes a row the way a script with database access would.
    sneaked = StatusUpdateFactory(commitment=first)
    assert f"Status update {sneaked.pk} is in no link" in _broken()


def test_a_head_published_earlier_must_still_be_in_the_chain(journal, manager):
    published = journal_head()
    first, _second, _follow_up = journal
    _move(first, manager, status=Status.IN_PROGRESS, note="Reopened after review.")
    _verify_ok = _verify()
    assert "OK: 7 journal entries" in _verify_ok
    ok = StringIO()
    call_command("verify_journal", f"--expect={published.seq}:{published.hash}", stdout=ok)
    assert "OK" in ok.getvalue()
    wrong = "f" * 64
    assert f"is not the one published as {wrong}" in _broken(f"--expect={published.seq}:{wrong}")
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("verify_journal", "--expect=6:not-a-hash", stdout=StringIO())


def test_follow_up_corrections_and_removals_are_new_links_and_verify(journal, manager, admin_user):
    first, _second, follow_up = journal
    services.followup_edit(follow_up=follow_up, user=manager, data={"note": "Corrected note."})
    services.followup_delete(follow_up=FollowUp.objects.get(pk=follow_up.pk), user=admin_user)
    kinds = list(JournalLink.objects.order_by("-seq").values_list("kind", "entry_id")[:2])
    assert kinds == [
        (JournalLinkKind.FOLLOW_UP_DELETE, follow_up.pk),
        (JournalLinkKind.FOLLOW_UP_EDIT, follow_up.pk),
    ]
    assert "OK: 8 journal entries" in _verify()


def test_a_follow_up_removed_through_the_admin_is_sealed(client, admin_user, journal):
    _first, _second, follow_up = journal
    client.force_login(admin_user)
    url = reverse("admin:tracker_followup_delete", args=[follow_up.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()
    assert JournalLink.objects.order_by("-seq").first().kind == JournalLinkKind.FOLLOW_UP_DELETE
    assert "OK" in _verify()


def test_the_admin_offers_no_edit_or_delete_of_status_updates(client, admin_user, journal):
    first, _second, _follow_up = journal
    entry = first.status_updates.first()
    client.force_login(admin_user)
    page = client.get(reverse("admin:tracker_statusupdate_change", args=[entry.pk]))
    assert page.status_code == 200
    assert 'name="note"' not in page.text  # shown read-only
    response = client.post(reverse("admin:tracker_statusupdate_delete", args=[entry.pk]))
    assert response.status_code == 403
    assert StatusUpdate.objects.filter(pk=entry.pk).exists()


def test_sealing_a_journal_entry_costs_three_queries(django_assert_num_queries, manager):
    commitment = CommitmentFactory()
    entry = StatusUpdateFactory(commitment=commitment, author=manager)
    # Lock the head row, insert the link, move the head.
    with django_assert_num_queries(3):
        journal_chain.journal_seal(kind=JournalLinkKind.STATUS_UPDATE, entry=entry)


def test_a_status_change_costs_the_chain_a_constant_three_queries(manager, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from tracker.services import commitments

    def count(commitment) -> int:
        commitment.refresh_from_db()
        user = type(manager).objects.get(pk=manager.pk)  # no permissions cached from before
        with CaptureQueriesContext(connection) as queries:
            _move(commitment, user, status=Status.STALLED, note="Blocked.")
        return len(queries)

    with_chain = count(CommitmentFactory())
    monkeypatch.setattr(commitments, "journal_seal", lambda **kwargs: None)
    without_chain = count(CommitmentFactory())
    assert with_chain - without_chain == 3


def test_the_migration_backfills_the_chain_in_time_order(journal):
    migration = importlib.import_module("tracker.migrations.0015_security_log")
    JournalLink.objects.all().delete()
    JournalHead.objects.all().delete()
    migration.seal_existing_entries(apps, None)
    result = journal_verify()
    assert result.ok, result.breaks
    assert result.links == StatusUpdate.objects.count() + FollowUp.objects.count()
    times = []
    for kind, entry_id in JournalLink.objects.values_list("kind", "entry_id"):
        if kind == JournalLinkKind.FOLLOW_UP:
            times.append(FollowUp.objects.get(pk=entry_id).recorded_at)
        else:
            times.append(StatusUpdate.objects.get(pk=entry_id).created_at)
    assert times == sorted(times)


def test_a_lost_head_row_continues_from_the_last_link(journal, manager):
    JournalHead.objects.all().delete()
    first, _second, _follow_up = journal
    _move(first, manager, status=Status.IN_PROGRESS, note="Reopened.")
    assert "OK: 7 journal entries" in _verify()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_get_one_unbroken_chain(manager):
    commitments = [CommitmentFactory() for _ in range(6)]
    barrier = threading.Barrier(len(commitments), timeout=30)
    failures = []

    def write(commitment):
        try:
            barrier.wait()
            for round_ in range(5):
                _move(
                    commitment,
                    manager,
                    status=Status.STALLED if round_ % 2 == 0 else Status.IN_PROGRESS,
                    note=f"round {round_}",
                )
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(c,)) for c in commitments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    result = journal_verify()
    assert result.ok, result.breaks
    assert result.links == 6 + 6 * 5


WRITER = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from django.contrib.auth import get_user_model
    from tracker import services
    from tracker.models import Commitment
    user = get_user_model().objects.get(username="writer")
    commitment = Commitment.objects.get(pk=int(sys.argv[1]))
    for round_ in range(int(sys.argv[2])):
        commitment.refresh_from_db()
        services.commitment_set_status(
            commitment=commitment, user=user, expected_version=commitment.version,
            status="stalled" if round_ % 2 == 0 else "in_progress", note=f"round {round_}",
        )
    """
)
SETUP = textwrap.dedent(
    """
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from tracker import services
    from tracker.models import Meeting
    user = get_user_model().objects.create_superuser("writer", "w@example.org", "x")
    meeting = Meeting.objects.create(
        title="Meeting", kind="foreign_ministers", starts_at=timezone.now(),
        time_zone="Asia/Tokyo", duration_minutes=30,
    )
    for n in range(int(__import__("sys").argv[1])):
        c = services.commitment_create(user=user, origin_meeting=meeting, title=f"C{n}", quote="q")
        print(c.pk)
    """
)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite configuration only")
def test_concurrent_writer_processes_on_sqlite_get_one_unbroken_chain(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "1",
        "SQLITE_PATH": str(tmp_path / "chain.sqlite3"),
    }

    def run(*args, **kwargs):
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
            capture_output=True,
            text=True,
            **kwargs,
        )

    run("manage.py", "migrate", "-v0")
    writers, rounds = 4, 6
    ids = run("-c", SETUP, str(writers)).stdout.split()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, pk, str(rounds)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pk in ids
    ]
    errors = [p.communicate(timeout=300)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * writers, "\n".join(errors)
    output = run("manage.py", "verify_journal").stdout
    assert f"OK: {writers + writers * rounds} journal entries chained" in output


def test_the_weekly_report_states_the_chain_head_it_was_built_from(client, manager, journal):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    head = journal_head()
    client.force_login(manager)
    week = timezone.localdate().strftime("%G-W%V")
    page = client.get(reverse("report"), {"week": week})
    assert f"Built from the journal of {head.seq} entries, chain head {head.hash}." in page.text
    xlsx = client.get(reverse("report-download", args=["xlsx"]), {"week": week}).content
    about = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx))["About"].values}
    assert (about["Journal entries"], about["Journal chain head"]) == (head.seq, head.hash)
    pdf = client.get(reverse("report-download", args=["pdf"]), {"week": week}).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert head.hash[:16] in text.replace("\n", "")


def test_a_past_weeks_report_states_the_chain_as_it_stood_at_the_weeks_end(journal):
    from tracker.models import GENESIS_HASH
    from tracker.report import build_report

    last_week = (timezone.localdate() - datetime.timedelta(days=7)).strftime("%G-W%V")
    # Every entry of the fixture was sealed this week: last week's chain was empty, and a
    # report of last week built again later reads the same.
    report = build_report(week=last_week)
    assert (report.journal_seq, report.journal_hash) == (0, GENESIS_HASH)
    JournalLink.objects.filter(seq__lte=2).update(
        sealed_at=timezone.now() - datetime.timedelta(days=8)
    )
    report = build_report(week=last_week)
    assert (report.journal_seq, report.journal_hash) == (2, JournalLink.objects.get(seq=2).hash)
