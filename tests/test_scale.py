"""Scale: each commitment keeps its last update time, written by every door that writes the
journal; the lists read it off the row, and the commitment page tells its story a page at a time.
"""

import datetime
import re
from pathlib import Path

import pytest
from django import forms
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from tests.admin_forms import admin_post_data
from tests.factories import CommitmentFactory, FollowUpFactory, MeetingFactory, UserFactory
from tests.test_import import _confirm, _csv_bytes, _csv_rows, _export, _import, commitments
from tests.test_readout_import import reference, review, review_data, save
from tracker import services
from tracker.models import Commitment, Meeting, Status, StatusUpdate
from tracker.tasks import refresh_query_statistics
from tracker.timeline import TIMELINE_PAGE_SIZE, TimelineKey
from tracker.widgets import INPUT_TEMPLATES, TEXTAREA_TEMPLATE, QuickRenderer, QuickSelect

# Fixtures of the modules whose doors are driven here.
__all__ = ["commitments", "reference"]

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _newest_entry_time(commitment: Commitment) -> datetime.datetime:
    return commitment.status_updates.order_by("-created_at", "-pk").first().created_at


def _assert_kept(commitment: Commitment) -> None:
    """The row, read back, holds the time of its newest journal entry."""
    stored = Commitment.objects.values_list("last_update_at", flat=True).get(pk=commitment.pk)
    assert stored is not None
    assert stored == _newest_entry_time(commitment)


def _set_status(commitment, user, **changes):
    return services.commitment_set_status(
        commitment=commitment, expected_version=commitment.version, user=user, **changes
    )


@pytest.fixture
def commitment(division):
    return CommitmentFactory(lead_division=division, status=Status.IN_PROGRESS)


# Every door that writes the journal keeps the time ---------------------------------------------


def test_creating_a_commitment_sets_its_last_update(commitment):
    _assert_kept(commitment)


# A move saves the row with the time; a note alone leaves the row and updates only the time.
@pytest.mark.parametrize("confidence", ["amber", "green"])
def test_the_htmx_update_sets_the_last_update(client, editor, commitment, confidence):
    before = Commitment.objects.get(pk=commitment.pk).last_update_at
    client.force_login(editor)
    response = client.post(
        reverse("commitment-update", args=[commitment.pk]),
        {
            "status": commitment.status,
            "confidence": confidence,
            "next_step": "",
            "target_date": "",
            "target_date_reason": "",
            "next_review_date": "",
            "note": "Partners hesitate.",
            "evidence_url": "",
            "loaded_version": commitment.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert commitment.status_updates.latest().confidence_to == confidence
    _assert_kept(commitment)
    assert Commitment.objects.get(pk=commitment.pk).last_update_at > before
    # The card it answers with says it too.
    assert response.context["commitment"].last_update_at == _newest_entry_time(commitment)


def test_reassigning_sets_the_last_update(client, manager, commitment):
    before = Commitment.objects.get(pk=commitment.pk).last_update_at
    client.force_login(manager)
    response = client.post(
        reverse("commitment-reassign", args=[commitment.pk]),
        {"owner": UserFactory().pk, "lead_division": commitment.lead_division_id, "note": "Go."},
    )
    assert response.status_code == 302
    _assert_kept(commitment)
    assert Commitment.objects.get(pk=commitment.pk).last_update_at > before


def test_an_admin_status_update_sets_the_last_update(admin_client, commitment):
    before = Commitment.objects.get(pk=commitment.pk).last_update_at
    response = admin_client.post(
        reverse("admin:tracker_statusupdate_add"),
        {
            "commitment": commitment.pk,
            "status_to": "ongoing",
            "confidence_to": "amber",
            "note": "Now a standing item.",
        },
    )
    assert response.status_code == 302
    _assert_kept(commitment)
    assert Commitment.objects.get(pk=commitment.pk).last_update_at > before


def test_an_admin_change_with_a_journal_note_sets_the_last_update(admin_client, commitment):
    before = Commitment.objects.get(pk=commitment.pk).last_update_at
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = admin_post_data(admin_client.get(url))
    data["status"] = Status.COMPLETED
    data["journal_note"] = "Delivered at the 2+2."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert commitment.status_updates.latest().note == "Delivered at the 2+2."
    _assert_kept(commitment)
    assert Commitment.objects.get(pk=commitment.pk).last_update_at > before


def test_the_spreadsheet_import_sets_the_last_update(admin_client, commitments):
    full = commitments[0]
    before = Commitment.objects.get(pk=full.pk).last_update_at
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row.update(confidence="red", note="Stalled in committee.")
    _confirm(
        admin_client, "commitment", _import(admin_client, "commitment", _csv_bytes([row]), "c.csv")
    )
    assert full.status_updates.latest().confidence_to == "red"
    _assert_kept(full)
    assert Commitment.objects.get(pk=full.pk).last_update_at > before


def test_the_readout_import_sets_the_last_update(client, editor, reference):
    client.force_login(editor)
    url = reverse("readout-import")
    response = save(client, url, review_data(review(client, url)))
    assert response.status_code == 302
    created = list(Meeting.objects.get().commitments.all())
    assert created
    for commitment in created:
        _assert_kept(commitment)


def test_an_entry_dated_before_the_newest_leaves_the_time(editor, commitment):
    newest = Commitment.objects.get(pk=commitment.pk).last_update_at
    _set_status(commitment, editor, status=commitment.status, note="Late minute.", at=newest - _DAY)
    assert Commitment.objects.get(pk=commitment.pk).last_update_at == newest


_DAY = datetime.timedelta(days=1)


# The migration fills the time from the journal ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_last_update_from_the_journal(division, editor):
    commitment = CommitmentFactory(lead_division=division, status=Status.IN_PROGRESS)
    _set_status(commitment, editor, status=Status.ONGOING, note="Standing item.")
    newest = _newest_entry_time(commitment)
    executor = MigrationExecutor(connection)
    executor.migrate([("tracker", "0005_issuedreport_revision")])
    executor.loader.build_graph()
    executor.migrate([("tracker", "0006_commitment_last_update_at")])
    assert Commitment.objects.get(pk=commitment.pk).last_update_at == newest
    # Back to the latest schema, which the tests after this one use.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# The lists read the row, not the journal ----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 3),
        ({"stale": "on"}, 0),  # all three were just recorded
        ({"sort": "-updated"}, 3),
        ({"sort": "updated", "status": "open"}, 3),
    ],
)
def test_the_list_and_its_count_do_not_read_the_journal(client, editor, params, count):
    for _ in range(3):
        CommitmentFactory()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("commitment-list"), params)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    reads = [q["sql"] for q in queries.captured_queries if "tracker_commitment" in q["sql"]]
    assert reads
    assert not [sql for sql in reads if "tracker_statusupdate" in sql]


