import datetime
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms as django_forms
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParticipationFactory,
    PersonFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker import services
from tracker.forms import FollowUpForm, ReassignForm, StatusUpdateForm
from tracker.middleware import LAST_SEEN_KEY
from tracker.models import Commitment, Confidence, FollowUp, FollowUpOutcome, Status
from tracker.timeline import TIMELINE_PAGE_SIZE
from tracker.views.workspace import SECTION_SIZE

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _set_status(commitment, user, **changes):
    """The service as a form calls it: based on the version the editor loaded."""
    return services.commitment_set_status(
        commitment=commitment, expected_version=commitment.version, user=user, **changes
    )


@pytest.fixture
def commitment(division, editor):
    return CommitmentFactory(
        title="Implement strong sanction measures against Russia",
        lead_division=division,
        status=Status.IN_PROGRESS,
    )


# Dashboard ----------------------------------------------------------------------------------------


def test_dashboard_sections(editor_client, editor, division):
    today = timezone.localdate()
    mine = CommitmentFactory(
        title="Mine and due soon",
        lead_division=division,
        target_date=today + datetime.timedelta(days=3),
    )
    CommitmentFactory(title="Overdue item", target_date=today - datetime.timedelta(days=1))
    CommitmentFactory(title="Red item", confidence=Confidence.RED)
    MeetingFactory(title="Upcoming 2+2", starts_at=timezone.now() + datetime.timedelta(days=10))
    _set_status(
        mine,
        editor,
        status="in_progress",
        note="Kick-off held.",
    )
    response = editor_client.get(reverse("dashboard"))
    assert response.status_code == 200
    sections = response.context
    assert [c.title for c in sections["mine"]] == ["Mine and due soon"]
    assert [c.title for c in sections["overdue"]] == ["Overdue item"]
    assert [c.title for c in sections["due_soon"]] == ["Mine and due soon"]
    assert [c.title for c in sections["red"]] == ["Red item"]
    assert "Upcoming 2+2" in response.text
    assert "Kick-off held." in response.text  # recent activity in my divisions


def test_dashboard_activity_shows_each_entry_as_it_stands_now(editor_client, editor, division):
    """The activity's entries come from the row store: a renamed commitment shows its new title
    on the next load, not the one its entry was first shown with; the note stays text."""
    commitment = CommitmentFactory(title="Old title", lead_division=division)
    _set_status(commitment, editor, status="in_progress", note="<b>Kick-off</b> held.")

    def activity() -> str:
        page = editor_client.get(reverse("dashboard")).text
        return page[page.index('id="activity-heading"') :]

    assert "Old title" in activity()
    assert "&lt;b&gt;Kick-off&lt;/b&gt; held." in activity()
    commitment.refresh_from_db()
    services.commitment_edit(
        commitment=commitment,
        user=editor,
        data={"title": "New title"},
        expected_version=commitment.version,
    )
    assert "New title" in activity()
    assert "Old title" not in activity()


def test_dashboard_stale_lists_items_without_update_for_14_days(editor_client, editor):
    old = CommitmentFactory(
        title="Forgotten", created_at=timezone.now() - datetime.timedelta(days=30)
    )
    fresh = CommitmentFactory(title="Fresh")
    response = editor_client.get(reverse("dashboard"))
    stale = [c.title for c in response.context["stale"]]
    assert old.title in stale
    assert fresh.title not in stale


def test_dashboard_counts_by_status_and_theme(editor_client):
    theme = ThemeFactory(name="North Korea")
    CommitmentFactory.create_batch(2, themes=[theme])
    CommitmentFactory(status=Status.STALLED)
    response = editor_client.get(reverse("dashboard"))
    counts = dict(response.context["by_status"])
    assert counts[Status.NOT_STARTED] == 2
    assert counts[Status.STALLED] == 1
    assert {t.name: t.n for t in response.context["by_theme"]}["North Korea"] == 2
    assert 'value="2"' in response.text  # the bar itself


def test_dashboard_theme_chart_counts_open_items_and_lists_every_theme(editor_client):
    busy = ThemeFactory(name="Security and defence")
    quiet = ThemeFactory(name="Economic order")
    empty = ThemeFactory(name="Abductions issue")
    climate = ThemeFactory(name="Climate")
    CommitmentFactory.create_batch(3, themes=[busy])
    CommitmentFactory(themes=[climate])
    CommitmentFactory(themes=[busy, quiet], status=Status.STALLED)
    # Neither closed nor archived items count.
    CommitmentFactory(themes=[quiet], status=Status.COMPLETED)
    CommitmentFactory(themes=[busy, quiet], is_archived=True)
    response = editor_client.get(reverse("dashboard"))
    chart = [(theme.name, theme.n) for theme in response.context["by_theme"]]
    # The busiest first; a theme without open items too, in name order among equals.
    assert chart == [
        ("Security and defence", 4),
        ("Climate", 1),
        ("Economic order", 1),
        ("Abductions issue", 0),
    ]
    assert response.context["theme_max"] == 4
    page = response.text
    assert f'href="{reverse("commitment-list")}?status=open&amp;theme={empty.pk}"' in page


def test_dashboard_boxes_count_the_items_their_sections_list(editor_client):
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=40)
    CommitmentFactory(target_date=today - datetime.timedelta(days=1), confidence=Confidence.RED)
    CommitmentFactory(target_date=today + datetime.timedelta(days=3))
    CommitmentFactory(target_date=today + datetime.timedelta(days=30), last_update_at=long_ago)
    CommitmentFactory(target_date=today - datetime.timedelta(days=9), status=Status.COMPLETED)
    CommitmentFactory(target_date=today - datetime.timedelta(days=9), is_archived=True)
    response = editor_client.get(reverse("dashboard"))
    counts = response.context["counts"]
    sections = Commitment.objects.attention_sections(
        now=timezone.now(), today=today, due_soon_days=14
    )
    assert counts == {name: items.count() for name, items in sections.items()}
    assert counts["overdue"] == 1 and counts["due_soon"] == 1 and counts["red"] == 1
    statuses = dict(response.context["by_status"])
    assert statuses[Status.COMPLETED] == 1 and sum(statuses.values()) == 4


