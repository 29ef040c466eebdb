"""The search from every page, through its two doors: the dropdown's fragment (htmx) and the
results page. Meetings and people are written through the services, which keep their search
documents; the commitments' documents are kept by the commitment services (test_search_index)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, CountryFactory, UserFactory
from tracker import services
from tracker.models import Meeting, MeetingSearchDocument, Person, PersonSearchDocument
from tracker.permissions import Role

pytestmark = pytest.mark.django_db

SUGGEST = reverse("search-suggest")
PAGE = reverse("search")
HTMX = {"HTTP_HX_REQUEST": "true"}
# Session and user, then per kind the ids (counted with them) and the rows (people: and their
# last titles).
SUGGEST_QUERIES = 2 + 2 + 2 + 3
# The page adds the header around the results: the user's roles and permissions (the
# navigation) and the bell's unread count.
HEADER_QUERIES = 4
PAGE_QUERIES = SUGGEST_QUERIES + HEADER_QUERIES
# One kind's page: session, user, the paginator's count, ids, rows, header.
KIND_PAGE_QUERIES = 2 + 3 + HEADER_QUERIES


@pytest.fixture
def japan(db):
    return CountryFactory(code="JP", name="Japan", name_ja="日本")


@pytest.fixture
def united_states(db):
    return CountryFactory(code="US", name="United States", name_ja="アメリカ合衆国")


def meeting(title: str, readout: str = "", place: str = "Tokyo", days_ago: int = 30) -> Meeting:
    return services.meeting_create(
        user=None,
        data={
            "title": title,
            "kind": "foreign_ministers",
            "starts_at": timezone.now() - datetime.timedelta(days=days_ago),
            "time_zone": "Asia/Tokyo",
            "place": place,
            "readout_text": readout,
        },
    )


def person(family: str, given: str, country, name_ja: str = "") -> Person:
    return services.person_create(
        user=None,
        data={"family_name": family, "given_name": given, "country": country, "name_ja": name_ja},
    )


def attend(at: Meeting, who: Person, title: str):
    return services.participation_add(
        meeting=at, user=None, data={"person": who, "title": title, "side": who.country}
    )


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def world(japan, united_states, division):
    hayashi = person("Hayashi", "Yoshimasa", japan, name_ja="林 芳正")
    blinken = person("Blinken", "Antony", united_states, name_ja="アントニー・ブリンケン")
    ministers = meeting(
        "Japan-U.S. Foreign Ministers' Meeting",
        readout=(
            "The two ministers confirmed their commitment to implement strong sanction "
            "measures against Russia. 両外相は対露制裁措置の実施を確認した。"
        ),
        place="Washington, D.C.",
    )
    attend(ministers, hayashi, "Minister for Foreign Affairs")
    attend(ministers, blinken, "Secretary of State")
    summit = meeting(
        "G7 Hiroshima Summit", readout="広島で首脳会合が開催された。", place="Hiroshima"
    )
    commitment = CommitmentFactory(
        title="Realignment of U.S. forces in Okinawa",
        quote="concurred on steady implementation of the realignment plan",
        origin_meeting=ministers,
        lead_division=division,
    )
    return {
        "hayashi": hayashi,
        "blinken": blinken,
        "ministers": ministers,
        "summit": summit,
        "commitment": commitment,
    }


def suggested(client, q: str) -> dict[str, list[str]]:
    """The dropdown's links, by group."""
    response = client.get(SUGGEST, {"q": q}, **HTMX)
    assert response.status_code == 200
    return {
        section.kind: [hit.url for hit in section.hits] for section in response.context["sections"]
    }


def test_the_dropdown_groups_hits_by_kind(viewer_client, world):
    found = suggested(viewer_client, "hayashi")
    assert found["meetings"] == [world["ministers"].get_absolute_url()]
    assert len(found["people"]) == 1 and "Yoshimasa+Hayashi" in found["people"][0]
    assert found["commitments"] == []
    response = viewer_client.get(SUGGEST, {"q": "realign"}, **HTMX)
    html = response.content.decode()
    assert world["commitment"].get_absolute_url() in html
    assert "<mark>Realign</mark>ment of U.S. forces" in html
    assert 'role="listbox"' in html and "<html" not in html


