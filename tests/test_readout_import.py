"""The readout import: review screen, saving, re-import, robustness, the import_readout command."""

from __future__ import annotations

import html.parser
import io
import json
import pathlib
import re
import time

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    DivisionFactory,
    MeetingFactory,
    PersonFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker import services
from tracker.models import (
    Commitment,
    Division,
    FollowUp,
    Meeting,
    Participation,
    Person,
    Status,
    StatusUpdate,
)
from tracker.readout_parser import THEME_KEYWORDS, parse_readout
from tracker.services import readouts as readout_service
from tracker.services.readouts import ImportRowError, MeetingData, RowData, readout_save

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SEED = (
    pathlib.Path(__file__).parent.parent
    / "fixtures"
    / "readouts"
    / "2022-07-29-japan-us-foreign-ministers-meeting.txt"
)
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_DRAFT = parse_readout(SEED_TEXT)
TICKED = [c for c in SEED_DRAFT.commitments if c.selected]
UNTICKED = [c for c in SEED_DRAFT.commitments if not c.selected]
# The parser's theme codes are the database's theme codes.
THEME_CODES = tuple(THEME_KEYWORDS)
SANCTIONS = "Implement strong sanction measures against Russia and support for Ukraine"
TPP = "Return to the TPP at an early time"


@pytest.fixture
def url():
    return reverse("readout-import")


@pytest.fixture
def reference(db):
    themes = {code: ThemeFactory(code=code) for code in THEME_CODES}
    countries = {
        code: CountryFactory(code=code, name=name)
        for code, name in (
            ("JP", "Japan"),
            ("US", "United States"),
            ("KR", "Republic of Korea"),
            ("G7", "G7"),
        )
    }
    return themes, countries


@pytest.fixture
def editor_client(client, editor, reference):
    client.force_login(editor)
    return client


