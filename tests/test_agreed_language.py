"""Agreed language: the search over quotes and readout sentences, and "Wording over time".

Readouts reach the sentence table through the doors that save them (the admin, the services the
readout import calls); the pages are read over HTTP as staff read them.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from tests.admin_forms import admin_post_data
from tests.factories import CommitmentFactory, UserFactory, aware
from tracker import services
from tracker.models import AgreedSentence, FollowUpOutcome

pytestmark = pytest.mark.django_db

SANCTIONS = "The two ministers confirmed their commitment to implement strong sanction measures."
DETERRENCE = "They concurred on strengthening extended deterrence."


def meeting(title: str, day: str, readout: str = "", user=None):
    """A meeting saved through the service that the admin and the readout import call."""
    return services.meeting_create(
        user=user,
        data={
            "title": title,
            "kind": "foreign_ministers",
            "starts_at": aware(f"{day} 10:00"),
            "time_zone": "Asia/Tokyo",
            "readout_text": readout,
        },
    )


def search(client, q, **headers):
    return client.get(reverse("agreed-language"), {"q": q}, headers=headers)


def texts(response) -> list[str]:
    """The shown sentences, tags taken out, in page order."""
    found = re.findall(r'<p class="precedent-text" data-copy-source>(.*?)</p>', response.text)
    return [re.sub(r"</?mark>", "", text) for text in found]


@pytest.fixture
def staff(client, viewer):
    client.force_login(viewer)
    return client


# Storing the sentences ---------------------------------------------------------------------------


def test_readout_saved_in_the_admin_is_stored_sentence_by_sentence(admin_client):
    saved = meeting("Foreign Ministers' Meeting", "2022-07-29", f"{SANCTIONS} {DETERRENCE}")
    assert list(AgreedSentence.objects.filter(meeting=saved).values_list("position", "text")) == [
        (0, SANCTIONS),
        (len(SANCTIONS) + 1, DETERRENCE),
    ]
    url = reverse("admin:tracker_meeting_change", args=[saved.pk])
    data = admin_post_data(admin_client.get(url))
    data["readout_text"] = "- The ministers welcomed the new framework.\n- 両大臣は協力を確認した。"
    assert admin_client.post(url, data).status_code == 302
    assert list(AgreedSentence.objects.filter(meeting=saved).values_list("text", flat=True)) == [
        "The ministers welcomed the new framework.",
        "両大臣は協力を確認した。",
    ]


def test_an_unchanged_readout_writes_nothing(django_assert_num_queries):
    saved = meeting("Meeting", "2022-07-29", SANCTIONS)
    before = list(AgreedSentence.objects.values_list("pk", flat=True))
    services.meeting_edit(meeting=saved, user=None, data={"readout_text": SANCTIONS})
    assert list(AgreedSentence.objects.values_list("pk", flat=True)) == before


def test_a_commitments_quote_follows_its_edits(editor, division):
    origin = meeting("Origin", "2022-07-29")
    commitment = CommitmentFactory(origin_meeting=origin, quote=SANCTIONS, lead_division=division)
    assert AgreedSentence.objects.get(commitment=commitment).text == SANCTIONS
    services.commitment_edit(
        commitment=commitment,
        user=editor,
        data={"quote": DETERRENCE},
        expected_version=commitment.version,
    )
    row = AgreedSentence.objects.get(commitment=commitment)
    assert (row.text, row.meeting_id) == (DETERRENCE, origin.pk)


def test_the_rebuild_writes_the_same_rows_as_the_services():
    origin = meeting("Origin", "2022-07-29", f"{SANCTIONS} {DETERRENCE}")
    CommitmentFactory(origin_meeting=origin, quote=SANCTIONS)
    fields = ("meeting_id", "commitment_id", "position", "text", "normalised")
    kept = sorted(AgreedSentence.objects.values_list(*fields), key=str)
    assert services.agreed_sentences_rebuild() == 3
    assert sorted(AgreedSentence.objects.values_list(*fields), key=str) == kept


# Searching --------------------------------------------------------------------------------------


def test_matches_show_their_meeting_and_date_oldest_first(staff):
    newer = meeting("Newer meeting", "2024-04-10", "The ministers will implement the plan fully.")
    older = meeting("Older meeting", "2022-07-29", "They will IMPLEMENT sanctions on Russia.")
    commitment = CommitmentFactory(
        origin_meeting=meeting("Quote meeting", "2023-01-11"),
        title="Sanctions",
        quote="Both sides to implement the realignment plan.",
    )
    meeting("Unrelated", "2023-05-01", "Nothing of the kind here.")
    response = search(staff, "Implement")
    assert response.status_code == 200
    assert texts(response) == [
        "They will IMPLEMENT sanctions on Russia.",
        "Both sides to implement the realignment plan.",
        "The ministers will implement the plan fully.",
    ]
    page = response.text
    assert page.index(older.get_absolute_url()) < page.index(newer.get_absolute_url())
    assert commitment.get_absolute_url() in page
    assert 'datetime="2022-07-29"' in page
    assert "<mark>IMPLEMENT</mark>" in page
    assert "3 matches" in page


def test_near_identical_sentences_are_one_group_with_each_date(staff):
    for title, day in (("First", "2022-07-29"), ("Second", "2023-01-11"), ("Third", "2024-04-10")):
        meeting(title, day, SANCTIONS)
    # Case, spacing and punctuation aside the same words; then one word changed in sixteen.
    meeting("Fourth", "2024-09-01", SANCTIONS.upper().replace(" ", "  ").rstrip("."))
    meeting("Fifth", "2024-10-01", SANCTIONS.replace("strong", "robust"))
    meeting("Other", "2024-11-01", "The two ministers confirmed their commitment to peace.")
    response = search(staff, "confirmed their commitment")
    assert texts(response) == [SANCTIONS, "The two ministers confirmed their commitment to peace."]
    assert "Used at 5 meetings:" in response.text
    assert "Used at 1 meeting:" in response.text
    for day in ("2022-07-29", "2023-01-11", "2024-04-10", "2024-09-01", "2024-10-01"):
        assert f'datetime="{day}"' in response.text


def test_a_quote_and_the_readout_sentence_it_was_taken_from_are_one_use(staff):
    origin = meeting("Origin", "2022-07-29", SANCTIONS)
    CommitmentFactory(origin_meeting=origin, quote=SANCTIONS)
    response = search(staff, "sanction measures")
    assert texts(response) == [SANCTIONS]
    assert "Used at 1 meeting:" in response.text


def test_japanese_is_split_on_full_stops_and_found_by_substring(staff):
    meeting(
        "日米外相会談",
        "2022-07-29",
        "両大臣は、対露制裁を着実に実施することを確認した。両大臣は北朝鮮の非核化で一致した。",
    )
    meeting("日米首脳会談", "2023-05-18", "両大臣は北朝鮮の非核化で一致した。")
    response = search(staff, "北朝")  # two characters: no trigram, still found
    assert texts(response) == ["両大臣は北朝鮮の非核化で一致した。"]
    assert "<mark>北朝</mark>" in response.text
    assert "Used at 2 meetings:" in response.text
    assert texts(search(staff, "制裁を着実")) == [
        "両大臣は、対露制裁を着実に実施することを確認した。"
    ]
    # Full-width letters and digits are found by their plain forms, and the reverse.
    meeting("２＋２", "2024-01-01", "日米「２＋２」を開催することで一致した。")
    assert "<mark>２＋２</mark>" in search(staff, "2+2").text


def test_japanese_interface(staff):
    meeting("日米外相会談", "2022-07-29", "両大臣は協力を確認した。")
    staff.cookies["django_language"] = "ja"
    response = search(staff, "協力")
    assert "<mark>協力</mark>" in response.text
    assert "合意文言" in response.text  # the page's heading in Japanese


HOSTILE = [
    "<script>alert(1)</script>",
    "\x00\x01\x1b[31m",
    '"NEAR(a b) OR c* ^d -e:f',
    "' OR 1=1 --",
    "=1+1",
    "%_\\",
    "x" * 10_000,
    "\u202eevil",
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_get_an_answer_never_an_error(staff, q):
    meeting("Meeting", "2022-07-29", 'A plain sentence; "quoted" OR * words.')
    response = search(staff, q)
    if "\x00" in q:
        # Refused for every address by the middleware, with a message saying why.
        assert response.status_code == 400
        assert "null character" in response.text
    else:
        assert response.status_code == 200
    assert "<script>alert" not in response.text


def test_control_characters_in_a_query_are_spaces(staff):
    meeting("Meeting", "2022-07-29", "They agreed to meet again.")
    assert texts(search(staff, "agreed\x01to\x1b meet")) == ["They agreed to meet again."]


def test_a_long_query_is_cut_and_said_so(staff):
    response = search(staff, "y" * 10_000)
    assert "The search was cut to its first 200 characters." in response.text
    assert 'value="' + "y" * 200 + '"' in response.text


def test_hostile_text_is_escaped_and_still_marked(staff):
    meeting(
        "<b>Bold</b> meeting",
        "2022-07-29",
        'They said "<script>alert(1)</script>" & \x01left.',
    )
    response = search(staff, "<script>")
    assert "<script>alert(1)</script>" not in response.text
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;" in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; meeting" in response.text
    # The FTS syntax in a phrase is text to find, not an operator.
    assert texts(search(staff, '" & ')) == [
        "They said &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; \x01left."
    ]


def test_htmx_gets_the_results_alone(staff):
    meeting("Meeting", "2022-07-29", SANCTIONS)
    response = search(staff, "sanction", HX_Request="true")
    assert response.text.lstrip().startswith('<div id="language-results"')
    assert "<html" not in response.text


def test_an_empty_search_asks_for_a_phrase(staff):
    response = staff.get(reverse("agreed-language"))
    assert "Type a phrase" in response.text
    assert "No quote or readout sentence" in search(staff, "nowhere to be found").text


def test_the_navigation_links_the_search(staff):
    response = staff.get(reverse("dashboard"))
    assert f'href="{reverse("agreed-language")}"' in response.text


def test_search_queries_are_pinned(staff, django_assert_num_queries, django_assert_max_num_queries):
    for n in range(30):
        meeting(f"Meeting {n}", f"2022-{1 + n % 12:02d}-{1 + n:02d}", f"{SANCTIONS} Item {n}.")
        CommitmentFactory(
            origin_meeting=meeting(f"Quote meeting {n}", "2023-01-01"),
            quote=f"To implement strong sanction measures, round {n}.",
        )
    # The results (what htmx asks for as you type): session, user, the matches with their
    # meetings and commitments in one query (after the FTS5 candidates on SQLite), and the
    # session's expiry moved on (an UPDATE in a savepoint); none per match.
    with django_assert_num_queries(7 if connection.vendor == "sqlite" else 6):
        response = search(staff, "strong sanction", HX_Request="true")
    # 31 groups (the readouts' sentence, alike in all 30; each quote its own), 20 a page.
    assert response.text.count("<mark>strong sanction</mark>") == 20
    second = staff.get(reverse("agreed-language"), {"q": "strong sanction", "page": "2"})
    assert second.text.count("<mark>strong sanction</mark>") == 11
    assert "Used at 30 meetings:" in response.text
    assert "and 24 more meetings" in response.text
    # The whole page adds what every page reads (roles, permissions, the notification bell).
    with django_assert_max_num_queries(10):
        search(staff, "strong sanction")


# Wording over time ------------------------------------------------------------------------------


@pytest.fixture
def worded(editor, division):
    origin = meeting("Foreign Ministers' Meeting", "2022-07-29", SANCTIONS)
    commitment = CommitmentFactory(
        origin_meeting=origin, quote=SANCTIONS, lead_division=division, title="Sanctions"
    )
    later = [
        meeting(
            "Summit",
            "2023-05-18",
            "The leaders met. The two ministers reaffirmed their commitment to implement robust "
            "sanction measures. They discussed trade.",
        ),
        meeting("Security Consultative Committee", "2024-01-11", "They discussed the weather."),
        meeting("Telephone talk", "2024-07-28", "Anything."),
    ]
    recorded = ["", "", "The ministers reaffirmed robust sanction measures against Russia."]
    for follow_up_meeting, quote in zip(later, recorded, strict=True):
        services.followup_record(
            commitment=commitment,
            meeting=follow_up_meeting,
            user=editor,
            outcome=FollowUpOutcome.REAFFIRMED,
            quote=quote,
        )
    return commitment


def test_wording_over_time_marks_added_and_dropped_words(staff, worded):
    response = staff.get(reverse("commitment-wording", args=[worded.pk]))
    page = response.text
    steps = re.findall(r'<p class="wording-text" data-copy-source>(.*?)</p>', page)
    assert steps == [
        SANCTIONS,
        "The two ministers <del>confirmed </del><ins>reaffirmed </ins>their commitment to "
        "implement <del>strong </del><ins>robust </ins>sanction measures.",
        "The <del>two </del>ministers reaffirmed <del>their commitment to implement </del>robust "
        "sanction <del>measures.</del><ins>measures against Russia.</ins>",
    ]
    # Oldest first, and the meeting whose readout does not restate it named apart.
    assert page.index("2022") < page.index("Summit") < page.index("Telephone talk")
    assert "Not restated in the readout of:" in page
    assert "Security Consultative Committee" in page
    assert page.count('class="button-small secondary copy-button"') == 3


def test_wording_in_japanese_compares_characters(staff, editor, division):
    origin = meeting("日米外相会談", "2022-07-29", "両大臣は制裁を実施することを確認した。")
    commitment = CommitmentFactory(
        origin_meeting=origin,
        quote="両大臣は制裁を実施することを確認した。",
        lead_division=division,
    )
    later = meeting("日米首脳会談", "2023-05-18", "両首脳は制裁を強化することを確認した。")
    services.followup_record(
        commitment=commitment, meeting=later, user=editor, outcome=FollowUpOutcome.REAFFIRMED
    )
    page = staff.get(reverse("commitment-wording", args=[commitment.pk])).text
    assert "両<del>大臣</del><ins>首脳</ins>は制裁を<del>実施</del><ins>強化</ins>すること" in page


def test_wording_is_loaded_lazily_on_the_commitment_page(staff, worded):
    url = reverse("commitment-wording", args=[worded.pk])
    page = staff.get(worded.get_absolute_url()).text
    assert f'hx-get="{url}" hx-trigger="load"' in page
    assert f'<a href="{url}">' in page  # without JavaScript, a link
    assert "<ins>" not in page


def test_wording_queries_are_pinned(staff, worded, editor, django_assert_num_queries):
    for n in range(5):
        services.followup_record(
            commitment=worded,
            meeting=meeting(f"Later {n}", f"2025-0{n + 1}-01", SANCTIONS.replace("strong", "firm")),
            user=editor,
            outcome=FollowUpOutcome.REAFFIRMED,
        )
    url = reverse("commitment-wording", args=[worded.pk])
    # Session, user, commitment, follow-ups with meetings, their sentences; the session's expiry
    # moved on (an UPDATE in a savepoint). None per follow-up.
    with django_assert_num_queries(8):
        response = staff.get(url, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="wording"')
    assert response.text.count('class="wording-step"') == 8  # the quote, 2 + 5 restatements


def test_wording_of_a_missing_commitment_is_not_found(staff):
    assert staff.get(reverse("commitment-wording", args=[999_999])).status_code == 404


def test_every_role_reads_both_pages_and_anonymous_is_sent_to_log_in(client, worded):
    for url in (reverse("agreed-language"), reverse("commitment-wording", args=[worded.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    client.force_login(UserFactory(username="reader", roles=["Viewer"]))
    assert client.get(reverse("commitment-wording", args=[worded.pk])).status_code == 200


def test_sentences_go_with_their_meeting_date_after_a_move(staff):
    moved = meeting("Moved meeting", "2024-01-01", SANCTIONS)
    meeting("Fixed meeting", "2023-01-01", SANCTIONS.replace("strong", "robust"))
    services.meeting_edit(meeting=moved, user=None, data={"starts_at": aware("2022-01-01 10:00")})
    response = search(staff, "sanction")
    assert 'datetime="2022-01-01"' in response.text
    assert response.text.index("Moved meeting") < response.text.index("Fixed meeting")
