"""The commitment list's text search: a substring of the title, quote, next step or any journal
note, whatever its case, answered from the indexed search document that the services keep."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, MeetingFactory
from tracker import services
from tracker.forms import DEFAULT_SORT, SORTS
from tracker.models import SEARCH_FTS_TABLE, Commitment, CommitmentSearchDocument
from tracker.tasks import refresh_query_statistics

pytestmark = pytest.mark.django_db


def found(client, q: str, **filters) -> set[int]:
    response = client.get(reverse("commitment-list"), {"q": q, **filters})
    assert response.status_code == 200
    return {c.pk for c in response.context["page"].object_list}


def _edit(commitment: Commitment, user, **data) -> Commitment:
    commitment.refresh_from_db()
    return services.commitment_edit(
        commitment=commitment, user=user, data=data, expected_version=commitment.version
    )


def test_each_searched_field_is_found_by_a_substring(editor_client, manager):
    by_title = CommitmentFactory(title="Establish a maritime dialogue")
    by_quote = CommitmentFactory(quote="The leaders welcomed the realignment roadmap.")
    by_next_step = CommitmentFactory(next_step="Circulate the interagency checklist.")
    by_note = CommitmentFactory()
    services.commitment_set_status(
        commitment=by_note,
        user=manager,
        status="in_progress",
        note="Working-level consultations on the semiconductor fund continued.",
        expected_version=by_note.version,
    )
    CommitmentFactory(title="Unrelated", quote="Nothing to see.")
    assert found(editor_client, "time dia") == {by_title.pk}
    assert found(editor_client, "realignment road") == {by_quote.pk}
    assert found(editor_client, "interagency check") == {by_next_step.pk}
    assert found(editor_client, "semiconductor fund") == {by_note.pk}
    # The opening entry's note is in the journal too.
    opening = CommitmentFactory(note="Recorded from the spring readout.")
    assert found(editor_client, "spring readout") == {opening.pk}


def test_a_note_added_in_the_admin_journal_is_found(client, admin_user, editor_client):
    commitment = CommitmentFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:tracker_statusupdate_add"),
        {
            "commitment": commitment.pk,
            "status_to": "in_progress",
            "confidence_to": "amber",
            "note": "Briefed the Vice-Minister on the cable landing station.",
        },
    )
    assert response.status_code == 302
    assert found(editor_client, "cable landing") == {commitment.pk}


def test_a_reassignment_note_is_found(editor_client, manager, editor):
    commitment = CommitmentFactory()
    services.commitment_reassign(
        commitment=commitment, user=manager, owner=editor, note="Handed over after the reshuffle."
    )
    assert found(editor_client, "reshuffle") == {commitment.pk}


def test_a_commitment_matching_in_many_notes_is_listed_once(editor_client, manager):
    commitment = CommitmentFactory(title="Consultations on export controls")
    for status in ("in_progress", "stalled", "in_progress"):
        commitment.refresh_from_db()
        services.commitment_set_status(
            commitment=commitment,
            user=manager,
            status=status,
            note="Consultations continued.",
            expected_version=commitment.version,
        )
    response = editor_client.get(reverse("commitment-list"), {"q": "consultations"})
    assert [c.pk for c in response.context["page"].object_list] == [commitment.pk]
    assert response.context["page"].paginator.count == 1
    # A repeated note adds nothing a search could find: the document holds it once.
    document = CommitmentSearchDocument.objects.get(commitment=commitment).document
    assert document.count("consultations continued.") == 1


def test_japanese_is_found_by_substring_of_any_length(editor_client):
    security = CommitmentFactory(title="日米安全保障協議委員会の開催", quote="両首脳は一致した。")
    CommitmentFactory(title="日豪経済連携の推進", quote="両首脳は確認した。")
    assert found(editor_client, "安全保障") == {security.pk}
    assert found(editor_client, "保障") == {security.pk}
    assert found(editor_client, "障") == {security.pk}
    assert len(found(editor_client, "両首脳は")) == 2
    assert found(editor_client, "一致した") == {security.pk}


def test_case_and_width_do_not_matter(editor_client):
    sanctions = CommitmentFactory(title="Sanctions against the ASEAN Regional Forum")
    street = CommitmentFactory(title="Widen the Hauptstraße crossing")
    full_width = CommitmentFactory(title="ＱＵＡＤ首脳会合")
    assert found(editor_client, "SANCTIONS AGAINST") == {sanctions.pk}
    assert found(editor_client, "asean regional") == {sanctions.pk}
    assert found(editor_client, "HAUPTSTRASSE") == {street.pk}
    assert found(editor_client, "quad首脳") == {full_width.pk}
    assert found(editor_client, "ＡＳＥＡＮ") == {sanctions.pk}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("%", {"percent"}),
        ("_", {"underscore"}),
        ("\\", {"backslash"}),
        ("100%", {"percent"}),
        ("0% c", {"percent"}),
        ("a_b", {"underscore"}),
        ("x\\y", {"backslash"}),
        ('"agreed"', {"quoted"}),
        ('"', {"quoted"}),
        ("NEAR(", {"operator"}),
        ("a OR b", set()),
    ],
)
def test_like_wildcards_and_match_syntax_are_plain_text(editor_client, q, expected):
    made = {
        "percent": CommitmentFactory(title="Raise funding by 100% cumulatively"),
        "underscore": CommitmentFactory(title="Rename file a_b.txt"),
        "backslash": CommitmentFactory(title="Path x\\y stays"),
        "quoted": CommitmentFactory(title='Keep the "agreed" language'),
        "operator": CommitmentFactory(title="Call NEAR(x) by name"),
        # What a wildcard would match if it were one: "a", "b", "axb", "100 percent".
        "decoy": CommitmentFactory(title="axb 100 percent cooperation"),
    }
    assert found(editor_client, q) == {made[name].pk for name in expected}


@pytest.mark.parametrize(
    "q", ["\x01\x02\x1f", "tab\there", "line\nbreak", "\u200b", "\ufeff", "\ud7ff", "x" * 10_000]
)
def test_control_characters_and_huge_phrases_are_not_a_500(editor_client, commitment_one, q):
    response = editor_client.get(reverse("commitment-list"), {"q": q})
    assert response.status_code == 200


def test_a_nul_in_the_phrase_is_refused_not_a_500(editor_client, commitment_one):
    response = editor_client.get(reverse("commitment-list") + "?q=Tok%00yo")
    assert response.status_code == 400


def test_the_queryset_takes_any_text(commitment_one):
    """The list's form cuts the phrase at 200 characters; the read itself takes anything."""
    for text in ("x" * 10_000, "日" * 10_000, "\x00", "a\x00b", "%_\\" * 3_000):
        assert not Commitment.objects.search(text).exclude(pk=commitment_one.pk).exists()
    assert Commitment.objects.search("\x00").count() == Commitment.objects.count()


