"""Bulk edit from the commitment list: through the door users use (a CSRF-checked POST), read back
from the database."""

import datetime
import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    MeetingFactory,
    ThemeFactory,
    UserFactory,
)
from tracker import services
from tracker.models import (
    Commitment,
    CommitmentSearchDocument,
    Confidence,
    JournalLink,
    JournalLinkKind,
    Notification,
    Status,
    StatusUpdate,
)
from tracker.views.pagination import PAGE_SIZE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/commitments/bulk/"


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client, data, **extra):
    """POST the bar as the browser does: with the CSRF token the list page carries."""
    page = client.get(reverse("commitment-list"))
    token = page.cookies["csrftoken"].value
    return client.post(URL, {"csrfmiddlewaretoken": token, **data}, **extra)


def _ticked(*commitments) -> list[str]:
    return [f"{c.pk}:{c.version}" for c in commitments]


def _entries(*commitments) -> int:
    return StatusUpdate.objects.filter(commitment__in=commitments).count()


@pytest.fixture
def mine(division):
    meeting = MeetingFactory()
    return [
        CommitmentFactory(origin_meeting=meeting, lead_division=division, title=f"Mine {i}")
        for i in range(3)
    ]


@pytest.fixture
def theirs(other_division):
    return CommitmentFactory(lead_division=other_division, title="Theirs <b>bold</b>")


def _reload(commitments):
    return [Commitment.objects.get(pk=c.pk) for c in commitments]


# Applying ---------------------------------------------------------------------------------------