def test_words_are_stemmed_and_typed_prefixes_match(viewer_client, world):
    # "sanctions" finds "sanction", "implem" (still typing) finds "implement".
    assert suggested(viewer_client, "sanctions")["meetings"] == [
        world["ministers"].get_absolute_url()
    ]
    assert world["ministers"].get_absolute_url() in suggested(viewer_client, "implem")["meetings"]
    # Every word must be there.
    assert suggested(viewer_client, "sanctions hiroshima")["meetings"] == []


def test_japanese_is_found_by_substring(viewer_client, world):
    ministers, summit = world["ministers"].get_absolute_url(), world["summit"].get_absolute_url()
    assert suggested(viewer_client, "制裁措置")["meetings"] == [ministers]
    # Two characters: shorter than a trigram.
    assert suggested(viewer_client, "広島")["meetings"] == [summit]
    (hayashi,) = suggested(viewer_client, "hayashi")["people"]
    assert suggested(viewer_client, "芳正")["people"] == [hayashi]
    assert suggested(viewer_client, "ブリンケン")["meetings"] == [ministers]
    # Full-width letters are their plain forms.
    assert suggested(viewer_client, "ＢＬＩＮＫＥＮ")["meetings"] == [ministers]


def test_people_are_found_by_the_titles_they_held(viewer_client, world):
    found = suggested(viewer_client, "secretary of state")
    assert len(found["people"]) == 1 and "Blinken" in found["people"][0]


