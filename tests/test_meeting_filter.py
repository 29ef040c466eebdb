"""The list's origin-meeting filter offers the newest meetings, not hundreds: "Find a meeting"
narrows the offer, as you type (`commitment-meeting-options`) or when the form is sent."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.factories import CommitmentFactory, MeetingFactory
from tracker import forms

pytestmark = pytest.mark.django_db

OPTIONS_URL = reverse("commitment-meeting-options")
LIST_URL = reverse("commitment-list")


@pytest.fixture
def meetings(monkeypatch):
    """Six meetings with a commitment each, a day apart (the newest last), offered three at a
    time, and one meeting nobody committed to."""
    monkeypatch.setattr(forms, "MEETINGS_OFFERED", 3)
    now = timezone.now()
    made = []
    for n, (title, place) in enumerate(
        [
            ("Foreign Ministers' Meeting", "Tokyo"),
            ("Economic 2+2", "Washington"),
            ("Summit", "Hiroshima"),
            ("Vice-Ministerial Dialogue", "Tokyo"),
            ("Sanctions working group", "Geneva"),
            ("Security Consultative Committee", "Washington"),
        ]
    ):
        meeting = MeetingFactory(
            title=title, place=place, starts_at=now - datetime.timedelta(days=60 - n)
        )
        CommitmentFactory(title=f"Agreed at {title}", origin_meeting=meeting)
        made.append(meeting)
    MeetingFactory(title="Courtesy call in Tokyo", starts_at=now)
    return made


def _select(html: str) -> str:
    return re.search(r'<select name="meeting".*?</select>', html, re.S)[0]


def _offered(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', _select(html))


def _chosen(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)" selected>', _select(html))


def _ids(*meetings) -> list[str]:
    return [str(m.pk) for m in meetings]


def test_the_list_offers_the_newest_meetings_and_the_chosen_one(editor_client, meetings):
    page = editor_client.get(LIST_URL).text
    assert _offered(page) == _ids(*reversed(meetings[3:]))
    assert _chosen(page) == [""]
    # An older meeting, chosen through an address (a shared link, a saved view, the dashboard):
    # offered and shown chosen, and its commitments listed.
    page = editor_client.get(LIST_URL, {"meeting": meetings[0].pk}).text
    assert _offered(page) == _ids(*reversed(meetings[3:]), meetings[0])
    assert _chosen(page) == _ids(meetings[0])
    assert "Agreed at Foreign Ministers" in page and "Agreed at Summit" not in page


def test_finding_a_meeting_without_script_narrows_the_offer_not_the_list(editor_client, meetings):
    page = editor_client.get(LIST_URL, {"meeting_q": "washington"}).text
    # By place, newest first; the meeting nobody committed to is never offered.
    assert _offered(page) == _ids(meetings[5], meetings[1])
    assert 'name="meeting_q" value="washington"' in page
    # The list itself is not filtered by it: every commitment is there.
    assert all(f"Agreed at {escape(m.title)}" in page for m in meetings)
    page = editor_client.get(LIST_URL, {"meeting_q": "Tokyo", "meeting": meetings[1].pk}).text
    # The chosen one among the found, in their order (newest first).
    assert _offered(page) == _ids(meetings[3], meetings[1], meetings[0])
    assert _chosen(page) == _ids(meetings[1])


def test_as_you_type_the_select_comes_back_with_the_found_meetings(editor_client, meetings):
    editor_client.get(OPTIONS_URL)  # the session's first request notes when it was last seen
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(
            OPTIONS_URL,
            {"meeting_q": "2+2", "meeting": meetings[5].pk},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    html = response.text
    assert html.startswith('<select name="meeting" id="id_meeting">') and html.endswith("</select>")
    assert _offered(html) == _ids(meetings[5], meetings[1])
    assert _chosen(html) == _ids(meetings[5])
    # The session, the user, the chosen meeting (cleaned), and the offered ones: nothing else.
    assert len(queries) == 4, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    html = editor_client.get(OPTIONS_URL, {"meeting_q": "no such meeting"}).text
    assert _offered(html) == [] and _chosen(html) == [""]


def test_the_options_need_a_login_and_the_workspace(client, viewer, meetings):
    response = client.get(OPTIONS_URL, {"meeting_q": "Tokyo"})
    assert response.status_code == 302 and "Foreign Ministers" not in response.text
    client.force_login(viewer)
    assert _offered(client.get(OPTIONS_URL, {"meeting_q": "Tokyo"}).text) == _ids(
        meetings[3], meetings[0]
    )


def test_the_options_refuse_posts(editor_client, meetings):
    assert editor_client.post(OPTIONS_URL, {"meeting_q": "Tokyo"}).status_code == 405


@pytest.mark.parametrize(
    "text",
    [
        '"><script>alert(1)</script>',
        "%",
        "_",
        "\\",
        "\x01\x1f\x7f",
        "東京" * 5_000,
        "ｔｏｋｙｏ",
    ],
)
@pytest.mark.parametrize("url", [OPTIONS_URL, LIST_URL])
def test_hostile_text_finds_nothing_it_does_not_contain_and_breaks_nothing(
    editor_client, meetings, url, text
):
    response = editor_client.get(url, {"meeting_q": text, "meeting": text[:30], "status": "open"})
    assert response.status_code == 200
    html = response.text
    assert "<script>alert(1)" not in html
    # A value that names no meeting chooses nothing ("Any", the first option, shows).
    assert _chosen(html) in ([], [""])
    # No meeting title or place holds these characters (full-width letters aside, which the
    # search does not fold for meetings).
    assert _offered(html) == []
    if url == LIST_URL:
        # Finding filters nothing, so it never makes the form invalid: "open" still applies
        # and every (open) commitment is listed.
        assert "6 commitments" in html
        assert 'maxlength="200"' in html
        value = re.search(r'name="meeting_q" value="([^"]*)"', html)[1]
        assert unescape(value) == text[:200]


def test_the_api_and_the_export_never_read_the_offered_meetings(editor_client, meetings):
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(
            reverse("commitment-export", args=["csv"]), {"meeting_q": "Tokyo"}
        )
        b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "tracker_meeting" WHERE' in q["sql"]]