def test_the_dashboard_reads_the_journal_only_for_its_activity(client, editor):
    CommitmentFactory()
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    journal = [q["sql"] for q in queries.captured_queries if "tracker_statusupdate" in q["sql"]]
    assert len(journal) == 1  # the recent activity


def test_last_update_sorts_and_stale_follow_the_stored_time(client, editor, division):
    now = timezone.now()
    old = CommitmentFactory(lead_division=division, title="Old news")
    fresh = CommitmentFactory(lead_division=division, title="Fresh news")
    _set_status(old, editor, status=old.status, note="Long ago.", at=now - 30 * _DAY)
    # The opening entries are as old as the commitments: move them back for the test's clock.
    for item, days in ((old, 40), (fresh, 41)):
        _set_status(item, editor, status=item.status, note="Older still.", at=now - days * _DAY)
    _set_status(fresh, editor, status=fresh.status, note="Today.")
    stale = set(Commitment.objects.stale(now).values_list("pk", flat=True))
    assert fresh.pk not in stale
    client.force_login(editor)
    titles = [
        c.title
        for c in client.get(reverse("commitment-list"), {"sort": "-updated"}).context["page"]
    ]
    assert titles.index("Fresh news") < titles.index("Old news")


# The commitment page: the newest page of the timeline, older pages on demand ----------------------


def _long_story(commitment, user, entries: int, *, at=None):
    """Journal entries, a field change with each third, at one moment when `at` is given, so
    that paging must tell apart lines of the same time."""
    for n in range(entries):
        commitment.refresh_from_db()
        fields = {"next_step": f"Step {n}"} if n % 3 == 0 else {}
        _set_status(
            commitment, user, status=commitment.status, note=f"Entry {n}", fields=fields, at=at
        )


def _lines(html: str) -> list[str]:
    return re.findall(r'<li class="kind-[a-z]+">(.*?)</li>', html, re.S)


def _older_link(html: str) -> str | None:
    match = re.search(r'href="([^"]*\?before=[0-9.]+)#timeline-heading"', html)
    return match.group(1) if match else None


@pytest.fixture
def story(commitment, editor):
    for n in range(3):
        FollowUpFactory(
            commitment=commitment,
            meeting=MeetingFactory(
                starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=n + 1)
            ),
        )
    _long_story(commitment, editor, 70)
    _long_story(commitment, editor, 60, at=timezone.now())
    return commitment