def test_dashboard_cards_show_their_first_items_and_link_to_all_of_them(editor_client, editor):
    today = timezone.localdate()
    for day in range(12):
        CommitmentFactory(target_date=today - datetime.timedelta(days=day + 1), owner=editor)
    CommitmentFactory(target_date=today + datetime.timedelta(days=3), owner=editor)
    response = editor_client.get(reverse("dashboard"))
    page = response.text
    overdue = page[page.index('id="overdue-heading"') : page.index('id="due_soon-heading"')]
    assert overdue.count("<tr>") - 1 == SECTION_SIZE  # the rows, under their heading row
    link = reverse("commitment-list") + "?overdue=on&amp;status=open"
    assert f'<a href="{link}">All 12 in the list →</a>' in overdue
    # The list behind the link holds the 12 the card counts.
    listed = editor_client.get(unescape(link))
    assert listed.context["page"].paginator.count == 12
    # One item due soon: all of it is on the card, no link.
    due_soon = page[page.index('id="due_soon-heading"') : page.index('id="stale-heading"')]
    assert "in the list" not in due_soon
    mine = page[page.index('id="mine-heading"') : page.index('id="overdue-heading"')]
    assert f"?status=open&amp;owner={editor.pk}&amp;sort=target" in mine
    assert "Open commitments I own, in the list →" in mine
    japanese = editor_client.get(reverse("dashboard"), headers={"accept-language": "ja"}).text
    assert "一覧で全12件を見る →" in japanese


@pytest.mark.parametrize("rows", [3, 30])
def test_dashboard_query_count_is_pinned(editor_client, rows, django_assert_num_queries, division):
    for _ in range(rows):
        CommitmentFactory(
            lead_division=division,
            owner=UserFactory(),
            themes=[ThemeFactory()],
            target_date=timezone.localdate(),
        )
    editor_client.get(reverse("dashboard"))
    with django_assert_num_queries(DASHBOARD_QUERIES):
        editor_client.get(reverse("dashboard"))


# Session, user, divisions, roles, model permissions (2), one query per section and chart (two for
# the themes' chart: the counts, then the themes), one pass counting the boxes and the statuses
# together; the header bell's unread COUNT.
DASHBOARD_QUERIES = 17


# List ---------------------------------------------------------------------------------------------


def test_list_filters_and_search(editor_client):
    theme = ThemeFactory(name="Russia / Ukraine")
    wanted = CommitmentFactory(title="Sanctions on Russia", themes=[theme], confidence="red")
    CommitmentFactory(title="Unrelated", confidence="red")
    CommitmentFactory(title="Also Russia but green", themes=[theme])
    url = reverse("commitment-list")
    response = editor_client.get(url, {"theme": theme.pk, "confidence": "red"})
    assert [c.pk for c in response.context["page"].object_list] == [wanted.pk]
    response = editor_client.get(url, {"q": "sanctions"})
    assert [c.pk for c in response.context["page"].object_list] == [wanted.pk]


def test_list_searches_quote_and_notes(editor_client, manager):
    in_quote = CommitmentFactory(quote="They concurred on the realignment plan.")
    in_note = CommitmentFactory()
    _set_status(
        in_note,
        manager,
        status="in_progress",
        note="Discussed realignment.",
    )
    CommitmentFactory()
    response = editor_client.get(reverse("commitment-list"), {"q": "realignment"})
    assert {c.pk for c in response.context["page"].object_list} == {in_quote.pk, in_note.pk}


def test_list_overdue_filter_and_sort(editor_client):
    today = timezone.localdate()
    late = CommitmentFactory(target_date=today - datetime.timedelta(days=5))
    later = CommitmentFactory(target_date=today - datetime.timedelta(days=1))
    CommitmentFactory(target_date=today + datetime.timedelta(days=5))
    CommitmentFactory(target_date=today - datetime.timedelta(days=9), status=Status.COMPLETED)
    response = editor_client.get(reverse("commitment-list"), {"overdue": "on", "sort": "-target"})
    assert [c.pk for c in response.context["page"].object_list] == [later.pk, late.pk]


