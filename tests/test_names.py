"""Names in the reader's language: people and users family name first in Japanese, divisions by
their Japanese names, the readout parser's notes translated, Django's own labels translated."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    DivisionFactory,
    IssuedReportFactory,
    MeetingFactory,
    ParticipationFactory,
    PersonFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tracker import names
from tracker.models import Person
from tracker.readout_notes import review_notes, translate_note
from tracker.readout_parser import ReadoutDraft, parse_readout

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _in(client, language: str):
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def people(db):
    japan = CountryFactory(code="JP", name="Japan", name_ja="日本")
    usa = CountryFactory(code="US", name="United States", name_ja="米国")
    hayashi = PersonFactory(
        family_name="Hayashi",
        given_name="Yoshimasa",
        country=japan,
        family_name_first=True,
        name_ja="林 芳正",
    )
    blinken = PersonFactory(family_name="Blinken", given_name="Antony", country=usa)
    return hayashi, blinken


@pytest.fixture
def tanaka(db, division):
    return UserFactory(
        username="tanaka",
        first_name="Haruka",
        last_name="Tanaka",
        roles=["Editor"],
        divisions=[division],
    )


# People -------------------------------------------------------------------------------------------


def test_person_display_name_follows_the_language(people):
    hayashi, blinken = people
    assert hayashi.display_name("en") == "HAYASHI Yoshimasa"
    assert hayashi.display_name("ja") == "林 芳正"
    assert blinken.display_name("en") == "Antony Blinken"
    # No Japanese name recorded: romaji, family name first and in capitals.
    assert blinken.display_name("ja") == "BLINKEN Antony"
    with translation.override("ja"):
        assert str(hayashi) == "林 芳正"
    with translation.override("en"):
        assert str(blinken) == "Antony Blinken"


def test_meeting_page_writes_participants_as_the_language_does(client, editor, people):
    hayashi, blinken = people
    meeting = MeetingFactory()
    ParticipationFactory(meeting=meeting, person=hayashi, order=0)
    ParticipationFactory(meeting=meeting, person=blinken, order=1)
    client.force_login(editor)
    text = _in(client, "ja").get(meeting.get_absolute_url()).text
    assert "林 芳正" in text and "BLINKEN Antony" in text
    assert "Antony Blinken" not in text and "HAYASHI Yoshimasa" not in text
    text = _in(client, "en").get(meeting.get_absolute_url()).text
    assert "HAYASHI Yoshimasa" in text and "Antony Blinken" in text
    assert "林 芳正" not in text


def test_admin_person_takes_a_japanese_name_and_refuses_control_characters(client, admin_user):
    japan = CountryFactory(code="JP", name="Japan")
    client.force_login(admin_user)
    url = reverse("admin:tracker_person_add")
    data = {
        "family_name": "Kamikawa",
        "given_name": "Yoko",
        "country": japan.pk,
        "family_name_first": "on",
        "name_ja": "上川\x00陽子",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # shown again with the error, nothing lost
    assert "上川" in response.text
    assert not Person.objects.exists()
    data["name_ja"] = "上川 陽子" * 50  # longer than the field allows
    assert client.post(url, data).status_code == 200
    assert not Person.objects.exists()
    data["name_ja"] = "上川 陽子"
    assert client.post(url, data).status_code == 302
    person = Person.objects.get()
    assert person.display_name("ja") == "上川 陽子"
    # Found by the Japanese name in the admin's search (the participants' autocomplete uses it).
    found = client.get(reverse("admin:tracker_person_changelist"), {"q": "上川"})
    assert "上川 陽子" in found.text


def test_demo_people_have_their_japanese_names(db):
    call_command("load_demo", stdout=io.StringIO())
    hayashi = Person.objects.get(family_name="Hayashi")
    assert hayashi.display_name("ja") == "林 芳正"
    assert hayashi.full_name == "HAYASHI Yoshimasa"


# Users --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "language", "expected"),
    [
        ("Haruka", "Tanaka", "en", "Haruka Tanaka"),
        ("Haruka", "Tanaka", "ja", "Tanaka Haruka"),
        ("", "Tanaka", "ja", "Tanaka"),
        ("", "", "ja", "tanaka"),
        (" ", "\t", "en", "tanaka"),
    ],
)
def test_user_name_order(first, last, language, expected):
    user = get_user_model()(username="tanaka", first_name=first, last_name=last)
    assert names.user_name(user, language) == expected


@pytest.mark.parametrize(
    ("name_ja", "language", "expected"),
    [
        ("米国", "ja", "米国"),
        ("米国", "en", "United States"),
        ("", "ja", "United States"),
        ("米国", "ja-jp", "米国"),
    ],
)
def test_reference_data_takes_its_japanese_name_in_japanese_only(name_ja, language, expected):
    country = CountryFactory(code="US", name="United States", name_ja=name_ja)
    assert country.display_name(language) == expected
    assert names.display_name(country, language) == expected
    assert names.choose_name(country.name, country.name_ja, language) == expected
    with translation.override(language):
        assert names.display_name(country) == expected


def test_owner_and_author_names_family_name_first_in_japanese(client, tanaka, division):
    commitment = CommitmentFactory(
        owner=tanaka, lead_division=division, title="Brief the new U.S. team"
    )
    StatusUpdateFactory(commitment=commitment, author=tanaka)
    client.force_login(tanaka)
    for url in (reverse("commitment-list"), reverse("dashboard")):
        text = _in(client, "ja").get(url).text
        assert "Tanaka Haruka" in text, url
        assert "Haruka Tanaka" not in text, url
        text = _in(client, "en").get(url).text
        assert "Haruka Tanaka" in text, url


def test_reassign_card_names_divisions_and_owners_in_japanese(client, manager, tanaka):
    division = DivisionFactory(name="Northeast Asia Division II", name_ja="北東アジア第二課")
    commitment = CommitmentFactory(lead_division=division)
    client.force_login(manager)
    text = _in(client, "ja").get(commitment.get_absolute_url()).text
    card = text.split('id="reassign-heading"', 1)[1]
    assert "北東アジア第二課" in card and "Northeast Asia Division II" not in card
    assert "Tanaka Haruka" in card


def test_report_filter_and_issued_list_name_divisions_in_japanese(client, manager):
    division = DivisionFactory(name="Russian Division", name_ja="ロシア課")
    issuer = UserFactory(username="mori", first_name="Kenji", last_name="Mori")
    IssuedReportFactory(division=division, issued_by=issuer)
    client.force_login(manager)
    _in(client, "ja")
    report = client.get(reverse("report")).text
    assert "ロシア課" in report and "Russian Division" not in report
    issued = client.get(reverse("issued-report-list")).text
    assert "ロシア課" in issued and "Russian Division" not in issued
    assert "Mori Kenji" in issued


def test_admin_filters_and_pickers_use_names(client, admin_user, tanaka):
    division = DivisionFactory(name="Russian Division", name_ja="ロシア課")
    commitment = CommitmentFactory(owner=tanaka, lead_division=division)
    client.force_login(admin_user)
    _in(client, "ja")
    changelist = client.get(reverse("admin:tracker_commitment_changelist")).text
    sidebar = changelist.split('id="changelist-filter"', 1)[1]
    assert "ロシア課" in sidebar and "Russian Division" not in sidebar
    assert "Tanaka Haruka (tanaka)" in sidebar
    change = client.get(reverse("admin:tracker_commitment_change", args=[commitment.pk])).text
    assert "Tanaka Haruka (tanaka)" in change  # the owner picker's chosen option
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "tana",
            "app_label": "tracker",
            "model_name": "commitment",
            "field_name": "owner",
        },
    )
    assert autocomplete.status_code == 200
    assert [r["text"] for r in autocomplete.json()["results"]] == ["Tanaka Haruka (tanaka)"]


def test_admin_blank_choice_is_translated(client, admin_user):
    CommitmentFactory()  # so that the list offers its actions
    client.force_login(admin_user)
    for url in (
        reverse("admin:tracker_commitment_changelist"),
        reverse("admin:tracker_commitment_add"),
    ):
        text = _in(client, "ja").get(url).text
        assert "- Select an option -" not in text
        assert "- 選択してください -" in text
        text = _in(client, "en").get(url).text
        assert "- Select an option -" in text


# The readout parser's notes -----------------------------------------------------------------------

CANBERRA = (
    "Japan-Australia Foreign Ministers' Meeting\n\n"
    "On March 3, commencing at 10:00 a.m. for about 40 minutes, Mr. HAYASHI Yoshimasa, Minister "
    "for Foreign Affairs of Japan, held a meeting with Senator the Hon. Penny Wong, Minister for "
    "Foreign Affairs of Australia, in Canberra.\n"
    "1. The two ministers confirmed their commitment to work closely together."
)


def test_review_screen_shows_the_parsers_notes_translated(client, editor):
    client.force_login(editor)
    url = reverse("readout-import")
    # Without a year the date is asked for, never guessed: the notes say so, in Japanese.
    text = _in(client, "ja").post(url, {"action": "review", "text": CANBERRA}, **HTMX).text
    notes = text.split("parser-notes", 1)[1].split("</ul>", 1)[0]
    assert "年の記載がありません" in notes and "No year in the text" not in notes
    assert "start_local" not in notes and "<strong>date</strong>" not in notes
    dated = CANBERRA.replace("On March 3,", "On March 3, 2023,")
    text = _in(client, "ja").post(url, {"action": "review", "text": dated}, **HTMX).text
    notes = text.split("parser-notes", 1)[1].split("</ul>", 1)[0]
    assert "Canberraの現地時刻として読みました" in notes
    text = _in(client, "en").post(url, {"action": "review", "text": dated}, **HTMX).text
    notes = text.split("parser-notes", 1)[1].split("</ul>", 1)[0]
    assert "<strong>Local start time</strong>: No zone given" in notes
    assert "start_local" not in notes


def test_every_note_the_parser_writes_has_a_translation():
    today = datetime.date(2023, 5, 1)
    texts = [
        "",
        "<p>Japan-U.S. Summit</p><p>On July 29 the leaders met.</p>",
        "日米外相会談\n7月29日、林外務大臣はブリンケン国務長官と会談しました。",
        CANBERRA,
        "Telephone Talk\nToday, the two leaders talked at 9:00 p.m. (Japan time).",
        "Meeting\nOn July 29, 2022, from 1:43 p.m. (EST) (2:43 a.m. on July 30, Japan time) the "
        "ministers met in Washington, D.C.",
    ]
    with translation.override("ja"):
        for text in texts:
            draft = parse_readout(text, today=today)
            for note in [*draft.notes, *draft.meeting.confidence.values()]:
                assert translate_note(note) != note, note


@pytest.mark.parametrize(
    "note", ["Something the parser says for the first time", "<script>x</script>", "\x00", ""]
)
def test_an_unknown_note_is_shown_as_written(note):
    with translation.override("ja"):
        assert translate_note(note) == note


def test_review_notes_label_every_key():
    draft = ReadoutDraft(notes=["No participants found"])
    draft.meeting.confidence = {"time_zone": "No zone found for UTC+5:45", "new_key": "?"}
    with translation.override("en"):
        assert review_notes(draft) == [
            ("", "No participants found"),
            ("Time zone", "No zone found for UTC+5:45"),
            ("New key", "?"),
        ]