def test_editor_changes_the_ticked_rows_with_one_note_each_in_its_journal(editor, mine):
    before = _entries(*mine)
    response = _post(
        _client(editor),
        {"ids": _ticked(*mine[:2]), "status": "in_progress", "confidence": "amber", "note": "Go"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Updated 2 commitments." in response.text
    first, second, untouched = _reload(mine)
    assert (first.status, first.confidence) == (Status.IN_PROGRESS, Confidence.AMBER)
    assert (second.status, second.confidence) == (Status.IN_PROGRESS, Confidence.AMBER)
    assert untouched.status == Status.NOT_STARTED
    assert _entries(*mine) == before + 2
    entry = first.status_updates.latest()
    assert (entry.author, entry.note, entry.status_from) == (editor, "Go", Status.NOT_STARTED)


def test_htmx_answers_with_the_bar_saying_how_many_and_tells_the_table_to_reload(editor, mine):
    response = _post(_client(editor), {"ids": _ticked(*mine), "confidence": "red"}, **HTMX)
    assert response.status_code == 200
    assert "Updated 3 commitments." in response.text
    assert "commitments-changed" in response["HX-Trigger"]
    assert {c.confidence for c in _reload(mine)} == {Confidence.RED}


def test_the_target_date_is_set_on_each(editor, mine):
    _post(_client(editor), {"ids": _ticked(*mine), "target_date": "2027-03-31"})
    assert {c.target_date for c in _reload(mine)} == {datetime.date(2027, 3, 31)}


def test_the_list_goes_back_to_its_filters_after_saving_without_javascript(editor, mine):
    response = _post(
        _client(editor),
        {"ids": _ticked(mine[0]), "confidence": "red", "query": "status=open&sort=target"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/commitments/?status=open&sort=target"


# All or nothing, each refusal named -------------------------------------------------------------


def test_an_item_outside_the_editors_divisions_refuses_and_nothing_is_written(editor, mine, theirs):
    before = _entries(*mine, theirs)
    response = _post(_client(editor), {"ids": _ticked(*mine, theirs), "confidence": "red"})
    assert response.status_code == 409
    assert "Nothing was changed" in response.text
    # Named, its title escaped; the editor's own items are not named.
    assert f"“Theirs &lt;b&gt;bold&lt;/b&gt;” (number {theirs.pk})" in response.text
    assert "You may not change this commitment." in response.text
    assert "Mine 0" not in response.text.split("Nothing was changed")[1]
    assert {c.confidence for c in _reload([*mine, theirs])} == {Confidence.GREEN}
    assert _entries(*mine, theirs) == before


def test_a_move_that_needs_a_note_names_every_item_and_writes_nothing(editor, mine):
    response = _post(_client(editor), {"ids": _ticked(*mine), "status": "completed"})
    assert response.status_code == 409
    for commitment in mine:
        assert f"“{commitment.title}” (number {commitment.pk})" in response.text
    assert response.text.count("needs a note") == 3
    assert {c.status for c in _reload(mine)} == {Status.NOT_STARTED}


def test_a_move_the_lifecycle_forbids_is_refused_for_that_item_only(editor, manager, mine):
    closed = services.commitment_set_status(
        commitment=mine[0], user=manager, status="completed", note="Done", expected_version=1
    )
    before = _entries(*mine)
    response = _post(
        _client(editor),
        {"ids": _ticked(closed, *mine[1:]), "status": "stalled", "note": "Blocked"},
    )
    assert response.status_code == 409
    text = response.text.split("Nothing was changed")[1]
    assert f"number {closed.pk}" in text and "cannot move from" in text
    assert f"number {mine[1].pk}" not in text
    assert [c.status for c in _reload(mine)] == ["completed", "not_started", "not_started"]
    assert _entries(*mine) == before


def test_a_row_saved_by_someone_else_since_it_was_shown_is_refused(editor, manager, mine):
    shown = _ticked(*mine)
    services.commitment_set_status(
        commitment=mine[1], user=manager, status="in_progress", note="Mine now", expected_version=1
    )
    response = _post(_client(editor), {"ids": shown, "confidence": "red"})
    assert response.status_code == 409
    assert "Someone else saved this commitment while you were editing it" in response.text
    assert "manager" in response.text
    assert {c.confidence for c in _reload(mine)} == {Confidence.GREEN}


def test_numbers_of_no_commitment_are_named(editor, mine):
    response = _post(_client(editor), {"ids": [*_ticked(mine[0]), "999999:1"], "confidence": "red"})
    assert response.status_code == 409
    assert "No commitment number 999999" in response.text
    assert _reload(mine)[0].confidence == Confidence.GREEN


def test_an_archived_commitment_is_not_changed_through_the_list(editor, mine):
    Commitment.objects.filter(pk=mine[0].pk).update(is_archived=True)
    response = _post(_client(editor), {"ids": _ticked(mine[0]), "confidence": "red"})
    assert response.status_code == 409
    assert f"No commitment number {mine[0].pk}" in response.text


@pytest.mark.parametrize(
    "value", ["abc", "1:x", "²", "-1", "1.0", "1:2:3", "9" * 30, "=1+1", "1\x00", " "]
)
def test_garbage_in_the_ticked_rows_is_a_clear_message_not_a_500(editor, mine, value):
    response = _post(_client(editor), {"ids": [value], "confidence": "red"})
    assert response.status_code == 400
    assert "does not name a commitment of the list" in response.text
    assert _reload(mine)[0].confidence == Confidence.GREEN


def test_nothing_ticked_says_so(editor, mine):
    response = _post(_client(editor), {"confidence": "red"})
    assert response.status_code == 400 and "Select at least one commitment." in response.text


def test_nothing_to_apply_says_so(editor, mine):
    response = _post(_client(editor), {"ids": _ticked(*mine)})
    assert response.status_code == 400 and "Nothing to apply" in response.text


def test_too_many_ticked_rows_are_refused_with_a_message(editor, mine):
    ids = [f"{n}:1" for n in range(1, services.MAX_BULK_ITEMS + 2)]
    response = _post(_client(editor), {"ids": ids, "confidence": "red"})
    assert response.status_code == 400
    assert f"At most {services.MAX_BULK_ITEMS} commitments can be changed at once" in response.text


def test_more_fields_than_django_reads_is_a_bad_request_not_a_500(editor, mine):
    ids = [f"{n}:1" for n in range(1, 1202)]
    response = _post(_client(editor), {"ids": ids, "confidence": "red"})
    assert response.status_code == 400
    assert _reload(mine)[0].confidence == Confidence.GREEN


def test_a_version_missing_from_a_ticked_row_is_refused_like_a_one_by_one_save(editor, mine):
    response = _post(_client(editor), {"ids": [str(mine[0].pk)], "confidence": "red"})
    assert response.status_code == 409
    assert "sent without the version you started from" in response.text


def test_the_refusal_keeps_the_ticked_rows_to_try_again_without_javascript(editor, mine, theirs):
    response = _post(_client(editor), {"ids": _ticked(mine[0], theirs), "confidence": "red"})
    assert f'name="ids" value="{theirs.pk}:{theirs.version}"' in response.text


def test_htmx_refusals_come_in_the_bar(editor, theirs):
    response = _post(_client(editor), {"ids": _ticked(theirs), "confidence": "red"}, **HTMX)
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Nothing was changed" in response.text and 'id="bulk-form"' in response.text


# Who may ---------------------------------------------------------------------------------------


def test_a_viewer_is_refused_and_sees_no_checkboxes(viewer, mine):
    client = _client(viewer)
    assert 'name="ids"' not in client.get(reverse("commitment-list")).text
    response = _post(client, {"ids": _ticked(*mine), "confidence": "red"})
    assert response.status_code == 403
    assert {c.confidence for c in _reload(mine)} == {Confidence.GREEN}


def test_an_editor_sees_a_checkbox_per_row_and_the_bar(editor, mine):
    text = _client(editor).get(reverse("commitment-list")).text
    assert text.count('name="ids"') == 3 and 'id="bulk-form"' in text
    # The owner is the managers' to change: not offered to an editor.
    assert 'id="bulk-owner"' not in text
    assert 'id="bulk-status"' in text


def test_only_managers_change_the_owner(editor, manager, mine):
    new_owner = UserFactory(username="new-owner")
    response = _post(_client(editor), {"ids": _ticked(*mine), "owner": new_owner.pk})
    assert response.status_code == 400
    assert "Only managers may reassign owners." in response.text
    assert {c.owner_id for c in _reload(mine)} == {None}

    before = _entries(*mine)
    response = _post(
        _client(manager), {"ids": _ticked(*mine), "owner": new_owner.pk, "note": "Handover"}
    )
    assert response.status_code == 302
    assert {c.owner_id for c in _reload(mine)} == {new_owner.pk}
    assert _entries(*mine) == before + 3


def test_an_owner_posted_past_the_form_is_still_refused_by_the_service(editor, mine):
    with pytest.raises(services.BulkEditRefused) as refused:
        services.commitments_bulk_edit(
            user=editor,
            versions={c.pk: c.version for c in mine},
            data={"owner": UserFactory()},
        )
    assert len(refused.value.refusals) == 3
    assert {c.owner_id for c in _reload(mine)} == {None}


# Hostile text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "<script>alert(1)</script>",
        "=1+1",
        "@SUM(A1)",
        "控え\u200b\u202e目",
        "line\r\nbreak\ttab",
    ],
)
def test_hostile_note_text_is_kept_as_text(editor, mine, note):
    response = _post(_client(editor), {"ids": _ticked(mine[0]), "note": note}, follow=True)
    assert response.status_code == 200
    assert mine[0].status_updates.latest().note == note.strip()
    assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize(
    ("note", "message"),
    [("nul\x00here", "Null characters are not allowed."), ("x" * 5001, "Ensure this value")],
)
def test_a_note_the_journal_cannot_hold_is_refused_with_a_message(editor, mine, note, message):
    response = _post(_client(editor), {"ids": _ticked(mine[0]), "note": note})
    assert response.status_code == 400 and message in response.text
    assert _entries(mine[0]) == 1


def test_hostile_query_and_time_are_messages_not_500s(editor, mine):
    response = _post(
        _client(editor),
        {
            "ids": _ticked(mine[0]),
            "confidence": "red",
            "query": "x" * 5000,
            "selected_at": "not a time\x00",
            "confirmed_count": "-3",
            "scope": "everything",
        },
    )
    assert response.status_code == 400
    assert _reload(mine)[0].confidence == Confidence.GREEN


# Every matching commitment ----------------------------------------------------------------------


def test_select_all_matching_changes_what_the_filters_match_and_nothing_else(
    editor, mine, division
):
    other = CommitmentFactory(lead_division=division, status=Status.STALLED)
    response = _post(
        _client(editor),
        {"scope": "matching", "query": "status=not_started", "confidence": "amber"},
    )
    assert response.status_code == 302
    assert {c.confidence for c in _reload(mine)} == {Confidence.AMBER}
    assert _reload([other])[0].confidence == Confidence.GREEN


def test_select_all_matching_a_text_search_changes_only_what_it_finds(editor, mine, division):
    """The search joins its index (SQLite's FTS5 table): the bulk write reads the same matches."""
    found = CommitmentFactory(lead_division=division, title="Maritime security dialogue")
    response = _post(
        _client(editor),
        {"scope": "matching", "query": "q=maritime+security", "confidence": "red"},
    )
    assert response.status_code == 302
    assert _reload([found])[0].confidence == Confidence.RED
    assert {c.confidence for c in _reload(mine)} == {Confidence.GREEN}


def test_more_matching_than_a_page_asks_first_then_applies(editor, division):
    meeting = MeetingFactory()
    items = CommitmentFactory.create_batch(
        PAGE_SIZE + 1, origin_meeting=meeting, lead_division=division
    )
    client = _client(editor)
    data = {"scope": "matching", "query": "", "confidence": "red", "note": "All of them"}
    response = _post(client, data)
    assert response.status_code == 200
    assert f"This changes {PAGE_SIZE + 1} commitments" in response.text
    assert 'name="confirmed_count"' in response.text
    assert not Commitment.objects.filter(confidence=Confidence.RED).exists()

    response = _post(client, {**data, "confirmed_count": PAGE_SIZE + 1})
    assert response.status_code == 302
    assert Commitment.objects.filter(confidence=Confidence.RED).count() == PAGE_SIZE + 1
    assert StatusUpdate.objects.filter(note="All of them").count() == len(items)


def test_the_confirmation_page_without_javascript_carries_the_choice_to_apply(editor, division):
    count = PAGE_SIZE + 1
    CommitmentFactory.create_batch(count, origin_meeting=MeetingFactory(), lead_division=division)
    client = _client(editor)
    page = _post(client, {"scope": "matching", "query": "status=open", "confidence": "amber"})
    assert page.status_code == 200
    # What the page's form would post: its hidden fields, the choice made, and its button.
    posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    assert posted["scope"] == "matching" and posted["confirmed_count"] == str(count)
    posted = {name: html.unescape(value) for name, value in posted.items()}
    response = client.post(URL, {**posted, "confidence": "amber"})
    assert response.status_code == 302
    assert response["Location"] == "/commitments/?status=open"
    assert Commitment.objects.filter(confidence=Confidence.AMBER).count() == count


def test_a_confirmation_for_another_number_asks_again(editor, division):
    CommitmentFactory.create_batch(
        PAGE_SIZE + 2, origin_meeting=MeetingFactory(), lead_division=division
    )
    response = _post(
        _client(editor),
        {"scope": "matching", "confidence": "red", "confirmed_count": PAGE_SIZE + 1},
        **HTMX,
    )
    assert f"This changes {PAGE_SIZE + 2} commitments" in response.text
    assert not Commitment.objects.filter(confidence=Confidence.RED).exists()


def test_a_matching_item_saved_after_the_list_was_shown_is_refused(editor, manager, mine):
    shown_at = timezone.now()
    services.commitment_set_status(
        commitment=mine[2], user=manager, status="in_progress", note="Moved", expected_version=1
    )
    response = _post(
        _client(editor),
        {"scope": "matching", "confidence": "red", "selected_at": shown_at.isoformat()},
    )
    assert response.status_code == 409
    assert f"number {mine[2].pk}" in response.text and "after you selected it" in response.text
    assert {c.confidence for c in _reload(mine)} == {Confidence.GREEN}


def test_more_matching_than_one_bulk_edit_takes_is_refused(editor, monkeypatch, mine):
    monkeypatch.setattr(services, "MAX_BULK_ITEMS", 2)
    response = _post(_client(editor), {"scope": "matching", "confidence": "red"})
    assert response.status_code == 400
    assert "At most 2 commitments can be changed at once; 3 were selected." in response.text


# The same writes as one by one ------------------------------------------------------------------


def _written(commitment, *, since_history: int, since_entry: int) -> dict:
    """What an edit of `commitment` wrote, without the numbers and times that differ between
    two commitments: its row, its new history records (with their themes and parties), journal
    entries, links of the chain, search document and notifications."""
    commitment.refresh_from_db()
    records = commitment.history.filter(history_id__gt=since_history).order_by("history_id")
    entries = StatusUpdate.objects.filter(commitment=commitment, pk__gt=since_entry)
    return {
        "row": (
            commitment.status,
            commitment.confidence,
            commitment.owner_id,
            commitment.target_date,
            commitment.version,
            commitment.last_update_at == (entries.last().created_at if entries else None)
            or not entries,
        ),
        "history": [
            (
                r.history_type,
                r.history_user_id,
                r.version,
                r.status,
                r.owner_id,
                r.history_change_reason,
                sorted(t.theme_id for t in r.themes.all()),
                sorted(p.country_id for p in r.parties.all()),
            )
            for r in records
        ],
        "entries": [
            (e.author_id, e.status_from, e.status_to, e.confidence_from, e.confidence_to, e.note)
            for e in entries
        ],
        "links": JournalLink.objects.filter(
            kind=JournalLinkKind.STATUS_UPDATE, entry_id__in=[e.pk for e in entries]
        ).count(),
        "document": CommitmentSearchDocument.objects.get(commitment=commitment).document,
        "notifications": sorted(
            (
                n.user_id,
                n.kind,
                n.actor_id,
                n.event_key.replace(f"{entries.last().pk}" if entries else "-", "ENTRY").replace(
                    f"assigned:{commitment.pk}:", "assigned:ITEM:"
                ),
                tuple(sorted((k, v) for k, v in n.data.items() if k != "title")),
            )
            for n in Notification.objects.filter(commitment=commitment)
        ),
    }


@pytest.mark.parametrize(
    ("changes", "note"),
    [
        ({"status": "stalled", "confidence": "red"}, "Blocked by the other side"),
        ({"owner": "new-owner"}, "Handover"),
        ({"owner": "new-owner"}, ""),
        ({}, "No change since the last report."),
        ({"target_date": "2027-03-31"}, ""),
    ],
)
def test_a_bulk_edit_writes_what_the_one_by_one_edit_writes(
    manager, editor, division, changes, note, django_capture_on_commit_callbacks, mailoutbox
):
    """Two twins, one edited through the one edit contract and one through the bar: the same
    row, history record (its themes and parties in it), journal entry, link of the chain,
    search document and notifications (the division's members, a watcher, the previous owner)."""
    meeting = MeetingFactory()
    previous_owner, new_owner = UserFactory(username="old-owner"), UserFactory(username="new-owner")
    watcher = UserFactory(username="watcher")
    themes, parties = ThemeFactory.create_batch(2), [CountryFactory()]
    twins = [
        CommitmentFactory(
            origin_meeting=meeting,
            lead_division=division,
            owner=previous_owner,
            title="Twin",
            quote="The ministers concurred.",
            themes=themes,
            parties=parties,
        )
        for _ in range(2)
    ]
    for twin in twins:
        services.watch_set(user=watcher, commitment=twin, watching=True)
    data = {name: new_owner if value == "new-owner" else value for name, value in changes.items()}
    if "target_date" in data:
        data["target_date"] = datetime.date.fromisoformat(data["target_date"])
    since_history = Commitment.history.order_by("-history_id").first().history_id
    since_entry = StatusUpdate.objects.order_by("-pk").first().pk
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        services.commitment_edit(
            commitment=twins[0], user=manager, data=data, expected_version=1, note=note
        )
    one_by_one_mails = sorted(m.to[0] for m in mailoutbox)
    mailoutbox.clear()
    posted = {"ids": _ticked(twins[1]), "note": note}
    posted |= {
        name: new_owner.pk if value == "new-owner" else value for name, value in changes.items()
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(_client(manager), posted)
    assert response.status_code == 302

    single = _written(twins[0], since_history=since_history, since_entry=since_entry)
    bulk = _written(twins[1], since_history=since_history, since_entry=since_entry)
    assert bulk == single
    # Something was written, and told: the test compares more than two empty lists.
    assert single["history"] or single["entries"]
    assert single["notifications"] or not (single["entries"] or "owner" in changes)
    assert sorted(m.to[0] for m in mailoutbox) == one_by_one_mails
    if "owner" in changes:
        assert one_by_one_mails  # the new and the previous owner are mailed at once
    _verify_journal()


def _verify_journal() -> None:
    """`manage.py verify_journal` finds the chain whole (it raises CommandError if not)."""
    out = StringIO()
    call_command("verify_journal", stdout=out)
    assert out.getvalue().startswith("OK: "), out.getvalue()


# 500 items in one request ---------------------------------------------------------------------


def _counted(call):
    """Run `call`, counting its queries as they run (the test runner's query log keeps only the
    last 9,000, and a pinned count must see them all)."""
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        result = call()
    return result, queries


def test_five_hundred_items_all_or_nothing_then_ticked_then_all_matching(editor, manager, division):
    """500 items through the bar: a refusal in item 317 keeps nothing of the other 499; then
    the ticked rows and "select all 500 matching" each write 500 journal entries, history
    records and links of the chain, and tell the division's members."""
    count = services.MAX_BULK_ITEMS
    meeting = MeetingFactory()
    colleague = UserFactory(username="colleague", divisions=[division])
    items = [
        CommitmentFactory(origin_meeting=meeting, lead_division=division) for _ in range(count)
    ]
    client = _client(editor)
    shown = _ticked(*items)
    # Item 317 is saved by someone else after the list was shown.
    services.commitment_set_status(
        commitment=items[316], user=manager, status="in_progress", note="Moved", expected_version=1
    )

    def totals():
        return (
            StatusUpdate.objects.count(),
            Commitment.history.count(),
            JournalLink.objects.count(),
            Notification.objects.count(),
            Commitment.objects.filter(confidence=Confidence.AMBER).count(),
        )

    before = totals()
    response = _post(client, {"ids": shown, "confidence": "amber", "note": "Slower now"})
    assert response.status_code == 409
    refused = response.text.split("Nothing was changed")[1]
    assert f"number {items[316].pk})" in refused
    assert f"number {items[315].pk})" not in refused
    assert totals() == before

    items[316].refresh_from_db()
    response, queries = _post_counted(
        client, {"ids": _ticked(*items), "confidence": "amber", "note": "Slower now"}
    )
    assert response.status_code == 302
    entries = StatusUpdate.objects.filter(note="Slower now", author=editor)
    assert entries.count() == count
    assert Commitment.history.filter(history_user=editor, confidence="amber").count() == count
    assert Commitment.objects.filter(confidence=Confidence.AMBER, version=2).count() == count - 1
    told = Notification.objects.filter(user=colleague, kind="status", actor=editor)
    assert told.count() == count
    # 500 ticked rows take the queries 10 take (pinned below): none is per item. (A SQLite
    # built with a low limit on parameters would split the INSERTs into a few more.)
    assert len(queries) == QUERIES_PER_BULK_EDIT, [sql[:60] for sql in queries]
    _verify_journal()

    # "Select all 500 matching": the list's filters, read again here, with the count confirmed.
    query = f"division={division.pk}&confidence=amber"
    response = _post(
        client,
        {
            "scope": "matching",
            "query": query,
            "confirmed_count": count,
            "status": "ongoing",
            "note": "Standing item",
        },
    )
    assert response.status_code == 302, response.text[:3000]
    assert StatusUpdate.objects.filter(note="Standing item", status_to="ongoing").count() == count
    assert Commitment.objects.filter(status=Status.ONGOING).count() == count
    assert Commitment.history.filter(history_user=editor, status="ongoing").count() == count
    assert JournalLink.objects.count() == before[2] + 2 * count
    _verify_journal()


# Queries: the same for 10 items as for 50 -------------------------------------------------------

# A bulk edit of the ticked rows, whatever their number: the session, the user, their roles and
# permissions (5); the savepoint of the service's transaction and its release (2); one read and
# lock of all the items, the user's divisions for the permission check (2); one UPDATE of the
# rows, one INSERT of their history records and one read of their themes and of their parties
# for the records (4); one INSERT of the journal entries, the chain's head read, its links
# inserted and the head moved (4); one UPDATE of the search documents (1); the division members,
# the watchers, which of them are active, their preferences, one INSERT of the notifications (5).
QUERIES_PER_BULK_EDIT = 23
# "Every matching commitment" reads the list's filters' numbers first (1).
QUERIES_MATCHING = 1


def _post_counted(client, data):
    page = client.get(reverse("commitment-list"))
    token = page.cookies["csrftoken"].value
    return _counted(lambda: client.post(URL, {"csrfmiddlewaretoken": token, **data}))


@pytest.mark.parametrize("scope", ["ticked", "matching"])
def test_the_queries_of_a_bulk_edit_do_not_grow_with_the_items(editor, division, scope):
    meeting = MeetingFactory()
    watcher = UserFactory(username="watcher")
    client = _client(editor)
    counts = []
    for number in (10, 50):
        items = [
            CommitmentFactory(origin_meeting=meeting, lead_division=division) for _ in range(number)
        ]
        for item in items[::3]:
            services.watch_set(user=watcher, commitment=item, watching=True)
        if scope == "ticked":
            data = {"ids": _ticked(*items)}
        else:
            # Only the new items match: the earlier ones were moved on.
            data = {"scope": "matching", "query": "status=not_started", "confirmed_count": number}
        data |= {"status": "in_progress", "confidence": "amber", "note": f"Batch of {number}"}
        response, queries = _post_counted(client, data)
        assert response.status_code == 302
        assert StatusUpdate.objects.filter(note=f"Batch of {number}").count() == number
        assert Notification.objects.filter(user=watcher).count() == len(items[::3]) + (
            len(range(0, 10, 3)) if number == 50 else 0
        )
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] == QUERIES_PER_BULK_EDIT + (QUERIES_MATCHING if scope == "matching" else 0)


def test_the_bar_is_translated(editor, mine):
    editor_client = _client(editor)
    editor_client.cookies["django_language"] = "ja"
    response = _post(editor_client, {"ids": _ticked(*mine), "status": "completed"})
    assert "何も変更されませんでした" in response.text