class _FormReader(html.parser.HTMLParser):
    """What a browser would submit from one form of a page: the values as rendered."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.data.append((self._select, chosen[0]))
            self._select = None


def review_data(response) -> dict[str, list[str]]:
    reader = _FormReader("review-form")
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def select_options(response, name: str) -> list[str]:
    """The values a <select> offers, in order."""
    match = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', response.text, re.S)
    assert match, f"no <select name={name!r}>"
    return re.findall(r'<option value="([^"]*)"', match.group(1))


def row_index(title: str) -> int:
    return next(i for i, c in enumerate(SEED_DRAFT.commitments) if c.title == title)


def review(client, url, text=SEED_TEXT, **extra):
    response = client.post(url, {"action": "review", "text": text}, **extra)
    assert response.status_code == 200
    return response


def save(client, url, data, **extra):
    return client.post(url, data, **extra)


# Review -------------------------------------------------------------------------------------------


def test_import_page_offers_text_and_file(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    assert 'name="text"' in response.text
    assert 'type="file"' in response.text
    assert 'value="review"' in response.text


def test_review_of_the_seed_shows_meeting_participants_and_rows(
    editor_client, url, django_assert_max_num_queries
):
    # Bounded by the caps on mentions and participants, not by the number of rows.
    with django_assert_max_num_queries(30):
        response = review(editor_client, url)
    data = review_data(response)
    assert data["meeting-title"] == ["Japan-U.S. Foreign Ministers’ Meeting"]
    assert data["meeting-kind"] == ["foreign_ministers"]
    assert data["meeting-starts_at"] == ["2022-07-29T13:43"]
    assert data["meeting-time_zone"] == ["America/New_York"]
    assert data["meeting-duration_minutes"] == ["55"]
    assert data["meeting-place"] == ["Washington D.C."]
    assert data["meeting-start_time_known"] == ["on"]
    assert data["participants-0-family_name"] == ["HAYASHI"]
    assert data["participants-1-family_name"] == ["Blinken"]
    assert data["participants-1-country"] == ["US"]
    assert response.text.count("new person") == 2
    assert data["rows-TOTAL_FORMS"] == [str(len(SEED_DRAFT.commitments))]
    ticked = [k for k in data if k.startswith("rows-") and k.endswith("-keep")]
    assert len(ticked) == len(TICKED) == 14
    assert len(UNTICKED) == 2
    for commitment in SEED_DRAFT.commitments:
        assert commitment.title in response.text or commitment.title[:40] in response.text
    # The quote is shown verbatim; the unticked rows are there, unticked.
    assert "regarding Russia’s aggression against Ukraine, confirmed" in response.text
    exchanged = row_index("Exchanged their views on regional issues")
    assert f"rows-{exchanged}-keep" not in data
    sanctions = row_index(SANCTIONS)
    assert data[f"rows-{sanctions}-themes"] == ["russia_ukraine"]
    assert sorted(data[f"rows-{sanctions}-parties"]) == ["G7", "JP", "US"]
    assert data[f"rows-{sanctions}-strength"] == ["joint"]
    # Mentions, with the resolved date.
    assert "Japan-U.S.-ROK Summit Meeting on June 29" in response.text
    assert 'datetime="2022-06-29"' in response.text


def test_review_of_a_g7_readout_proposes_a_multilateral_meeting(editor_client, url):
    text = (
        "G7 Foreign Ministers’ Meeting\nApril 18, 2023\n"
        "On April 18, Mr. HAYASHI Yoshimasa, Minister for Foreign Affairs of Japan, chaired the "
        "G7 Foreign Ministers’ Meeting in Karuizawa.\n"
        "- The G7 ministers reaffirmed their commitment to impose severe sanctions on Russia.\n"
    )
    data = review_data(review(editor_client, url, text))
    assert data["meeting-kind"] == ["multilateral"]
    assert data["meeting-format"] == ["in_person"]


def test_review_defaults_to_the_editors_first_division(editor_client, url, division):
    data = review_data(review(editor_client, url))
    assert data["rows-0-lead_division"] == [str(division.pk)]


def test_review_with_htmx_swaps_only_the_review(editor_client, url):
    response = review(editor_client, url, **HTMX)
    assert "<html" not in response.text
    assert "Review the draft" in response.text
    assert 'hx-swap-oob="true"' in response.text  # clears old errors of the source form


def test_known_person_is_shown_and_reused(editor_client, url, reference):
    _, countries = reference
    hayashi = PersonFactory(family_name="Hayashi", given_name="Yoshimasa", country=countries["JP"])
    response = review(editor_client, url)
    assert "known person" in response.text
    assert response.text.count("new person") == 1
    response = save(editor_client, url, review_data(response))
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    people = [p.person for p in meeting.participations.order_by("order")]
    assert people[0] == hayashi
    assert Person.objects.filter(family_name__iexact="hayashi").count() == 1
    assert people[1].full_name == "Antony Blinken"


# Saving -------------------------------------------------------------------------------------------


def test_saving_creates_the_meeting_participants_and_ticked_commitments(editor_client, url, editor):
    response = save(editor_client, url, review_data(review(editor_client, url)))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting-detail", args=[meeting.pk])
    assert meeting.title == "Japan-U.S. Foreign Ministers’ Meeting"
    assert meeting.kind == "foreign_ministers"
    assert meeting.time_zone == "America/New_York"
    assert meeting.local_start == aware("2022-07-29 13:43", "America/New_York")
    assert meeting.japan_start.isoformat().startswith("2022-07-30T02:43")
    assert meeting.duration_minutes == 55
    assert meeting.readout_text == SEED_DRAFT.text
    participations = list(meeting.participations.select_related("person", "side"))
    assert [(p.person.full_name, p.side.code) for p in participations] == [
        ("HAYASHI Yoshimasa", "JP"),
        ("Antony Blinken", "US"),
    ]
    assert participations[0].title == "Minister for Foreign Affairs of Japan"
    commitments = list(meeting.commitments.order_by("quote_position"))
    assert [c.quote for c in commitments] == [c.quote for c in TICKED]
    for commitment, draft in zip(commitments, TICKED, strict=True):
        text = meeting.readout_text
        assert text[commitment.quote_position :][: len(commitment.quote)] == commitment.quote
        assert sorted(t.code for t in commitment.themes.all()) == sorted(draft.themes)
        assert sorted(p.code for p in commitment.parties.all()) == sorted(draft.parties)
        assert commitment.strength == draft.strength
        assert commitment.status == Status.NOT_STARTED
        assert commitment.lead_division == editor.divisions.get()
        assert StatusUpdate.objects.filter(commitment=commitment, author=editor).count() == 1
    message = str(next(iter(get_messages(response.wsgi_request))))
    assert "14 new commitments" in message
    assert "0 follow-ups recorded" in message


def keep_only(data: dict[str, list[str]], count: int) -> dict[str, list[str]]:
    """The review form with only the first ``count`` ticked rows still ticked."""
    ticked = [k for k in data if k.startswith("rows-") and k.endswith("-keep")]
    return {k: v for k, v in data.items() if k not in ticked[count:]}


# Saving the seed: 55 queries for the request, the re-read review, the meeting and its two
# participants, then 29 for each new commitment (services.commitment_create: the row, its themes
# and parties, their history, the journal entry and the search document). It grows with the
# rows, by a fixed step. The meeting's and people's search documents add 31: 5 for the meeting,
# 5 for each new person, 8 for each participant (the meeting's and the person's again).
SEARCH_DOCUMENTS = 5 + 2 * 5 + 2 * 8
# The agreed-language sentences: the readout's (none stored yet is read, then one INSERT), and
# one INSERT per new commitment for its quote.
AGREED_SENTENCES = 2
# Each journal entry sealed into the hash chain (lock the head, insert the link, move the head),
# and the saved import recorded in the security log (savepoint, insert, release).
JOURNAL_SEAL = 3
SECURITY_LOG = 3
PER_ROW = 29 + 1 + JOURNAL_SEAL


@pytest.mark.parametrize(
    ("rows", "queries"),
    [
        (2, 55 + SEARCH_DOCUMENTS + AGREED_SENTENCES + SECURITY_LOG + 2 * PER_ROW),
        (14, 55 + SEARCH_DOCUMENTS + AGREED_SENTENCES + SECURITY_LOG + 14 * PER_ROW),
    ],
)
def test_saving_runs_a_fixed_number_of_queries_per_row(
    editor_client, url, rows, queries, django_assert_num_queries
):
    data = keep_only(review_data(review(editor_client, url)), rows)
    # PostgreSQL also takes the advisory lock that serialises imports of one date.
    queries += connection.vendor == "postgresql"
    with django_assert_num_queries(queries):
        response = save(editor_client, url, data)
    assert response.status_code == 302
    assert Commitment.objects.count() == rows
    assert Participation.objects.count() == 2


def test_saving_with_htmx_redirects_the_client(editor_client, url):
    data = review_data(review(editor_client, url))
    response = save(editor_client, url, data, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == Meeting.objects.get().get_absolute_url()


def test_unticking_a_row_saves_one_fewer(editor_client, url):
    data = review_data(review(editor_client, url))
    del data[f"rows-{row_index(TPP)}-keep"]
    save(editor_client, url, data)
    titles = set(Commitment.objects.values_list("title", flat=True))
    assert len(titles) == len(TICKED) - 1
    assert TPP not in titles


def test_edited_title_strength_and_themes_are_saved(editor_client, url, reference):
    data = review_data(review(editor_client, url))
    index = row_index(TPP)
    data[f"rows-{index}-title"] = ["U.S. return to the TPP"]
    data[f"rows-{index}-strength"] = ["acknowledgement"]
    data[f"rows-{index}-themes"] = ["economic_order", "indo_pacific"]
    save(editor_client, url, data)
    commitment = Commitment.objects.get(title="U.S. return to the TPP")
    assert commitment.strength == "acknowledgement"
    assert {t.code for t in commitment.themes.all()} == {"economic_order", "indo_pacific"}


@pytest.fixture
def sanctions_commitment(reference, division):
    themes, countries = reference
    earlier = MeetingFactory(
        title="Japan-U.S. Summit Meeting", starts_at=aware("2022-05-23 10:00"), kind="summit"
    )
    return CommitmentFactory(
        origin_meeting=earlier,
        title="Strong sanction measures against Russia",
        quote="The two leaders confirmed their commitment to implement strong sanction measures "
        "against Russia, in coordination with the G7.",
        themes=[themes["russia_ukraine"]],
        parties=[countries["JP"], countries["US"]],
        lead_division=division,
        status=Status.IN_PROGRESS,
    )


def test_restated_open_commitment_is_offered_and_recorded_as_follow_up(
    editor_client, url, sanctions_commitment
):
    response = review(editor_client, url)
    index = row_index(SANCTIONS)
    data = review_data(response)
    assert "Follow-up of: Strong sanction measures against Russia" in response.text
    # A strong match is the default choice; other rows stay new commitments.
    assert data[f"rows-{index}-record_as"] == [str(sanctions_commitment.pk)]
    assert data[f"rows-{index}-outcome"] == ["reaffirmed"]
    assert f"rows-{row_index(TPP)}-record_as" not in data
    save(editor_client, url, data)
    meeting = Meeting.objects.exclude(pk=sanctions_commitment.origin_meeting_id).get()
    follow_up = FollowUp.objects.get()
    assert follow_up.commitment == sanctions_commitment
    assert follow_up.meeting == meeting
    assert follow_up.outcome == "reaffirmed"
    assert follow_up.quote == SEED_DRAFT.commitments[index].quote
    assert meeting.commitments.count() == len(TICKED) - 1
    assert not meeting.commitments.filter(title=SANCTIONS).exists()


def test_choosing_new_commitment_over_the_suggestion(editor_client, url, sanctions_commitment):
    data = review_data(review(editor_client, url))
    data[f"rows-{row_index(SANCTIONS)}-record_as"] = ["new"]
    save(editor_client, url, data)
    assert not FollowUp.objects.exists()
    assert Commitment.objects.filter(title=SANCTIONS).exists()


def test_closed_commitment_is_not_offered(editor_client, url, sanctions_commitment, editor):
    services.commitment_set_status(
        commitment=sanctions_commitment,
        expected_version=sanctions_commitment.version,
        user=editor,
        status="completed",
        note="Done.",
    )
    response = review(editor_client, url)
    assert "Follow-up of:" not in response.text


def test_reimport_is_refused_with_a_link_to_the_meeting(editor_client, url):
    save(editor_client, url, review_data(review(editor_client, url)))
    meeting = Meeting.objects.get()
    response = review(editor_client, url)
    assert "This readout was already imported" in response.text
    assert meeting.get_absolute_url() in response.text
    response = save(editor_client, url, review_data(response))
    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    assert Meeting.objects.count() == 1
    assert Commitment.objects.count() == len(TICKED)


def test_reimport_of_the_same_text_with_other_whitespace_is_refused(editor_client, url):
    save(editor_client, url, review_data(review(editor_client, url)))
    reflowed = SEED_TEXT.replace("\n", "\r\n").replace(". ", ".  ")
    response = save(editor_client, url, review_data(review(editor_client, url, reflowed)))
    assert "already imported" in response.text
    assert Meeting.objects.count() == 1


def test_a_failure_in_the_middle_of_saving_saves_nothing(editor_client, url, monkeypatch):
    real_create = services.commitment_create
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 2:
            raise ValidationError({"title": ["Refused for the test."]})
        return real_create(**kwargs)

    monkeypatch.setattr(readout_service, "commitment_create", failing_second)
    response = save(editor_client, url, review_data(review(editor_client, url)))
    assert response.status_code == 200
    assert len(calls) == 2
    assert "Refused for the test." in response.text
    assert "Nothing was saved" in response.text
    assert not Meeting.objects.exists()
    assert not Commitment.objects.exists()
    assert not StatusUpdate.objects.exists()
    assert not Person.objects.exists()
    assert not Participation.objects.exists()


def test_invalid_fields_are_shown_next_to_them_and_nothing_saved(editor_client, url):
    data = review_data(review(editor_client, url))
    data["meeting-time_zone"] = ["Mars/Olympus"]
    data["rows-1-title"] = [""]
    data["participants-0-country"] = [""]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "is not an IANA time zone" in response.text
    assert "Give the commitment a title, or untick it." in response.text
    assert "Choose the country, or untick this person." in response.text
    assert 'id="id_meeting-time_zone_error"' in response.text
    assert not Meeting.objects.exists()


def test_a_tampered_review_is_refused(editor_client, url):
    data = review_data(review(editor_client, url))
    data["rows-TOTAL_FORMS"] = ["3"]
    response = save(editor_client, url, data)
    assert "no longer matches its readout" in response.text
    assert not Meeting.objects.exists()


def test_a_missing_readout_in_the_review_form_is_explained(editor_client, url):
    data = review_data(review(editor_client, url))
    data["meeting-readout"] = [""]
    response = save(editor_client, url, data)
    assert "The readout text is missing" in response.text
    assert not Meeting.objects.exists()


# Who may import -----------------------------------------------------------------------------------


def test_viewer_may_not_import(client, viewer, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "review", "text": SEED_TEXT}).status_code == 403
    assert client.post(url, {"action": "save"}).status_code == 403


def test_manager_may_import(client, manager, url, reference):
    client.force_login(manager)
    response = save(client, url, review_data(review(client, url)))
    assert response.status_code == 302
    # A manager belongs to no division: the commitments have none.
    assert Commitment.objects.filter(lead_division__isnull=True).count() == len(TICKED)


def test_review_page_needs_csrf(editor, url, reference):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(url, {"action": "review", "text": SEED_TEXT}).status_code == 403


@pytest.fixture
def other_sanctions_commitment(reference, other_division):
    """Another division's open commitment that the sanctions paragraph restates just as well."""
    themes, countries = reference
    earlier = MeetingFactory(
        title="G7 Foreign Ministers’ Meeting", starts_at=aware("2022-05-14 10:00"), kind="other"
    )
    return CommitmentFactory(
        origin_meeting=earlier,
        title="Strong sanction measures against Russia with the G7",
        quote="The ministers confirmed their commitment to implement strong sanction measures "
        "against Russia, in coordination with the G7.",
        themes=[themes["russia_ukraine"]],
        parties=[countries["JP"], countries["US"], countries["G7"]],
        lead_division=other_division,
        status=Status.IN_PROGRESS,
    )


