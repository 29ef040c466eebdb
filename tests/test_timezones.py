"""Time zones as people read them, and one date per meeting wherever it is shown."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import CommitmentFactory, FollowUpFactory, MeetingFactory, aware
from tracker import timezones
from tracker.templatetags.tracker_tags import zone_label

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _seed_meeting(**extra):
    # 1:43 p.m. in Washington on 29 July 2022 was 2:43 a.m. on 30 July in Tokyo.
    return MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
        place="Department of State, Washington, D.C.",
        **extra,
    )


# The label ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        (
            "America/New_York",
            aware("2022-07-29 13:43", "America/New_York"),
            "Washington time (UTC−4)",
        ),
        (
            "America/New_York",
            aware("2023-01-11 10:00", "America/New_York"),
            "Washington time (UTC−5)",
        ),
        ("Asia/Tokyo", aware("2022-07-29 13:43"), "Japan time (UTC+9)"),
        ("Asia/Kolkata", aware("2023-03-01 10:00"), "New Delhi time (UTC+5:30)"),
        ("Asia/Kathmandu", aware("2023-03-01 10:00"), "Kathmandu time (UTC+5:45)"),
        ("America/St_Johns", aware("2023-01-01 10:00"), "St Johns time (UTC−3:30)"),
        ("Europe/London", aware("2023-01-01 10:00"), "London time (UTC+0)"),
        ("Europe/London", aware("2023-07-01 10:00"), "London time (UTC+1)"),
        ("UTC", aware("2023-07-01 10:00"), "UTC"),
    ],
)
def test_zone_label_names_the_city_and_the_offset_at_that_time(zone, at, expected):
    with translation.override("en"):
        assert timezones.zone_label(zone, at) == expected


def test_zone_label_in_japanese():
    at = aware("2022-07-29 13:43", "America/New_York")
    with translation.override("ja"):
        assert timezones.zone_label("America/New_York", at) == "ワシントン時間（UTC−4）"
        assert timezones.zone_label("Asia/Tokyo", at) == "日本時間（UTC+9）"


@pytest.mark.parametrize("junk", ["", "Mars/Olympus", "../../etc/passwd", "a\x00b", "x" * 10_000])
def test_zone_label_of_a_name_that_is_no_zone_never_raises(junk):
    # Shown as entered (or nothing): an older row or an import may hold anything.
    assert timezones.zone_label(junk) == junk


def test_zone_options_put_the_usual_zone_of_the_place_first_and_offer_all():
    options = timezones.zone_options(first=timezones.usual_zone("Washington, D.C."))
    assert options[0][0] == "America/New_York"
    names = [name for name, _ in options]
    assert len(names) == len(set(names)) > 400
    assert "Asia/Tokyo" in names


# Meeting pages ------------------------------------------------------------------------------------


def test_meeting_page_names_the_zone_not_its_iana_name(editor_client):
    meeting = _seed_meeting()
    response = editor_client.get(meeting.get_absolute_url())
    text = response.text
    assert "Washington time (UTC−4)" in text
    assert "America/New_York" not in text
    assert "July 30, 2022, 2:43 a.m." in text  # Japan time as well


def test_meeting_page_in_japanese_names_the_zone_in_japanese(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "ja"
    meeting = _seed_meeting()
    text = client.get(meeting.get_absolute_url()).text
    assert "ワシントン時間（UTC−4）" in text
    assert "America/New_York" not in text


def test_meeting_list_and_commitment_page_name_the_zone(editor_client, division):
    commitment = CommitmentFactory(origin_meeting=_seed_meeting(), lead_division=division)
    for url in (reverse("meeting-list"), commitment.get_absolute_url()):
        text = editor_client.get(url).text
        assert "Washington time (UTC−4)" in text
        assert "America/New_York" not in text


def test_admin_meeting_list_names_the_zone(client, admin_user):
    client.force_login(admin_user)
    _seed_meeting()
    text = client.get(reverse("admin:tracker_meeting_changelist")).text
    assert "July 29, 2022, 1:43 p.m. · Washington time (UTC−4)" in text


# One date per meeting: the timeline says what the side panel says ---------------------------------


def _timeline(text: str) -> str:
    return re.search(r'<ol class="timeline" id="timeline">(.*?)</ol>', text, re.S).group(1)


def test_timeline_dates_a_followup_meeting_as_the_side_panel_does(editor_client, division):
    origin = MeetingFactory(starts_at=aware("2022-07-01 10:00"))
    commitment = CommitmentFactory(origin_meeting=origin, lead_division=division)
    FollowUpFactory(commitment=commitment, meeting=_seed_meeting())
    text = editor_client.get(commitment.get_absolute_url()).text
    timeline = _timeline(text)
    # Held on 29 July where it was held; in Tokyo it was already 30 July.
    assert "July 29, 2022" in timeline
    assert "July 30, 2022" not in timeline
    assert '<time datetime="2022-07-29">' in timeline
    assert "Washington time (UTC−4)" in timeline
    panel = text.split('id="followups-heading"', 1)[1]
    assert "(July 29, 2022)" in panel


def test_timeline_in_japanese_dates_the_meeting_where_it_was_held(client, editor, division):
    client.force_login(editor)
    client.cookies["django_language"] = "ja"
    origin = MeetingFactory(starts_at=aware("2022-07-01 10:00"))
    commitment = CommitmentFactory(origin_meeting=origin, lead_division=division)
    FollowUpFactory(commitment=commitment, meeting=_seed_meeting())
    timeline = _timeline(client.get(commitment.get_absolute_url()).text)
    assert "2022年7月29日" in timeline
    assert "2022年7月30日" not in timeline
    assert "ワシントン時間（UTC−4）" in timeline


# Follow-up links: a meeting already linked is not offered again ---------------------------------


def test_followup_form_does_not_offer_meetings_already_linked(editor_client, division):
    origin = MeetingFactory(title="Origin talks", starts_at=aware("2022-07-01 10:00"))
    commitment = CommitmentFactory(origin_meeting=origin, lead_division=division)
    linked = MeetingFactory(title="Linked summit", starts_at=aware("2022-09-01 10:00"))
    FollowUpFactory(commitment=commitment, meeting=linked)
    other = CommitmentFactory(origin_meeting=origin, lead_division=division)
    shared = MeetingFactory(title="Other item's summit", starts_at=aware("2022-10-01 10:00"))
    FollowUpFactory(commitment=other, meeting=shared)
    fresh = MeetingFactory(title="Fresh dialogue", starts_at=aware("2022-11-01 10:00"))

    url = reverse("followup-create", args=[commitment.pk])
    page = editor_client.get(url).text
    search = editor_client.get(
        reverse("meeting-search"), {"q": "", "commitment": commitment.pk}, **HTMX
    ).text
    for text in (page, search):
        assert f'value="{fresh.pk}"' in text
        assert f'value="{shared.pk}"' in text  # linked to another commitment only
        assert f'value="{linked.pk}"' not in text
        assert f'value="{origin.pk}"' not in text
    # Refused after a double link attempt, the list shown again still leaves it out.
    response = editor_client.post(url, {"meeting": linked.pk, "outcome": "reaffirmed"}, **HTMX)
    assert "already linked" in response.text
    assert f'name="meeting" value="{linked.pk}"' not in response.text


def test_followup_search_with_hostile_text_answers(editor_client, division):
    commitment = CommitmentFactory(lead_division=division)
    for text in ("\x01\x7f", "'; DROP TABLE x; --", "会談" * 200):
        response = editor_client.get(reverse("followup-create", args=[commitment.pk]), {"q": text})
        assert response.status_code == 200


def test_zone_label_filter_on_a_meeting_with_no_start():
    assert zone_label(None) == ""
    meeting = MeetingFactory.build(
        time_zone="Asia/Tokyo", starts_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    with translation.override("en"):
        assert zone_label(meeting) == "Japan time (UTC+9)"