def test_list_htmx_returns_only_the_table(editor_client, commitment):
    response = editor_client.get(reverse("commitment-list"), {"status": "open"}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="commitment-table"')
    assert "<html" not in response.text
    assert commitment.title in response.text


def test_list_says_when_nothing_matches(editor_client, commitment):
    response = editor_client.get(reverse("commitment-list"), {"q": "no such thing"})
    assert "No commitment matches these filters." in response.text


def test_list_invalid_filter_value_is_shown_not_a_500(editor_client, commitment):
    response = editor_client.get(reverse("commitment-list"), {"theme": "999999", "page": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_list_paginates(editor_client):
    meeting = MeetingFactory()
    CommitmentFactory.create_batch(51, origin_meeting=meeting)
    response = editor_client.get(reverse("commitment-list"), {"page": 2})
    assert len(response.context["page"].object_list) == 1
    assert "Page 2 of 2" in response.text


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_is_pinned(editor_client, rows, django_assert_num_queries):
    for _ in range(rows):
        CommitmentFactory(
            owner=UserFactory(),
            lead_division=DivisionFactory(),
            themes=[ThemeFactory()],
            origin_meeting=MeetingFactory(),
        )
    editor_client.get(reverse("commitment-list"))
    with django_assert_num_queries(LIST_QUERIES):
        editor_client.get(reverse("commitment-list"))


# Session, user, roles and permissions, count, page, the page's themes (parties are not shown),
# the filters' choices; the header bell's unread COUNT.
LIST_QUERIES = 14


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def test_list_says_that_it_answers_htmx_differently(editor_client, commitment):
    """Without Vary the browser's Back serves the table fragment it cached for the same URL."""
    url = reverse("commitment-list")
    page = editor_client.get(url, {"status": "open"})
    fragment = editor_client.get(url, {"status": "open"}, **HTMX)
    assert "<html" in page.text and "<html" not in fragment.text
    for response in (page, fragment):
        assert {"hx-request", "hx-history-restore-request"} <= _vary(response)


def test_list_answers_a_history_restore_with_the_whole_page(editor_client, commitment):
    """htmx asks the server on a history-cache miss and swaps the answer in for the whole body."""
    response = editor_client.get(
        reverse("commitment-list"),
        {"status": "open", "sort": "-target"},
        **HTMX,
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.text
    assert "<html" in text and 'class="site-header"' in text
    # The filters show the restored address, not the ones of the page left.
    assert '<option value="open" selected>' in text
    assert '<option value="-target" selected>' in text
    assert commitment.title in text
    assert "HX-Push-Url" not in response.headers


def test_list_pushes_an_address_without_empty_parameters(editor_client):
    theme = ThemeFactory()
    CommitmentFactory.create_batch(51, origin_meeting=MeetingFactory(), themes=[theme])
    url = reverse("commitment-list")
    everything_empty = {
        "q": "  ",
        "status": "",
        "confidence": "",
        "theme": "",
        "division": "",
        "owner": "",
        "meeting": "",
        "party": "",
        "sort": "meeting",
    }
    response = editor_client.get(url, everything_empty, **HTMX)
    assert response["HX-Push-Url"] == url
    response = editor_client.get(url, {**everything_empty, "theme": theme.pk, "page": "1"}, **HTMX)
    assert response["HX-Push-Url"] == f"{url}?theme={theme.pk}"
    response = editor_client.get(url, {**everything_empty, "sort": "-target", "page": "2"}, **HTMX)
    assert response["HX-Push-Url"] == f"{url}?sort=-target&page=2"
    # The page links carry the same clean query.
    assert 'href="?sort=-target&amp;page=1"' in response.text
    # A page number that is no page is not kept: the list shows, and the address says, page 1.
    response = editor_client.get(url, {"theme": theme.pk, "page": "x"}, **HTMX)
    assert response["HX-Push-Url"] == f"{url}?theme={theme.pk}"


@pytest.mark.parametrize(
    "text", ["日本語 & sort=-target#x", "tab\tvertical\x0bbell\x07", "%00%2e%2e/", "x" * 5_000]
)
def test_list_pushed_address_keeps_any_search_text_intact(editor_client, commitment, text):
    response = editor_client.get(reverse("commitment-list"), {"q": text, "status": ""}, **HTMX)
    assert response.status_code == 200
    pushed = response["HX-Push-Url"]
    assert pushed.isascii() and not any(ord(c) < 32 for c in pushed)
    assert parse_qs(urlsplit(pushed).query) == {"q": [text]}


def _row_titles(response) -> list[str]:
    return [c.title for c in response.context["page"].object_list]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("target", ["overdue", "due later", "undated"]),
        ("-target", ["due later", "overdue", "undated"]),
    ],
)
def test_list_sorts_undated_items_last_in_both_directions(editor_client, sort, expected):
    today = timezone.localdate()
    meeting = MeetingFactory()
    # Created first, so that the tie-break on pk cannot put it last by chance.
    CommitmentFactory(title="undated", origin_meeting=meeting)
    CommitmentFactory(
        title="due later", origin_meeting=meeting, target_date=today + datetime.timedelta(days=30)
    )
    CommitmentFactory(
        title="overdue", origin_meeting=meeting, target_date=today - datetime.timedelta(days=3)
    )
    response = editor_client.get(reverse("commitment-list"), {"sort": sort})
    assert _row_titles(response) == expected


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("updated", ["older", "newer", "never updated"]),
        ("-updated", ["newer", "older", "never updated"]),
    ],
)
def test_list_sorts_items_never_updated_last_in_both_directions(editor_client, sort, expected):
    meeting = MeetingFactory()
    # Made without the service, so without the opening journal entry: no last update at all.
    Commitment.objects.create(
        origin_meeting=meeting, title="never updated", quote="q", lead_division=DivisionFactory()
    )
    CommitmentFactory(title="older", origin_meeting=meeting)
    CommitmentFactory(title="newer", origin_meeting=meeting)
    response = editor_client.get(reverse("commitment-list"), {"sort": sort})
    assert _row_titles(response) == expected


def test_list_sorts_status_in_lifecycle_order(editor_client):
    meeting = MeetingFactory()
    for status in (Status.COMPLETED, Status.NOT_STARTED, Status.STALLED, Status.IN_PROGRESS):
        CommitmentFactory(title=status.label, origin_meeting=meeting, status=status)
    response = editor_client.get(reverse("commitment-list"), {"sort": "status"})
    assert _row_titles(response) == ["Not started", "In progress", "Stalled", "Completed"]
    response = editor_client.get(reverse("commitment-list"), {"sort": "-status"})
    assert _row_titles(response) == ["Completed", "Stalled", "In progress", "Not started"]


SORT_HEADING = re.compile(
    r'<th scope="col"(?: aria-sort="(?P<direction>\w+)")?><a id="sort-(?P<column>\w+)" '
    r'class="sort-link" href="(?P<href>[^"]+)" hx-get="(?P<hx_get>[^"]+)"'
)


def _headings(response) -> dict[str, tuple[str, str]]:
    found = {}
    for match in SORT_HEADING.finditer(response.text):
        assert match["href"] == match["hx_get"]
        found[match["column"]] = (match["direction"] or "", unescape(match["href"]))
    return found