def test_editor_is_offered_only_their_own_divisions_as_lead(
    editor_client, url, division, other_division
):
    response = review(editor_client, url)
    for index in range(len(SEED_DRAFT.commitments)):
        assert select_options(response, f"rows-{index}-lead_division") == [str(division.pk)]


def test_manager_is_offered_every_division_and_none(client, manager, url, division, other_division):
    client.force_login(manager)
    response = review(client, url)
    options = select_options(response, "rows-0-lead_division")
    assert options == ["", str(division.pk), str(other_division.pk)]


def test_follow_up_of_another_divisions_commitment_is_not_offered_to_an_editor(
    editor_client, url, other_sanctions_commitment
):
    response = review(editor_client, url)
    data = review_data(response)
    index = row_index(SANCTIONS)
    assert "Follow-up of:" not in response.text
    assert f"rows-{index}-record_as" not in data
    response = save(editor_client, url, data)
    assert response.status_code == 302
    assert not FollowUp.objects.exists()
    saved = Commitment.objects.get(title=SANCTIONS)
    assert saved.lead_division == Division.objects.get(code="first-north-america")


def test_follow_up_of_a_commitment_the_editor_owns_is_offered(
    editor_client, url, editor, other_sanctions_commitment
):
    Commitment.objects.filter(pk=other_sanctions_commitment.pk).update(owner=editor)
    data = review_data(review(editor_client, url))
    assert data[f"rows-{row_index(SANCTIONS)}-record_as"] == [str(other_sanctions_commitment.pk)]
    save(editor_client, url, data)
    assert FollowUp.objects.get().commitment == other_sanctions_commitment