def test_the_page_shows_the_newest_lines_first_and_links_the_rest(client, editor, story):
    client.force_login(editor)
    response = client.get(story.get_absolute_url())
    page = response.context["timeline_page"]
    assert len(response.context["timeline"]) == TIMELINE_PAGE_SIZE
    keys = [e.key for e in response.context["timeline"]]
    assert keys == sorted(keys, reverse=True)
    assert _lines(response.text) == _full_story(client, story)[:TIMELINE_PAGE_SIZE]
    assert page.older is not None
    assert f"?before={page.older.token()}" in response.text
    assert f'hx-get="{story.get_absolute_url()}?before={page.older.token()}"' in response.text
    assert "?timeline=all" in response.text


def _full_story(client, commitment) -> list[str]:
    response = client.get(commitment.get_absolute_url(), {"timeline": "all"})
    assert response.context["timeline_page"].older is None
    return _lines(response.text)


def test_following_show_older_without_javascript_tells_the_whole_story_once(client, editor, story):
    client.force_login(editor)
    everything = _full_story(client, story)
    told, url = [], story.get_absolute_url()
    while url:
        html = client.get(url).text
        told += _lines(html)
        url = _older_link(html)
    assert told == everything
    # Three follow-ups, 130 entries and 1 + 70 / 3 + 60 / 3 changes of the next step.
    assert len(everything) == 3 + 131 + 24 + 20


def test_show_older_with_htmx_adds_lines_and_replaces_its_control(client, editor, story):
    client.force_login(editor)
    everything = _full_story(client, story)
    html = client.get(story.get_absolute_url()).text
    told, link = _lines(html), _older_link(html)
    while link:
        fragment = client.get(link, **HTMX)
        assert fragment.templates[0].name == "tracker/_timeline.html"
        assert '<ol class="timeline"' not in fragment.text
        assert 'id="timeline-more" hx-swap-oob="true"' in fragment.text
        told += _lines(fragment.text)
        link = _older_link(fragment.text)
    assert told == everything


@pytest.mark.parametrize("token", ["junk", "1.2", "9" * 80, "99999999999999999999999.2.1"])
def test_an_unreadable_start_shows_the_newest(client, editor, story, token):
    client.force_login(editor)
    response = client.get(story.get_absolute_url(), {"before": token})
    assert response.status_code == 200
    assert response.context["timeline_page"].before is None
    assert _lines(response.text) == _full_story(client, story)[:TIMELINE_PAGE_SIZE]


def test_a_short_story_has_no_show_older(client, editor, commitment):
    client.force_login(editor)
    response = client.get(commitment.get_absolute_url())
    assert response.context["timeline_page"].older is None
    assert "Show older" not in response.text
    assert len(_lines(response.text)) == 1


def test_keys_survive_their_token():
    at = datetime.datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    key = TimelineKey(at, 2, 41)
    assert TimelineKey.from_token(key.token()) == key


def test_a_journal_entry_is_still_append_only(commitment):
    # The time is kept on the commitment's row, never by rewriting an entry.
    with pytest.raises(TypeError):
        StatusUpdate.objects.filter(commitment=commitment).update(note="x")


# The list's filter form ------------------------------------------------------------------------


HOSTILE_LABELS = ['<script>alert("x")</script>', 'O\'Brien & "Sons"', "日米 2+2", "\u3000"]


@pytest.mark.parametrize("value", ["", "2", "<b>"])
def test_the_quick_select_writes_what_djangos_select_writes(value):
    choices = [
        ("", "Any"),
        *((str(n), label) for n, label in enumerate(HOSTILE_LABELS)),
        ("<b>", "b"),
    ]
    attrs = {"id": "id_x", "class": 'c"q', "data-x": "<>"}
    quick = QuickSelect(attrs=attrs, choices=choices).render("x", value)
    django = forms.Select(attrs=attrs, choices=choices).render("x", value)
    assert parse_html(quick) == parse_html(django)
    assert "<script>" not in quick


INPUT_WIDGETS = [
    forms.TextInput(attrs={"maxlength": 200, "placeholder": "Search… (/)"}),
    forms.SearchInput(attrs={"hx-get": "/x/?a=1&b=2", "autocomplete": "off"}),
    forms.NumberInput(attrs={"min": 0, "max": 3660}),
    forms.CheckboxInput(),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.URLInput(),
    forms.EmailInput(),
    forms.PasswordInput(render_value=True),
    forms.Textarea(attrs={"rows": 2}),
]
HOSTILE_VALUES = [
    *(None, "", 0, 7, True, False),
    *(*HOSTILE_LABELS, "a\x00b\x1b", "\r\nline\n", "x" * 5000),
]