def test_list_column_headings_sort_keeping_the_filters(editor_client, commitment):
    url = reverse("commitment-list")
    response = editor_client.get(url, {"status": "open", "q": "", "sort": "target", "page": "2"})
    headings = _headings(response)
    assert set(headings) == {"meeting", "status", "target", "updated"}
    # The sorted column says so; following it reverses the order, back on page 1, filters kept.
    assert headings["target"] == ("ascending", f"{url}?status=open&sort=-target")
    # Another column starts in its own first direction; the default sort leaves no parameter.
    assert headings["meeting"] == ("", f"{url}?status=open")
    assert headings["updated"] == ("", f"{url}?status=open&sort=-updated")
    headings = _headings(editor_client.get(url, {"status": "open", "sort": "-target"}))
    assert headings["target"] == ("descending", f"{url}?status=open&sort=target")
    # With no sort in the address, the list is in origin-meeting order, and says so.
    headings = _headings(editor_client.get(url))
    assert headings["meeting"] == ("ascending", f"{url}?sort=-meeting")
    assert [d for d, _ in headings.values()].count("") == 3


def test_user_text_is_escaped(editor_client):
    CommitmentFactory(title='<script>alert("x")</script>')
    response = editor_client.get(reverse("commitment-list"))
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text


# Commitment page ----------------------------------------------------------------------------------


def test_detail_shows_quote_fields_and_timeline(editor_client, editor, commitment):
    later = MeetingFactory(
        title="Security Consultative Committee",
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=40),
    )
    services.followup_record(
        commitment=commitment,
        meeting=later,
        user=editor,
        outcome="reaffirmed",
        note="Restated at the 2+2.",
    )
    _set_status(
        commitment,
        editor,
        status="in_progress",
        fields={"next_step": "Draft the package"},
        note="",
    )
    response = editor_client.get(commitment.get_absolute_url())
    text = response.text
    assert commitment.quote in text
    assert commitment.origin_meeting.get_absolute_url() in text
    assert "Security Consultative Committee" in text
    assert "Restated at the 2+2." in text
    assert "Next step: — → Draft the package" in text  # a field change from the history
    kinds = [entry.kind for entry in response.context["timeline"]]
    assert {"update", "followup", "change"} <= set(kinds)
    times = [entry.at for entry in response.context["timeline"]]
    assert times == sorted(times, reverse=True)


def test_detail_offers_only_allowed_transitions(editor_client, division):
    closed = CommitmentFactory(lead_division=division, status=Status.COMPLETED)
    response = editor_client.get(closed.get_absolute_url())
    choices = [value for value, _ in response.context["form"].fields["status"].widget.choices]
    assert choices == [Status.IN_PROGRESS, Status.COMPLETED]
    assert '<option value="stalled"' not in response.text


def test_viewer_sees_no_update_form(client, viewer, commitment):
    client.force_login(viewer)
    response = client.get(commitment.get_absolute_url())
    assert response.context["form"] is None
    assert "Save update" not in response.text
    assert "Link a follow-up meeting" not in response.text


@pytest.mark.parametrize("rows", [20, 1000])
def test_detail_query_count_is_pinned(
    editor_client, editor, commitment, rows, django_assert_num_queries
):
    """A story of 1,000 updates costs the page what one of 20 does: it shows the newest page."""
    manager = UserFactory(roles=["Manager"])
    for i in range(rows):
        commitment = _set_status(
            commitment,
            manager,
            status="in_progress",
            note=f"Note {i}",
            fields={"next_step": f"Step {i}"},
        )
        if i % 5 == 0:
            FollowUpFactory(
                commitment=commitment,
                meeting=MeetingFactory(
                    starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=i + 1)
                ),
            )
    editor_client.get(commitment.get_absolute_url())
    with django_assert_num_queries(DETAIL_QUERIES):
        response = editor_client.get(commitment.get_absolute_url())
    # The opening entry, one entry and one change a row, a follow-up every fifth row.
    assert len(response.context["timeline"]) == min(1 + rows * 2 + rows // 5, TIMELINE_PAGE_SIZE)
    older = response.context["timeline_page"].older
    if older is not None:
        with django_assert_num_queries(DETAIL_OLDER_QUERIES):
            editor_client.get(commitment.get_absolute_url(), {"before": older.token()}, **HTMX)


# Session, user, roles, divisions, the commitment with themes, parties and follow-ups, journal,
# history, related names for history changes, and the meeting list for the aside; the header
# bell's unread COUNT and whether the reader watches it (the Watch button).
DETAIL_QUERIES = 14
# The lines "Show older" adds: session, user, roles, the commitment with themes, parties and
# follow-ups, a page of the journal and of the history.
DETAIL_OLDER_QUERIES = 8


# In-place update ----------------------------------------------------------------------------------


def _update_data(commitment, **overrides):
    return {
        "status": commitment.status,
        "confidence": commitment.confidence,
        "next_step": commitment.next_step,
        "target_date": "",
        "target_date_reason": "",
        "next_review_date": "",
        "note": "",
        "evidence_url": "",
        "loaded_version": commitment.version,
        **overrides,
    }


def test_update_in_place_returns_card_and_grown_timeline(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(
        url,
        _update_data(
            commitment,
            confidence="amber",
            note="G7 partners hesitate.",
            target_date="2027-03-31",
            evidence_url="https://www.mofa.go.jp/x",
        ),
        **HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="progress">')
    assert "G7 partners hesitate." in response.text
    assert "Amber — at risk" in response.text
    commitment.refresh_from_db()
    assert commitment.confidence == "amber"
    assert commitment.target_date == datetime.date(2027, 3, 31)
    assert commitment.status_updates.latest().evidence_url == "https://www.mofa.go.jp/x"


def test_update_in_place_says_saved_there_and_not_on_the_next_page(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, note="Briefed."), **HTMX)
    assert re.search(
        r'<p class="[^"]*" id="save-status" role="status">Update saved.</p>', response.text
    )
    # The card that now shows the saved state is described by the message, for the focus.
    assert 'aria-describedby="save-status"' in response.text
    # The message was given in place: the next page opened does not say it again.
    assert "Update saved." not in editor_client.get(reverse("dashboard")).text


def test_update_without_js_says_saved_on_the_page_it_returns_to(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, note="Plain."), follow=True)
    assert 'role="status"' in response.text and "Update saved." in response.text


@pytest.mark.parametrize("rows", [2, 20])
def test_status_change_query_count_is_pinned(
    editor_client, commitment, rows, django_assert_num_queries
):
    """The save through the htmx endpoint, and the card it answers with, in constant queries."""
    for i in range(rows):
        FollowUpFactory(
            commitment=commitment,
            meeting=MeetingFactory(
                starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=i + 1)
            ),
        )
        commitment = _set_status(
            commitment,
            UserFactory(roles=["Manager"]),
            status="in_progress",
            note=f"Note {i}",
            fields={"next_step": f"Step {i}"},
        )
    url = reverse("commitment-update", args=[commitment.pk])
    editor_client.get(commitment.get_absolute_url())
    with django_assert_num_queries(STATUS_CHANGE_QUERIES):
        response = editor_client.post(
            url, _update_data(commitment, confidence="amber", note="Briefed."), **HTMX
        )
    assert response.status_code == 200 and "Update saved." in response.text
    commitment.refresh_from_db()
    assert commitment.confidence == "amber"
    assert commitment.status_updates.latest().note == "Briefed."