def test_only_the_editors_candidates_are_offered_and_the_manager_sees_both(
    client, editor, manager, url, reference, sanctions_commitment, other_sanctions_commitment
):
    client.force_login(editor)
    name = f"rows-{row_index(SANCTIONS)}-record_as"
    response = review(client, url)
    assert f'name="{name}" value="{sanctions_commitment.pk}"' in response.text
    assert f'name="{name}" value="{other_sanctions_commitment.pk}"' not in response.text
    client.force_login(manager)
    response = review(client, url)
    assert f'name="{name}" value="{sanctions_commitment.pk}"' in response.text
    assert f'name="{name}" value="{other_sanctions_commitment.pk}"' in response.text


@pytest.mark.parametrize(
    "forged",
    ["other", "", "\x00", "9" * 40, "-1", "1 OR 1=1", "\u202e1"],
)
def test_a_forged_lead_division_is_refused_and_nothing_saved(
    editor_client, url, other_division, forged
):
    data = review_data(review(editor_client, url))
    index = row_index(TPP)
    value = str(other_division.pk) if forged == "other" else forged
    data[f"rows-{index}-lead_division"] = [value]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    assert "you may create commitments only for your own divisions" in response.text.lower()
    assert f'id="id_rows-{index}-lead_division_error"' in response.text
    assert not Meeting.objects.exists()
    assert not Commitment.objects.exists()
    assert not StatusUpdate.objects.exists()