@pytest.fixture
def commitment_one(db):
    return CommitmentFactory(title="Open the consulate in Tokyo")


def test_an_edit_that_removes_a_word_makes_it_unfindable(editor_client, manager):
    commitment = CommitmentFactory(
        title="Joint exercise in the Pacific",
        quote="The sides agreed to exercise together.",
        next_step="Book the hydrographic survey.",
    )
    assert found(editor_client, "hydrographic") == {commitment.pk}
    _edit(commitment, manager, next_step="Book the survey.")
    assert found(editor_client, "hydrographic") == set()
    assert found(editor_client, "book the survey") == {commitment.pk}
    _edit(commitment, manager, title="Joint exercise in the Indian Ocean")
    assert found(editor_client, "pacific") == set()
    assert found(editor_client, "indian ocean") == {commitment.pk}


def test_an_edit_with_a_note_keeps_the_journal_findable(editor_client, manager):
    commitment = CommitmentFactory(title="Open a liaison office", quote="Agreed.")
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status="in_progress",
        note="Site survey done.",
        expected_version=commitment.version,
    )
    commitment.refresh_from_db()
    services.commitment_edit(
        commitment=commitment,
        user=manager,
        data={"title": "Open a trade office"},
        note="Scope narrowed by the cabinet.",
        expected_version=commitment.version,
    )
    assert found(editor_client, "site survey") == {commitment.pk}
    assert found(editor_client, "narrowed by the cabinet") == {commitment.pk}
    assert found(editor_client, "liaison") == set()


def test_search_combines_with_the_other_filters(editor_client):
    red = CommitmentFactory(title="Cyber dialogue, red", confidence="red")
    CommitmentFactory(title="Cyber dialogue, green")
    assert found(editor_client, "cyber dialogue", confidence="red") == {red.pk}


@pytest.mark.parametrize("q", ["maritime", "ma", "安全保障", "保"])
@pytest.mark.parametrize("rows", [3, 30])
def test_search_page_query_count_is_pinned(editor_client, rows, q, django_assert_num_queries):
    for n in range(rows):
        CommitmentFactory(title=f"Maritime security {n} 安全保障")
    editor_client.get(reverse("commitment-list"), {"q": q})
    with django_assert_num_queries(SEARCH_LIST_QUERIES):
        response = editor_client.get(reverse("commitment-list"), {"q": q})
    assert response.context["page"].paginator.count == rows