# Session, user, roles, divisions and the commitment (with themes, parties, follow-ups); the
# save: savepoint, row lock, four foreign-key checks of full_clean, the row (with its last update
# time), its history row and m2m snapshot (2), the journal entry, its note added to the search
# document, the re-read, release; then the card: the commitment with themes, parties and
# follow-ups, journal, history, and the names in its changes. The notification of the move: who
# hears of it (one query; here nobody but the editor, who made it, so no INSERT). The journal
# chain's seal of the entry: lock the head, insert the link, move the head (3).
STATUS_CHANGE_QUERIES = 32


def _expire_idle(client) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 61
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_idle_session_save_in_place_is_told_the_session_ended(editor_client, commitment):
    """Not the log-in page swapped into the commitment page: a message for the alert region."""
    _expire_idle(editor_client)
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, note="Typed for an hour."), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#session-alert"
    assert response["HX-Reswap"] == "innerHTML"
    assert "no-store" in response["Cache-Control"]
    text = response.text
    assert "Your session has ended, so your update was not saved." in text
    assert f'<a href="{reverse("login")}" target="_blank" rel="noopener"' in text
    assert 'name="password"' not in text and "<html" not in text
    assert commitment.status_updates.count() == 1
    # The session is really over: the next request is refused as well.
    again = editor_client.post(url, _update_data(commitment, note="Again."), **HTMX)
    assert again["HX-Retarget"] == "#session-alert"
    assert commitment.status_updates.count() == 1


def test_session_deleted_on_the_server_is_told_in_place_too(editor_client, commitment):
    Session.objects.all().delete()
    url = reverse("commitment-list")
    response = editor_client.get(url, {"status": "open"}, **HTMX)
    assert response["HX-Retarget"] == "#session-alert"
    # The filter was not applied, so the address must not change to it.
    assert response["HX-Push-Url"] == "false"
    assert "Your session has ended." in response.text
    assert commitment.title not in response.text


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_idle_session_without_htmx_still_goes_to_the_login_page(editor_client, commitment):
    _expire_idle(editor_client)
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, note="x"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # A history restore swaps its answer in for the whole page: the log-in page is right there.
    Session.objects.all().delete()
    response = editor_client.get(
        reverse("commitment-list"), **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert response.status_code == 302
    assert "HX-Retarget" not in response.headers


def test_logging_out_is_not_mistaken_for_a_session_that_ended(editor_client):
    response = editor_client.post(reverse("logout"), **HTMX)
    assert "HX-Retarget" not in response.headers


def test_update_without_js_redirects(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, note="Plain form."))
    assert response.status_code == 302
    assert response["Location"] == commitment.get_absolute_url()


def test_update_move_needing_a_note_shows_error_next_to_the_field(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(url, _update_data(commitment, status="stalled"), **HTMX)
    assert response.status_code == 200
    assert 'id="id_note_error"' in response.text
    assert "needs a note" in response.text
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_update_refuses_a_status_not_offered(editor_client, division):
    closed = CommitmentFactory(lead_division=division, status=Status.COMPLETED)
    url = reverse("commitment-update", args=[closed.pk])
    response = editor_client.post(url, _update_data(closed, status="stalled", note="x"), **HTMX)
    assert "cannot move from “Completed” to “Stalled”" in response.text
    closed.refresh_from_db()
    assert closed.status == Status.COMPLETED


def test_update_invalid_date_and_url_are_field_errors(editor_client, commitment):
    url = reverse("commitment-update", args=[commitment.pk])
    response = editor_client.post(
        url, _update_data(commitment, target_date="31/31/2027", evidence_url="not a url"), **HTMX
    )
    assert 'id="id_target_date_error"' in response.text
    assert 'id="id_evidence_url_error"' in response.text


def test_two_editors_no_lost_update(client, django_user_model, division, commitment):
    """The second save is refused, shows what the first changed, keeps what the second typed."""
    first = UserFactory(username="first", roles=["Editor"], divisions=[division])
    second = UserFactory(username="second", roles=["Editor"], divisions=[division])
    from django.test import Client

    first_client, second_client = Client(), Client()
    first_client.force_login(first)
    second_client.force_login(second)
    url = reverse("commitment-update", args=[commitment.pk])
    # Both open the page at the same version.
    loaded = _update_data(commitment)
    first_client.post(url, {**loaded, "status": "ongoing", "note": "Standing commitment now."})
    response = second_client.post(
        url, {**loaded, "confidence": "red", "note": "Russia is evading sanctions."}, **HTMX
    )
    assert response.status_code == 200
    text = response.text
    assert "Someone else saved this commitment" in text
    assert "Ongoing" in text and "In progress" in text  # what the first person changed
    assert "Russia is evading sanctions." in text  # what the second typed is kept
    commitment.refresh_from_db()
    assert commitment.status == Status.ONGOING
    assert commitment.confidence == Confidence.GREEN
    assert commitment.status_updates.count() == 2
    # Saving again re-applies the second person's change on top of the first's.
    form = response.context["form"]
    again = {name: form.data.get(name, "") for name in loaded}
    assert int(again["loaded_version"]) == commitment.version
    second_client.post(url, again, **HTMX)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.confidence) == (Status.ONGOING, Confidence.RED)
    assert commitment.status_updates.latest().note == "Russia is evading sanctions."