def test_an_editor_without_a_division_cannot_save_new_commitments(client, url, reference):
    loner = UserFactory(username="loner", roles=["Editor"])
    client.force_login(loner)
    data = review_data(review(client, url))
    response = save(client, url, data)
    assert response.status_code == 200
    assert "you belong to none" in response.text
    assert not Meeting.objects.exists()
    # Unticking every row saves the meeting alone.
    for key in [k for k in data if k.endswith("-keep") and k.startswith("rows-")]:
        del data[key]
    assert save(client, url, data).status_code == 302
    assert Meeting.objects.count() == 1
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("row", [SANCTIONS, TPP])
def test_a_forged_follow_up_of_another_divisions_commitment_is_refused(
    editor_client, url, sanctions_commitment, other_sanctions_commitment, row
):
    # SANCTIONS offers the editor's own commitment only; TPP offers no follow-up at all.
    data = review_data(review(editor_client, url))
    index = row_index(row)
    data[f"rows-{index}-record_as"] = [str(other_sanctions_commitment.pk)]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "You may record follow-ups only of commitments of your divisions" in response.text
    assert not FollowUp.objects.exists()
    assert Meeting.objects.count() == 2  # the two origin meetings, nothing new
    assert Commitment.objects.count() == 2


@pytest.mark.parametrize("forged", ["\x00", "9" * 40, "-1", "new\x00", "<b>1</b>"])
def test_hostile_follow_up_choices_are_refused(editor_client, url, sanctions_commitment, forged):
    data = review_data(review(editor_client, url))
    data[f"rows-{row_index(SANCTIONS)}-record_as"] = [forged]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "You may record follow-ups only" in response.text
    assert "<b>1</b>" not in response.text
    assert not FollowUp.objects.exists()


def test_manager_may_lead_by_any_division_and_follow_up_any_commitment(
    client, manager, url, other_division, other_sanctions_commitment
):
    client.force_login(manager)
    data = review_data(review(client, url))
    data[f"rows-{row_index(TPP)}-lead_division"] = [str(other_division.pk)]
    assert save(client, url, data).status_code == 302
    assert Commitment.objects.get(title=TPP).lead_division == other_division
    assert FollowUp.objects.get().commitment == other_sanctions_commitment


def test_readout_save_checks_the_rows_again(editor, division, other_sanctions_commitment):
    """The service refuses what the review did not offer, whichever door the rows came from."""
    meeting = MeetingData(
        title="Japan-U.S. Foreign Ministers’ Meeting",
        kind="foreign_ministers",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
        readout_text=SEED_DRAFT.text,
    )
    row = RowData(index=3, title="T", quote="Q", quote_position=None, strength="joint")
    for forged, field in (
        ({"follow_up_of": other_sanctions_commitment}, "follow_up_of"),
        ({"lead_division": other_sanctions_commitment.lead_division}, "lead_division"),
        ({"lead_division": None}, "lead_division"),
    ):
        with pytest.raises(ImportRowError) as caught:
            readout_save(
                user=editor,
                meeting=meeting,
                participants=[],
                rows=[RowData(**{**row.__dict__, **forged})],
            )
        assert caught.value.index == 3
        assert field in caught.value.error.message_dict
    assert Meeting.objects.count() == 1  # the other commitment's origin only
    assert not FollowUp.objects.exists()
    result = readout_save(
        user=editor,
        meeting=meeting,
        participants=[],
        rows=[RowData(**{**row.__dict__, "lead_division": division})],
    )
    assert result.commitments[0].lead_division == division