def test_the_results_page_works_without_javascript(viewer_client, world):
    response = viewer_client.get(PAGE, {"q": "sanction"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert world["ministers"].get_absolute_url() in html
    # The excerpt of the readout, highlighted.
    assert "strong <mark>sanction</mark> measures" in html


def test_the_results_page_pages_one_kind(viewer_client, world):
    for n in range(25):
        meeting(f"Extended Deterrence Dialogue {n}", days_ago=n + 1)
    response = viewer_client.get(PAGE, {"q": "deterrence"})
    (meetings,) = (s for s in response.context["sections"] if s.kind == "meetings")
    assert meetings.count == 25 and len(meetings.hits) == 5 and meetings.more
    first = viewer_client.get(PAGE, {"q": "deterrence", "kind": "meetings"})
    second = viewer_client.get(PAGE, {"q": "deterrence", "kind": "meetings", "page": "2"})
    assert first.context["page"].paginator.count == 25
    shown = [h.url for h in first.context["sections"][0].hits]
    shown += [h.url for h in second.context["sections"][0].hits]
    assert len(shown) == len(set(shown)) == 25
    # A page past the end is the last page; an unknown kind is every kind.
    past_the_end = {"q": "deterrence", "kind": "meetings", "page": "99"}
    assert viewer_client.get(PAGE, past_the_end).context["page"].number == 2
    assert len(viewer_client.get(PAGE, {"q": "x", "kind": "bogus"}).context["sections"]) == 3


def test_ranking_puts_the_better_match_first(viewer_client, world):
    weak = meeting("Dialogue", readout="Minor mention of cyber once. " + "Other words. " * 50)
    strong = meeting("Cyber Dialogue on cyber security", readout="cyber cyber cyber threats")
    found = suggested(viewer_client, "cyber")["meetings"]
    assert found == [strong.get_absolute_url(), weak.get_absolute_url()]


HOSTILE = [
    "",
    "   ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1f\x7f",
    '"',
    "'",
    '"a" OR b*',
    "NEAR(",
    "NEAR(a b, 2)",
    "a AND",
    "-b",
    "col:value",
    "^start",
    "a & | ! b",
    "'quoted' \\ back",
    "%_%",
    "<script>alert(1)</script>",
    "=1+1",
    "x" * 10_000,
    "日米 " * 3_000,
    "ゆ",
    "ﾊﾔｼ",
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_fail(viewer_client, world, q):
    for url, extra in ((SUGGEST, HTMX), (PAGE, {})):
        response = viewer_client.get(url, {"q": q}, **extra)
        if "\x00" in q:
            # Refused before any view, with a message (tracker.middleware).
            assert response.status_code == 400
            assert "null character" in response.content.decode()
            continue
        assert response.status_code == 200, (url, q)
        assert b"<script>alert" not in response.content


@pytest.mark.parametrize("raw", ["%ED%A0%80", "%FF%FE", "%E3%81"])
def test_queries_that_are_not_utf8_never_fail(viewer_client, world, raw):
    for url in (SUGGEST, PAGE):
        assert viewer_client.get(f"{url}?q={raw}", **HTMX).status_code == 200


def test_a_very_long_query_is_cut_with_a_message(viewer_client, world):
    response = viewer_client.get(PAGE, {"q": "sanction " + "x" * 10_000})
    assert "The search was cut to its first 200 characters." in response.content.decode()


def test_the_search_is_in_japanese_for_japanese_readers(viewer_client, world):
    viewer_client.cookies["django_language"] = "ja"
    response = viewer_client.get(PAGE, {"q": "該当なしの言葉"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "に一致するものはありません" in response.content.decode()


def test_documents_follow_the_services(viewer_client, world, clerk):
    ministers, hayashi = world["ministers"], world["hayashi"]
    services.meeting_edit(meeting=ministers, user=None, data={"place": "Phnom Penh"})
    assert suggested(viewer_client, "phnom")["meetings"] == [ministers.get_absolute_url()]
    # A person renamed: the meetings they were at find them by the new name.
    services.person_edit(person=hayashi, user=None, data={"family_name": "Hayasi"})
    assert suggested(viewer_client, "hayasi")["meetings"] == [ministers.get_absolute_url()]
    assert suggested(viewer_client, "hayashi")["meetings"] == []
    # Removed from the meeting: no longer found through it.
    participation = ministers.participations.get(person=hayashi)
    services.participation_remove(participation=participation, user=clerk)
    assert suggested(viewer_client, "hayasi")["meetings"] == []
    held = PersonSearchDocument.objects.get(person=hayashi).document
    assert "hayasi" in held and "minister for foreign affairs" not in held


def test_rebuild_writes_documents_for_rows_written_in_bulk(viewer_client, world):
    MeetingSearchDocument.objects.all().delete()
    assert suggested(viewer_client, "sanction")["meetings"] == []
    services.meeting_and_person_documents_rebuild()
    assert suggested(viewer_client, "sanction")["meetings"] == [
        world["ministers"].get_absolute_url()
    ]


def test_login_is_required(client, world):
    for url in (SUGGEST, PAGE):
        response = client.get(url, {"q": "hayashi"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_inactive_account_sees_nothing(client, world):
    user = UserFactory(username="gone", roles=[Role.VIEWER], is_active=False)
    client.force_login(user)
    assert client.get(PAGE, {"q": "hayashi"}).status_code in {302, 403}


def test_every_role_reads_every_result(client, world, editor, other_editor, manager):
    # Everyone with an account reads everything (tracker.permissions): the other division's
    # editor finds the commitment as its own division's does.
    for user in (editor, other_editor, manager):
        client.force_login(user)
        assert suggested(client, "okinawa")["commitments"] == [
            world["commitment"].get_absolute_url()
        ]


def test_the_header_on_every_page_has_the_search_box(viewer_client, world):
    for url in (reverse("dashboard"), reverse("commitment-list"), PAGE):
        html = viewer_client.get(url).content.decode()
        assert 'id="global-search"' in html and f'hx-get="{SUGGEST}"' in html


def test_the_dropdown_query_count_is_pinned(viewer_client, world, django_assert_num_queries):
    viewer_client.get(SUGGEST, {"q": "warm up"}, **HTMX)
    with django_assert_num_queries(SUGGEST_QUERIES):
        viewer_client.get(SUGGEST, {"q": "minister"}, **HTMX)
    for n in range(10):
        meeting(f"Minister meeting {n}")
    with django_assert_num_queries(SUGGEST_QUERIES):
        viewer_client.get(SUGGEST, {"q": "minister"}, **HTMX)
    # Nothing typed: no search at all (the session and the user only).
    with django_assert_num_queries(2):
        viewer_client.get(SUGGEST, {"q": " "}, **HTMX)


def test_the_results_page_query_count_is_pinned(viewer_client, world, django_assert_num_queries):
    for n in range(10):
        meeting(f"Minister meeting {n}")
    viewer_client.get(PAGE, {"q": "minister"})
    with django_assert_num_queries(PAGE_QUERIES):
        viewer_client.get(PAGE, {"q": "minister"})
    with django_assert_num_queries(KIND_PAGE_QUERIES):
        viewer_client.get(PAGE, {"q": "minister", "kind": "meetings", "page": "2"})