def test_conflict_without_js_answers_409(client, division, commitment, manager):
    editor = UserFactory(roles=["Editor"], divisions=[division])
    client.force_login(editor)
    loaded = _update_data(commitment)
    _set_status(
        commitment,
        manager,
        status="ongoing",
        note="x",
    )
    response = client.post(
        reverse("commitment-update", args=[commitment.pk]), {**loaded, "note": "mine"}
    )
    assert response.status_code == 409
    assert "Someone else saved this commitment" in response.text


# Follow-ups ---------------------------------------------------------------------------------------


def test_link_followup(editor_client, commitment):
    later = MeetingFactory(
        title="Japan-U.S. Summit Meeting",
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=5),
    )
    page = editor_client.get(reverse("followup-create", args=[commitment.pk]), {"q": "Summit"})
    assert "Japan-U.S. Summit Meeting" in page.text
    response = editor_client.post(
        reverse("followup-create", args=[commitment.pk]),
        {"meeting": later.pk, "outcome": "advanced", "note": "Leaders endorsed the package."},
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(commitment=commitment)
    assert (follow_up.meeting, follow_up.outcome) == (later, "advanced")


def test_link_followup_htmx_errors_and_redirect(editor_client, commitment):
    url = reverse("followup-create", args=[commitment.pk])
    response = editor_client.post(url, {"outcome": "advanced"}, **HTMX)
    assert "Pick the meeting where it came up." in response.text
    later = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=2)
    )
    response = editor_client.post(url, {"meeting": later.pk, "outcome": "reaffirmed"}, **HTMX)
    assert response["HX-Redirect"] == commitment.get_absolute_url()
    response = editor_client.post(url, {"meeting": later.pk, "outcome": "reaffirmed"}, **HTMX)
    assert "already linked" in response.text


def test_meeting_search_as_you_type(editor_client, commitment):
    MeetingFactory(
        title="Extended Deterrence Dialogue",
        place="Kings Bay",
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=3),
    )
    MeetingFactory(title="G7 Foreign Ministers", starts_at=timezone.now())
    response = editor_client.get(
        reverse("meeting-search"), {"q": "kings", "commitment": commitment.pk}, **HTMX
    )
    assert "Extended Deterrence Dialogue" in response.text
    assert "G7 Foreign Ministers" not in response.text
    assert "<html" not in response.text


# Meetings -----------------------------------------------------------------------------------------


@pytest.fixture
def seed_meeting(db):
    meeting = MeetingFactory(
        title="Japan-U.S. Foreign Ministers’ Meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
        duration_minutes=55,
        place="Washington D.C.",
        readout_text="On July 29, commencing at 1:43 p.m. (local time. ...)",
        series=MeetingSeriesFactory(name="Japan-U.S. Foreign Ministers' Meeting"),
    )
    hayashi = PersonFactory(family_name="Hayashi", given_name="Yoshimasa", family_name_first=True)
    ParticipationFactory(
        meeting=meeting, person=hayashi, title="Minister for Foreign Affairs of Japan"
    )
    return meeting


def test_meeting_page_shows_local_and_japan_time(editor_client, seed_meeting):
    response = editor_client.get(seed_meeting.get_absolute_url())
    text = response.text
    assert "July 29, 2022, 1:43 p.m." in text
    assert "July 30, 2022, 2:43 a.m." in text
    assert "HAYASHI Yoshimasa" in text
    assert "Minister for Foreign Affairs of Japan" in text
    assert "55 minutes" in text
    assert "commencing at 1:43 p.m." in text


def test_meeting_page_lists_commitments_made_and_followed_up(editor_client, seed_meeting):
    made = CommitmentFactory(origin_meeting=seed_meeting, title="Made here")
    other = CommitmentFactory(title="Followed up here")
    FollowUpFactory(commitment=other, meeting=seed_meeting, outcome="reaffirmed")
    text = editor_client.get(seed_meeting.get_absolute_url()).text
    assert made.title in text and other.title in text


def test_meeting_list_search_full_and_fragment(editor_client, seed_meeting):
    MeetingFactory(title="G7 Summit")
    response = editor_client.get(reverse("meeting-list"), {"q": "Foreign Ministers"})
    assert seed_meeting.title in response.text and "G7 Summit" not in response.text
    fragment = editor_client.get(reverse("meeting-list"), {"q": "G7"}, **HTMX)
    assert fragment.text.lstrip().startswith('<div id="meeting-table"')


@pytest.mark.parametrize("rows", [3, 30])
def test_meeting_list_query_count_is_pinned(editor_client, rows, django_assert_num_queries):
    for i in range(rows):
        meeting = MeetingFactory(series=MeetingSeriesFactory() if i % 2 else None)
        CommitmentFactory(origin_meeting=meeting)
        FollowUpFactory(meeting=meeting)
    editor_client.get(reverse("meeting-list"))
    with django_assert_num_queries(MEETING_LIST_QUERIES):
        response = editor_client.get(reverse("meeting-list"))
    # Each follow-up brings the meeting its commitment was made at.
    assert len(response.context["page"].object_list) == min(rows * 2, 50)