# The meeting's start ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "zone"),
    [
        ("0001-01-01T00:00", "Asia/Tokyo"),
        ("0001-01-01", "Pacific/Kiritimati"),
        ("9999-12-31T23:59", "Etc/GMT+12"),
        ("9999-12-31T00:00", "Asia/Tokyo"),
        ("1899-12-31T23:59", "UTC"),
        ("2200-01-01T00:00", "UTC"),
    ],
)
def test_a_start_at_the_ends_of_the_calendar_is_a_field_error(editor_client, url, start, zone):
    data = review_data(review(editor_client, url))
    data["meeting-starts_at"] = [start]
    data["meeting-time_zone"] = [zone]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "Enter a start between the years 1900 and 2199." in response.text
    assert 'id="id_meeting-starts_at_error"' in response.text
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "start", ["2022-07-29T13:43\x00", "99999-01-01T00:00", "9" * 5000, "2022-13-45T25:61", "\u0660"]
)
def test_a_hostile_start_is_a_field_error(editor_client, url, start):
    data = review_data(review(editor_client, url))
    data["meeting-starts_at"] = [start]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "Enter a date and time such as 2022-07-29 13:43." in response.text
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("start", "zone"),
    [("1900-01-01T00:00", "Pacific/Kiritimati"), ("2199-12-31T23:59", "Etc/GMT+12")],
)
def test_the_first_and_last_years_are_accepted(editor_client, url, start, zone):
    data = review_data(review(editor_client, url))
    data["meeting-starts_at"] = [start]
    data["meeting-time_zone"] = [zone]
    assert save(editor_client, url, data).status_code == 302
    assert Meeting.objects.get().local_start.replace(tzinfo=None).isoformat().startswith(start)


@pytest.mark.parametrize("date", ["December 31, 9999", "January 1, 0001"])
def test_a_readout_dated_at_the_ends_of_the_calendar_is_reviewed_then_refused(
    editor_client, url, sanctions_commitment, date
):
    text = SEED_TEXT.replace("July 29, 2022", date)
    assert text != SEED_TEXT
    response = review(editor_client, url, text)
    assert "Review the draft" in response.text
    response = save(editor_client, url, review_data(response))
    assert response.status_code == 200
    assert "Enter a start between the years 1900 and 2199." in response.text
    assert Meeting.objects.count() == 1  # the sanctions commitment's origin only


# Files and odd input ------------------------------------------------------------------------------


def test_empty_text_asks_for_a_readout(editor_client, url):
    response = editor_client.post(url, {"action": "review", "text": "   "})
    assert response.status_code == 200
    assert "Paste a readout or choose a file." in response.text
    assert "Review the draft" not in response.text


def test_empty_text_with_htmx_retargets_the_source_form(editor_client, url):
    response = editor_client.post(url, {"action": "review", "text": ""}, **HTMX)
    assert response["HX-Retarget"] == "#source-form"
    assert "Paste a readout or choose a file." in response.text


def test_text_file_upload(editor_client, url):
    upload = SimpleUploadedFile("readout.txt", SEED_TEXT.encode(), content_type="text/plain")
    response = editor_client.post(url, {"action": "review", "file": upload})
    assert review_data(response)["meeting-title"] == ["Japan-U.S. Foreign Ministers’ Meeting"]