@pytest.mark.parametrize("widget", INPUT_WIDGETS, ids=lambda widget: type(widget).__name__)
def test_the_quick_renderer_writes_what_djangos_templates_write(widget):
    """The same characters, not only the same HTML: every attribute in its order, True as a bare
    name, False left out, every value escaped once (a value already marked safe is not)."""
    attrs = {"id": "id_x", "required": True, "disabled": False, "class": 'c"q', "data-x": "<>"}
    quick, django = QuickRenderer(), DjangoTemplates()
    for value in [*HOSTILE_VALUES, mark_safe("<b>safe</b>")]:  # noqa: S308 - the case tested
        for extra in (None, attrs):
            written = widget.render('na"me', value, extra, quick)
            assert written == widget.render('na"me', value, extra, django)
            assert "<script>" not in written


def test_no_installed_app_overrides_the_templates_the_renderer_writes_itself():
    """The renderer writes Django's own input and text area templates: an app that shipped its
    own would be ignored, so none may."""
    django_forms = Path(forms.__file__).resolve().parent
    for name in [*INPUT_TEMPLATES, TEXTAREA_TEMPLATE]:
        origin = Path(DjangoTemplates().get_template(name).origin.name).resolve()
        assert origin.is_relative_to(django_forms), origin


def test_the_list_renders_no_input_template(client, editor):
    """The setting is in force: the list's text, number and tick boxes are written by the
    renderer, not by a template each (Django's test client records every template rendered)."""
    client.force_login(editor)
    filters = {"q": "x", "due_within": "3", "overdue": "on"}
    response = client.get(reverse("commitment-list"), filters)
    assert 'name="q" value="x"' in response.text
    assert 'name="overdue" id="id_overdue" checked' in response.text
    rendered = {template.name for template in response.templates}
    assert "tracker/commitment_list.html" in rendered
    assert not {name for name in rendered if name.startswith("django/forms/widgets/")}


def _select(response, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', response.content.decode(), re.S)[0]


def test_the_filter_form_reads_its_meetings_and_owners_without_reading_every_commitment(
    client, editor
):
    """The choices are the meetings and owners some commitment names, found by a semi-join,
    without the meetings' long texts."""
    named = CommitmentFactory(owner=UserFactory(first_name="Kenji", last_name="Sato"))
    unnamed = MeetingFactory(title="A meeting nobody committed to")
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("commitment-list"))
    meetings, owners = (_select(response, name) for name in ("meeting", "owner"))
    assert f'<option value="{named.origin_meeting_id}">' in meetings
    assert f'<option value="{unnamed.pk}">' not in meetings
    assert f'<option value="{named.owner_id}">Kenji Sato</option>' in owners
    meeting_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "tracker_meeting"' in q["sql"]
    ]
    assert meeting_reads and all("EXISTS" in sql for sql in meeting_reads)
    assert not [sql for sql in meeting_reads if "readout_text" in sql]
    assert not [
        q["sql"]
        for q in queries.captured_queries
        if "readout_text" in q["sql"] and "tracker_commitment" in q["sql"]
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner and partial indexes")
@pytest.mark.parametrize("section", ["overdue", "due_soon"])
def test_sqlite_reads_the_dashboards_dated_lists_off_the_partial_index_of_open_items(section):
    """The dashboard lists the first ten open items by target date. SQLite can walk the partial
    index of open items in that order and stop at ten only if the query's condition is spelled
    as the index's, statuses written out: with bound statuses it sorted every open item first."""
    today = timezone.localdate()
    for days in range(-10, 20):
        CommitmentFactory(target_date=today + datetime.timedelta(days=days))
    CommitmentFactory.create_batch(5, status=Status.COMPLETED)
    refresh_query_statistics(run=None)  # as the nightly job leaves the database
    sections = Commitment.objects.for_dashboard().attention_sections(
        now=timezone.now(), today=today, due_soon_days=14
    )
    plan = sections[section][:10].explain()
    assert "USING INDEX commitment_open_target" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("codes", [[], ["open'; DROP TABLE x; --"], ["In_progress"], [1]])
def test_the_written_out_status_list_takes_choice_codes_only(codes):
    with pytest.raises(ValueError, match="choice codes only"):
        str(Commitment.objects.filter(status__in_codes=codes).query)