# Session, user, roles, model permissions (2) for the menu, the count for the pages, and the
# meetings with their series and counts; the header bell's unread COUNT.
MEETING_LIST_QUERIES = 8


@pytest.mark.parametrize("rows", [2, 20])
def test_meeting_detail_query_count_is_pinned(
    editor_client, seed_meeting, rows, django_assert_num_queries
):
    for i in range(rows):
        ParticipationFactory(meeting=seed_meeting, order=i)
        CommitmentFactory(origin_meeting=seed_meeting, owner=UserFactory())
        FollowUpFactory(meeting=seed_meeting)
    editor_client.get(seed_meeting.get_absolute_url())
    with django_assert_num_queries(MEETING_DETAIL_QUERIES):
        response = editor_client.get(seed_meeting.get_absolute_url())
    assert response.text.count("<li><strong>") == rows + 1


# Session, user, roles, model permissions (2) for the menu, the meeting with its series,
# participants (with person and side), commitments made there and follow-ups there; the header
# bell's unread COUNT.
MEETING_DETAIL_QUERIES = 10


def test_commitment_created_in_japan_shows_no_second_time(editor_client):
    meeting = MeetingFactory(starts_at=aware("2023-04-17 18:25"), time_zone="Asia/Tokyo")
    text = editor_client.get(meeting.get_absolute_url()).text
    assert "April 17, 2023, 6:25 p.m." in text
    assert "(Japan time)" not in text


def test_pages_send_a_strict_content_security_policy(editor_client, commitment):
    response = editor_client.get(commitment.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "style=" not in response.text  # no inline styles anywhere


def test_commitment_model_ordering_is_by_origin(db):
    assert Commitment._meta.ordering[0] == "origin_meeting__starts_at"


def test_page_in_japanese_shows_japanese_labels(client, editor, commitment):
    client.force_login(editor)
    client.cookies["django_language"] = "ja"
    response = client.get(commitment.get_absolute_url())
    text = response.text
    assert '<html lang="ja">' in text
    assert "ダッシュボード" in text  # navigation
    assert "次のステップ" in text  # field label
    assert "進行中" in text  # the status, translated
    assert commitment.title in text  # user data is not translated


def test_japanese_error_message_for_a_missing_note(client, editor, commitment):
    client.force_login(editor)
    client.cookies["django_language"] = "ja"
    response = client.post(
        reverse("commitment-update", args=[commitment.pk]),
        _update_data(commitment, status="stalled"),
        **HTMX,
    )
    assert "理由" in response.text


def test_manager_reassigns_owner_from_the_commitment_page(client, manager, commitment):
    new_owner = UserFactory(username="sato", first_name="Kazuki", last_name="Sato")
    client.force_login(manager)
    page = client.get(commitment.get_absolute_url())
    assert "Kazuki Sato" in page.text  # offered in the reassign form
    response = client.post(
        reverse("commitment-reassign", args=[commitment.pk]),
        {"owner": new_owner.pk, "lead_division": commitment.lead_division_id, "note": "Rotation."},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.owner == new_owner
    assert commitment.status_updates.latest().note == "Rotation."


def test_reassign_form_keeps_only_the_fields_asked_for(manager, division):
    """The admin's bulk action asks for the owner alone; the commitment page for all three."""
    owner = UserFactory(first_name="Haruka", last_name="Tanaka")
    whole = ReassignForm({"owner": owner.pk, "lead_division": division.pk, "note": "Handover."})
    assert whole.is_valid(), whole.errors
    assert whole.cleaned_data == {"owner": owner, "lead_division": division, "note": "Handover."}
    labelled = ReassignForm(fields=("owner",), user_label=lambda first, last, login: f"[{login}]")
    assert list(labelled.fields) == ["owner"]
    assert f">[{owner.username}]<" in str(labelled["owner"])
    owner_only = ReassignForm({"owner": owner.pk, "note": "ignored"}, fields=("owner",))
    assert owner_only.is_valid() and owner_only.cleaned_data == {"owner": owner}


def test_editor_sees_no_reassign_form(editor_client, commitment):
    response = editor_client.get(commitment.get_absolute_url())
    assert response.context["reassign_form"] is None


def test_japanese_interface_uses_japanese_names_of_reference_data(client, editor):
    theme = ThemeFactory(name="North Korea", name_ja="北朝鮮")
    division = DivisionFactory(name="Northeast Asia Division II", name_ja="北東アジア第二課")
    CommitmentFactory(themes=[theme], lead_division=division)
    client.force_login(editor)
    client.cookies["django_language"] = "ja"
    text = client.get(reverse("commitment-list")).text
    assert "北朝鮮" in text and "北東アジア第二課" in text
    client.cookies["django_language"] = "en"
    text = client.get(reverse("commitment-list")).text
    assert "北朝鮮" not in text and "North Korea" in text


def test_dashboard_boxes_count_every_item_beyond_the_listed_ones(editor_client):
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    meeting = MeetingFactory()
    CommitmentFactory.create_batch(23, origin_meeting=meeting, target_date=overdue)
    response = editor_client.get(reverse("dashboard"))
    assert response.context["counts"]["overdue"] == 23
    assert len(response.context["overdue"]) == SECTION_SIZE
    assert "<strong>23</strong>" in response.text


# Every count on the dashboard lists exactly its items -------------------------------------------

STAT_LINK = re.compile(r'<a class="stat" href="([^"]+)"><strong>(\d+)</strong>')
CHART_LINK = re.compile(
    r'<a class="chart-link" href="([^"]+)">[^<]*</a><progress[^>]*>\d+</progress>'
    r'<span class="num">(\d+)</span>'
)


def test_every_dashboard_count_links_to_a_list_of_exactly_those_items(editor_client, division):
    today = timezone.localdate()
    days = datetime.timedelta
    month_ago = timezone.now() - days(days=30)
    theme, other_theme = ThemeFactory(name="North Korea"), ThemeFactory(name="Abductions")
    for offset in (-40, -3, 0, 5, 14, 15, 60, None):
        CommitmentFactory(
            target_date=None if offset is None else today + days(days=offset),
            themes=[theme],
        )
    # Stale: created a month ago and never updated since; one of them red, one overdue.
    CommitmentFactory.create_batch(3, created_at=month_ago, themes=[other_theme])
    CommitmentFactory(created_at=month_ago, confidence=Confidence.RED)
    CommitmentFactory(created_at=month_ago, target_date=today - days(days=2))
    # Closed, archived: counted by status (closed) or not at all (archived), never as due.
    CommitmentFactory(status=Status.COMPLETED, target_date=today + days(days=2), themes=[theme])
    CommitmentFactory(status=Status.DROPPED, created_at=month_ago, target_date=today)
    CommitmentFactory(is_archived=True, target_date=today + days(days=1), themes=[theme])
    CommitmentFactory(confidence=Confidence.RED, status=Status.STALLED)

    page = editor_client.get(reverse("dashboard")).text
    links = STAT_LINK.findall(page) + CHART_LINK.findall(page)
    # Four boxes, a bar per status, a bar per theme.
    assert len(links) == 4 + len(Status) + 2
    for href, count in links:
        href = unescape(href)
        response = editor_client.get(href)
        assert response.status_code == 200, href
        assert not response.context["form"].errors, href
        assert response.context["page"].paginator.count == int(count), href
    names = ("overdue", "due", "stale", "red")
    boxes = dict(zip(names, [int(count) for _, count in links[:4]], strict=True))
    # Each differs from the 14 open items, so a box linking to all of them cannot pass.
    assert boxes == {"overdue": 3, "due": 3, "stale": 5, "red": 2}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("due_within=99999999999999999999", "less than or equal to 3660"),
        ("due_within=-1", "greater than or equal to 0"),
        ("due_within=soon", "Enter a whole number"),
        ("due_within=%E2%80%AE7", "Enter a whole number"),
    ],
)
def test_a_bad_due_within_is_explained_next_to_the_field(editor_client, query, error):
    CommitmentFactory(target_date=timezone.localdate())
    response = editor_client.get(f"{reverse('commitment-list')}?{query}")
    assert response.status_code == 200
    assert error in str(response.context["form"].errors["due_within"])
    assert error in unescape(response.text)