def test_html_file_upload(editor_client, url):
    paragraphs = "".join(f"<li>{line[2:]}</li>" for line in SEED_TEXT.splitlines()[5:])
    page = (
        "<!DOCTYPE html><html><head><title>MOFA</title><script>x()</script></head><body>"
        "<nav>Home &gt; Japan-U.S.</nav><h1>Japan-U.S. Foreign Ministers’ Meeting</h1>"
        "<p>July 29, 2022</p><p>" + SEED_TEXT.splitlines()[4] + "</p><ul>" + paragraphs + "</ul>"
        "</body></html>"
    )
    upload = SimpleUploadedFile("readout.html", page.encode("utf-8-sig"), "text/html")
    response = editor_client.post(url, {"action": "review", "file": upload})
    data = review_data(response)
    assert data["meeting-title"] == ["Japan-U.S. Foreign Ministers’ Meeting"]
    assert "pasted as HTML" in response.text
    response = save(editor_client, url, data)
    assert response.status_code == 302
    assert "<li>" not in Meeting.objects.get().readout_text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("readout.txt", bytes(range(256)) * 4, "is not UTF-8 text"),
        ("readout.txt", b"\xff\xfe\x00J\x00a\x00p", "is not UTF-8 text"),
        ("readout.txt", b"Meeting\x00 text", "is not UTF-8 text"),
        ("readout.pdf", b"%PDF-1.7", "is not a .txt, .html or .htm file"),
        ("readout.txt", b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_bad_uploads_get_a_clear_message(editor_client, url, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = editor_client.post(url, {"action": "review", "file": upload})
    assert response.status_code == 200
    assert message in response.text
    assert "Review the draft" not in response.text


@pytest.mark.parametrize(
    "text",
    [
        "日米外相会談\n2022年7月29日\n\n林外務大臣とブリンケン国務長官は、ロシアへの制裁を継続することで一致した。",
        "Nothing here looks like a readout, and there is no list at all",
        "<p>Just <b>HTML</b></p><script>alert(1)</script>",
        "\x01\x02\ufffd\u202e" * 50,
    ],
)
def test_odd_text_gives_a_sparse_draft(editor_client, url, text):
    response = review(editor_client, url, text)
    assert "Review the draft" in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_a_megabyte_paste_is_reviewed(editor_client, url):
    big = (SEED_TEXT + "\n") * (1_000_000 // len(SEED_TEXT) + 1)
    started = time.perf_counter()
    response = review(editor_client, url, big)
    assert time.perf_counter() - started < 10
    assert "more drafted commitments are not shown" in response.text
    data = review_data(response)
    assert int(data["rows-TOTAL_FORMS"][0]) == 60


def test_a_sparse_draft_without_a_date_asks_for_one(editor_client, url):
    data = review_data(review(editor_client, url, "Some text without a date or a meeting."))
    assert data["meeting-starts_at"] == [""]
    response = save(editor_client, url, data)
    assert "This field is required." in response.text
    assert not Meeting.objects.exists()


def test_nul_characters_in_a_posted_review_are_refused_not_a_server_error(editor_client, url):
    # PostgreSQL refuses NUL even in a query: the re-import and known-person look-ups skip it.
    data = review_data(review(editor_client, url))
    data["meeting-readout"] = [SEED_TEXT[:50] + "\x00" + SEED_TEXT[50:]]
    data["participants-0-family_name"] = ["HAYA\x00SHI"]
    data["participants-1-given_name"] = ["\x00"]
    response = save(editor_client, url, data)
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text
    assert not Meeting.objects.exists()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=3000))
def test_property_review_always_answers(editor_client, url, text):
    response = editor_client.post(url, {"action": "review", "text": text})
    assert response.status_code == 200


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "meeting-title",
                "meeting-starts_at",
                "meeting-time_zone",
                "meeting-duration_minutes",
                "rows-TOTAL_FORMS",
                "rows-0-keep",
                "rows-0-title",
                "rows-0-record_as",
                "participants-TOTAL_FORMS",
                "participants-0-country",
            ]
        ),
        st.text(max_size=40),
    ),
    readout=st.text(max_size=500),
)
def test_property_save_never_fails_and_never_half_saves(editor_client, url, fields, readout):
    data = {"action": "save", "meeting-readout": readout, **fields}
    response = editor_client.post(url, data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not Meeting.objects.exists()


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=2000))
def test_property_parser_quotes_are_verbatim(text):
    draft = parse_readout(text)
    for commitment in draft.commitments:
        assert draft.text[commitment.position :][: len(commitment.quote)] == commitment.quote
    json.dumps(draft.to_dict())


# The import_readout command -----------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_readout", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_json_follows_the_schema():
    out, _ = run(str(SEED), "--json")
    draft = json.loads(out)
    assert draft["file"] == str(SEED)
    meeting = draft["meeting"]
    for key in (
        "title",
        "kind",
        "date",
        "start_local",
        "start_japan",
        "utc_offset",
        "duration_minutes",
        "place",
    ):
        assert key in meeting
    assert meeting["date"] == "2022-07-29"
    assert meeting["start_local"] == "2022-07-29T13:43-04:00"
    assert meeting["start_japan"] == "2022-07-30T02:43+09:00"
    assert meeting["utc_offset"] == "-04:00"
    assert meeting["duration_minutes"] == 55
    assert {"name", "title", "country"} <= set(draft["participants"][0])
    for key in ("quote", "title", "strength", "themes", "parties", "selected"):
        assert key in draft["commitments"][0]
    assert {m["date"] for m in draft["mentions"]} >= {"2022-06-29", "2022-07-08"}