# As the list without a search: session, user, roles and permissions, count, page, the page's
# themes, the filters' choices, the header's unread-notification count. The search adds no
# query and no join to the journal.
SEARCH_LIST_QUERIES = 14


@pytest.fixture
def phrased(db):
    """Commitments whose documents hold a phrase in every case and width, and decoys for
    LIKE's wildcards and escape."""
    return [
        CommitmentFactory(title="Working-level consultations on supply chains"),
        CommitmentFactory(next_step="ＷＯＲＫＩＮＧ-level consultations resume"),
        CommitmentFactory(quote="Hold working‐level talks"),
        CommitmentFactory(title="100% of the 1_000 items \\ done"),
        CommitmentFactory(title="作業部会での協議を継続する"),
        CommitmentFactory(title="Unrelated"),
    ]


@pytest.mark.parametrize(
    "q",
    ["working-level consultations", "WORKING", "ＷＯＲＫ", "100%", "1_0", "\\", "%", "_",
     "部会での", "協", "nothing like it", "x" * 300],
)  # fmt: skip
def test_a_scanned_search_finds_what_the_index_finds(phrased, q):
    """`scan` tests each document as the rows are read: the same substring test on the same
    folded documents, so the same commitments, whatever the phrase holds."""
    by_index = set(Commitment.objects.search(q).values_list("pk", flat=True))
    by_scan = set(Commitment.objects.search(q, scan=True).values_list("pk", flat=True))
    assert by_scan == by_index
    # The quote's hyphen is U+2010, which folds to no ASCII hyphen.
    assert len(by_index) == {"working-level consultations": 2, "WORKING": 3, "ＷＯＲＫ": 3}.get(
        q, len(by_index)
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan")
def test_sqlite_reads_a_scanned_search_in_the_meetings_order_and_stops():
    """The first page of a scanned search walks the meetings' index on their start and tests
    each commitment's document on the way, so it stops at the page's end."""
    # As a ministry's data stands: many meetings, many commitments at each (bulk-written, with
    # their documents rebuilt, as the benchmark's).
    meetings = MeetingFactory.create_batch(60)
    Commitment.objects.bulk_create(
        Commitment(
            title=f"{'Maritime security' if n % 2 else 'Cyber'} dialogue {n}",
            quote="Agreed.",
            origin_meeting=meetings[n % 60],
            quote_position=n,
        )
        for n in range(1200)
    )
    services.search_documents_rebuild()
    refresh_query_statistics(run=None)  # as the nightly job leaves the database
    first_page = Commitment.objects.for_list_page().active().search("maritime", scan=True)[:10]
    steps = [line for line in first_page.explain().splitlines() if "SCAN" in line]
    assert "SCAN tracker_meeting USING INDEX" in steps[0]
    assert SEARCH_FTS_TABLE not in first_page.explain()
    assert len(first_page) == 10


def test_the_first_page_of_a_phrase_in_more_documents_than_the_list_shows_is_scanned(
    editor_client, monkeypatch, django_assert_num_queries
):
    """Past the search's bound (here 3), the list's first page is read by the scan, in the
    meetings' order either way, with the same rows and queries; other sorts and groupings by
    the index."""
    monkeypatch.setattr("tracker.views.workspace.SEARCH_LIMIT", 3)
    days_ago = (9, 5, 1)
    meetings = [
        MeetingFactory(starts_at=timezone.now() - datetime.timedelta(days=d)) for d in days_ago
    ]
    matching = [
        CommitmentFactory(title=f"Maritime dialogue {n}", origin_meeting=meetings[n % 3])
        for n in range(6)
    ]
    CommitmentFactory(title="Unrelated", origin_meeting=meetings[0])
    editor_client.get(reverse("commitment-list"), {"q": "maritime"})
    for sort, group, scanned in (
        ("", "", True),
        ("-meeting", "", True),
        ("target", "", False),
        ("", "status", False),
    ):
        params = {"q": "MARITIME", "sort": sort, "group": group}
        # A grouping counts its groups.
        with django_assert_num_queries(SEARCH_LIST_QUERIES + bool(group)) as queries:
            response = editor_client.get(reverse("commitment-list"), params)
        assert "More than 3 commitments match" in response.text
        rows = [c.pk for c in response.context["page"].object_list]
        if not group:
            ordered = Commitment.objects.filter(pk__in=[c.pk for c in matching])
            ordered = ordered.order_by(*SORTS[sort or DEFAULT_SORT])
            assert rows == [c.pk for c in ordered[:3]]
        if connection.vendor == "sqlite":
            [read] = [q["sql"] for q in queries.captured_queries if q["sql"].endswith(" LIMIT 3")]
            assert (SEARCH_FTS_TABLE not in read) is scanned


def test_the_search_reads_an_index_not_the_journal():
    commitments = Commitment.objects.search("working-level consultations")
    sql = str(commitments.query).lower()
    assert "tracker_statusupdate" not in sql
    assert "distinct" not in sql
    if connection.vendor == "postgresql":
        # The tables are tiny here: forbid reading them whole (a sequential scan, or the
        # primary key's index from end to end) to see that the trigram index can serve.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        assert "commitment_search_trgm" in commitments.explain()
    else:
        plan = commitments.explain()
        assert f"{SEARCH_FTS_TABLE} VIRTUAL TABLE INDEX" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_reads_the_matches_in_the_index_and_stops_at_the_bound():
    """The bounded count of a search (`BoundedPaginator`) must stop once it has its bound: SQLite
    reads the FTS5 table first and looks each match's commitment up by its key. A `pk IN
    (matches)` filter would collect every match before the first row is counted."""
    CommitmentFactory.create_batch(3, title="Maritime security dialogue")
    bounded = Commitment.objects.active().search("maritime").order_by()[:2]
    plan = bounded.explain()
    assert "LIST SUBQUERY" not in plan
    steps = [line for line in plan.splitlines() if "SCAN" in line or "SEARCH" in line]
    assert f"SCAN {SEARCH_FTS_TABLE} VIRTUAL TABLE" in steps[0]
    assert "SEARCH tracker_commitment USING INTEGER PRIMARY KEY" in steps[1]
    assert bounded.count() == 2


def test_dumpdata_leaves_the_search_index_out_and_keeps_the_documents():
    """SQLite's FTS5 table has a model for the search's join; `dumpdata` must neither fail on it
    (PostgreSQL has no such table) nor carry its rows, which the documents' triggers rebuild."""
    commitment = CommitmentFactory(title="Maritime security dialogue")
    out = StringIO()
    call_command("dumpdata", "tracker", stdout=out)
    models = {row["model"] for row in json.loads(out.getvalue())}
    assert "tracker.commitmentsearchindex" not in models
    assert "tracker.commitmentsearchdocument" in models
    assert list(Commitment.objects.search("maritime security")) == [commitment]


def test_documents_are_rebuilt_for_rows_written_in_bulk(editor_client):
    """The benchmark's data set is bulk-inserted; the rebuild gives its rows their documents."""
    commitment = CommitmentFactory(title="Bulk-written row")
    commitment.search_document.delete()
    assert found(editor_client, "bulk-written") == set()
    assert services.search_documents_rebuild() == Commitment.objects.count()
    assert found(editor_client, "bulk-written") == {commitment.pk}
    assert found(editor_client, "recorded from") == {commitment.pk}


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_documents_and_the_index_from_existing_rows(manager):
    commitment = CommitmentFactory(title="Pre-existing maritime item", quote="Agreed.")
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status="in_progress",
        note="日米の事務レベル協議を継続。",
        expected_version=commitment.version,
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("tracker", "0006_commitment_last_update_at")])
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    for phrase in ("maritime item", "事務レベル", "日米", "PRE-EXISTING"):
        assert list(Commitment.objects.search(phrase)) == [commitment], phrase
    # And the index follows the writes after it.
    commitment.refresh_from_db()
    services.commitment_edit(
        commitment=commitment,
        user=manager,
        data={"title": "Renamed item"},
        expected_version=commitment.version,
    )
    assert not Commitment.objects.search("maritime item").exists()
    assert list(Commitment.objects.search("renamed item")) == [commitment]


def test_a_search_matching_more_than_the_limit_lists_the_first_and_says_so(
    editor_client, monkeypatch
):
    monkeypatch.setattr("tracker.views.workspace.SEARCH_LIMIT", 3)
    CommitmentFactory.create_batch(4, title="Maritime security dialogue")
    response = editor_client.get(reverse("commitment-list"), {"q": "maritime"})
    page = response.context["page"]
    assert page.paginator.truncated and page.paginator.count == 3
    assert len(page.object_list) == 3
    assert "More than 3 commitments match; the first 3 are listed." in response.text
    # Under the limit, or without a search, the list counts exactly.
    CommitmentFactory(title="Supply chain resilience")
    exact = editor_client.get(reverse("commitment-list"), {"q": "supply"})
    assert exact.context["page"].paginator.count == 1
    assert not exact.context["page"].paginator.truncated
    assert "5 commitments" in editor_client.get(reverse("commitment-list")).text