def test_due_within_and_stale_filters_combine_with_the_others(editor_client, division):
    today = timezone.localdate()
    month_ago = timezone.now() - datetime.timedelta(days=30)
    wanted = CommitmentFactory(
        title="Stale and due", created_at=month_ago, target_date=today, lead_division=division
    )
    CommitmentFactory(title="Stale, due, elsewhere", created_at=month_ago, target_date=today)
    CommitmentFactory(title="Fresh and due", target_date=today, lead_division=division)
    CommitmentFactory(title="Stale, not due", created_at=month_ago, lead_division=division)
    response = editor_client.get(
        reverse("commitment-list"),
        {"due_within": "0", "stale": "on", "division": division.pk},
    )
    assert [c.pk for c in response.context["page"].object_list] == [wanted.pk]


def test_meeting_list_answers_a_history_restore_with_the_whole_page(editor_client):
    url = reverse("meeting-list")
    fragment = editor_client.get(url, {"q": "x"}, **HTMX)
    assert "HX-Request" in fragment["Vary"]
    assert "<header" not in fragment.text
    restored = editor_client.get(
        url, {"q": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<header" in restored.text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_list_forms_labels_are_djangos(editor, language):
    """The filter form and the bulk bar write their labels without a template
    (widgets.QuickBoundField): the same HTML as Django's own label_tag."""
    from django.forms.boundfield import BoundField
    from django.utils import translation

    from tracker.bulk_forms import BulkEditForm
    from tracker.forms import CommitmentFilterForm

    with translation.override(language):
        forms = [
            CommitmentFilterForm(None),
            CommitmentFilterForm({"q": "x\x00", "due_within": "-1", "theme": "99"}),
            BulkEditForm(user=editor),
        ]
        for form in forms:
            for field in form:
                for options in ({}, {"attrs": {"class": "x"}, "label_suffix": ""}):
                    assert str(field.label_tag(**options)) == str(
                        BoundField.label_tag(field, **options)
                    )


def _between_tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_the_commitment_pages_selects_are_written_as_djangos_own(division):
    """The page's selects are written in Python (QuickSelects): the same options, labels,
    escaping and selection as Django's Select template, whitespace between tags aside."""
    owner = UserFactory(first_name='<b>"Ann"</b>', last_name="O'Neil & Co")
    UserFactory(first_name="Kazuki", last_name="Sato")
    commitment = CommitmentFactory(lead_division=division, owner=owner, status=Status.IN_PROGRESS)
    forms_and_fields = [
        (ReassignForm(initial={"owner": owner.pk, "lead_division": division.pk}), "owner"),
        (ReassignForm(initial={"owner": owner.pk, "lead_division": division.pk}), "lead_division"),
        (StatusUpdateForm(commitment=commitment), "status"),
        (FollowUpForm(initial={"outcome": FollowUpOutcome.choices[1][0]}), "outcome"),
    ]
    for form, name in forms_and_fields:
        bound = form[name]
        ours = bound.as_widget()
        djangos = bound.as_widget(widget=django_forms.Select(choices=bound.field.widget.choices))
        assert _between_tags(ours) == _between_tags(djangos), name
        assert " selected>" in ours, name
    assert "&lt;b&gt;&quot;Ann&quot;&lt;/b&gt; O&#x27;Neil &amp; Co</option>" in str(
        forms_and_fields[0][0]["owner"]
    )