def test_command_json_prints_one_line_per_file(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text(
        "Japan-U.S. Summit Telephone Talk\nOn May 5, 2023, the leaders agreed to meet."
    )
    out, _ = run(str(SEED), str(other), "--json")
    lines = out.splitlines()
    assert [json.loads(line)["file"] for line in lines] == [str(SEED), str(other)]


def test_command_without_options_prints_a_summary():
    out, _ = run(str(SEED))
    assert "Japan-U.S. Foreign Ministers’ Meeting (2022-07-29), 14 of 16" in out


def test_command_save(editor, reference, division):
    _, err = run(str(SEED), "--save", "--user", "editor")
    meeting = Meeting.objects.get()
    assert "saved" in err
    assert meeting.commitments.count() == len(TICKED)
    assert meeting.participations.count() == 2
    assert set(meeting.commitments.values_list("lead_division", flat=True)) == {division.pk}
    assert StatusUpdate.objects.filter(author=editor).count() == len(TICKED)


def test_command_save_with_division_and_follow_up(editor, sanctions_commitment):
    other = DivisionFactory(code="russia-desk")
    other.members.add(editor)  # the editor's second division
    run(str(SEED), "--save", "--user", "editor", "--division", "russia-desk")
    meeting = Meeting.objects.get(title="Japan-U.S. Foreign Ministers’ Meeting")
    assert set(meeting.commitments.values_list("lead_division", flat=True)) == {other.pk}
    assert FollowUp.objects.get().commitment == sanctions_commitment


def test_command_refuses_a_reimport(editor, reference):
    run(str(SEED), "--save", "--user", "editor")
    with pytest.raises(CommandError, match="already imported"):
        run(str(SEED), "--save", "--user", "editor")
    assert Meeting.objects.count() == 1


def test_command_skips_participants_of_unknown_countries(editor):
    _, err = run(str(SEED), "--save", "--user", "editor")
    assert "country “JP” is not in the database" in err
    assert Meeting.objects.get().participations.count() == 0


def test_command_refuses_a_readout_without_a_date(editor, tmp_path):
    undated = tmp_path / "undated.txt"
    undated.write_text("The two ministers agreed to meet again.")
    with pytest.raises(CommandError, match="undated.txt: no meeting date"):
        run(str(undated), "--save", "--user", "editor")
    assert not Meeting.objects.exists()


def test_command_errors(editor, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="missing.txt: cannot be read"):
        run(str(missing))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)))
    # Every file is read first: the good one before the bad one is not saved either.
    with pytest.raises(CommandError, match="binary.txt: .*not UTF-8"):
        run(str(SEED), str(binary), "--save", "--user", "editor")
    assert not Meeting.objects.exists()
    with pytest.raises(CommandError, match="--user"):
        run(str(SEED), "--save")
    with pytest.raises(CommandError, match="no user “nobody”"):
        run(str(SEED), "--save", "--user", "nobody")
    with pytest.raises(CommandError, match="no division"):
        run(str(SEED), "--save", "--user", "editor", "--division", "nope")


def test_command_exit_code_is_non_zero_for_an_unreadable_file(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "import_readout", str(tmp_path / "gone.txt")],
        cwd=pathlib.Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "", "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode != 0
    assert "gone.txt" in result.stderr


def test_command_refuses_users_without_the_import_permission(viewer, clerk, reference):
    for username in ("viewer", "clerk"):
        with pytest.raises(CommandError, match=f"“{username}” may not import readouts"):
            run(str(SEED), "--save", "--user", username)
    assert not Meeting.objects.exists()
    assert not Commitment.objects.exists()


def test_command_refuses_an_inactive_editor(editor, reference):
    editor.is_active = False
    editor.save()
    with pytest.raises(CommandError, match="may not import readouts"):
        run(str(SEED), "--save", "--user", "editor")
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("username", ["vie\x00wer", "viewer\n", "x" * 10_000, "‮viewer"])
def test_command_hostile_user_names_are_unknown_users(viewer, username):
    with pytest.raises(CommandError, match="There is no user"):
        run(str(SEED), "--save", "--user", username)
    assert not Meeting.objects.exists()


def test_command_refuses_a_division_the_editor_does_not_belong_to(editor, other_division):
    with pytest.raises(CommandError, match="may not create commitments for division"):
        run(str(SEED), "--save", "--user", "editor", "--division", other_division.code)
    assert not Meeting.objects.exists()


def test_command_records_no_follow_up_of_another_divisions_commitment(
    editor, division, other_sanctions_commitment
):
    run(str(SEED), "--save", "--user", "editor")
    assert not FollowUp.objects.exists()
    assert Commitment.objects.get(title=SANCTIONS).lead_division == division


def test_command_as_manager_records_the_follow_up(manager, other_sanctions_commitment):
    run(str(SEED), "--save", "--user", "manager")
    assert FollowUp.objects.get().commitment == other_sanctions_commitment


def test_command_refuses_an_editor_without_a_division(reference):
    UserFactory(username="loner", roles=["Editor"])
    with pytest.raises(CommandError, match=r"commitment \d+: .*you belong to none"):
        run(str(SEED), "--save", "--user", "loner")
    assert not Meeting.objects.exists()


def test_command_refuses_a_readout_dated_at_the_end_of_the_calendar(editor, reference, tmp_path):
    far = tmp_path / "far.txt"
    far.write_text(SEED_TEXT.replace("July 29, 2022", "December 31, 9999"), encoding="utf-8")
    with pytest.raises(CommandError, match="far.txt: Enter a start between the years 1900"):
        run(str(far), "--save", "--user", "editor")
    assert not Meeting.objects.exists()
