"""The calendar feeds, through the client: the page makes an address, a calendar app reads it.

Each feed is parsed back with icalendar, as a calendar app would read it.
"""

from __future__ import annotations

import datetime
import hashlib
import re

import icalendar
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CommitmentFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    UserFactory,
    aware,
)
from tracker import calendar_feed, services
from tracker.models import CalendarFeedKind, CalendarToken, Status
from tracker.permissions import Role

pytestmark = pytest.mark.django_db

FEED_URL = re.compile(r'value="(http://testserver/calendar/([A-Za-z0-9_-]+)\.ics)"')


def _today() -> datetime.date:
    return timezone.localdate()


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issue(user, kind: str = "personal", division=None) -> str:
    """Make an address on the page, as a user would; its path, as the page showed it."""
    data = {"kind": kind} | ({"division": division.pk} if division else {})
    response = _login(user).post(reverse("calendar-feed-regenerate"), data)
    assert response.status_code == 200
    urls = FEED_URL.findall(response.content.decode())
    assert len(urls) == 1, urls
    return urls[0][0].removeprefix("http://testserver")


def _read(path: str, **headers) -> icalendar.Calendar:
    # A fresh client: a calendar app has no session and no cookie.
    response = Client().get(path, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _uid(name: str) -> str:
    return f"{name}@{calendar_feed.UID_DOMAIN}"


# What it holds --------------------------------------------------------------------------------


def test_meeting_keeps_the_place_time_zone_and_commitment_dates_are_all_day(editor, division):
    day = _today() + datetime.timedelta(days=20)
    washington = MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Meeting",
        starts_at=aware(f"{day} 13:43", "America/New_York"),
        time_zone="America/New_York",
        duration_minutes=50,
        place="Washington, D.C.",
    )
    commitment = CommitmentFactory(
        origin_meeting=washington,
        lead_division=division,
        target_date=day + datetime.timedelta(days=30),
        next_review_date=day + datetime.timedelta(days=7),
    )
    path = _issue(editor)
    response = Client().get(path)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert not response.cookies
    calendar = icalendar.Calendar.from_ical(response.content)

    assert str(calendar["PRODID"]) == calendar_feed.PRODUCT_ID
    assert "Commitment tracker" in str(calendar["X-WR-CALNAME"])
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert "America/New_York" in zones
    events = _events(calendar)
    meeting = events[_uid(f"meeting-{washington.pk}")]
    assert meeting["DTSTART"].params["TZID"] == "America/New_York"
    start = meeting.decoded("DTSTART")
    assert (start.hour, start.minute, start.date()) == (13, 43, day)
    assert str(start.tzinfo) == "America/New_York"
    assert meeting.decoded("DTEND") - start == datetime.timedelta(minutes=50)
    assert b"DTSTART;TZID=America/New_York:" + f"{day:%Y%m%d}T134300".encode() in response.content
    assert str(meeting["LOCATION"]) == "Washington, D.C."
    assert str(meeting["URL"]) == f"http://testserver/meetings/{washington.pk}/"

    target = events[_uid(f"commitment-{commitment.pk}-target")]
    assert target.decoded("DTSTART") == commitment.target_date
    assert not isinstance(target.decoded("DTSTART"), datetime.datetime)
    assert target.decoded("DTEND") == commitment.target_date + datetime.timedelta(days=1)
    assert str(target["TRANSP"]) == "TRANSPARENT"
    assert target["SEQUENCE"] == commitment.version
    assert commitment.title in str(target["SUMMARY"])
    review = events[_uid(f"commitment-{commitment.pk}-review")]
    assert review.decoded("DTSTART") == commitment.next_review_date
    for event in events.values():
        assert "DTSTAMP" in event
        assert "LAST-MODIFIED" in event


def test_a_meeting_without_a_start_time_is_all_day_on_its_local_dates(editor):
    # 23:30 UTC is the next morning in Tokyo: the local date, not the UTC one, is the day.
    day = _today() + datetime.timedelta(days=10)
    meeting = MeetingFactory(
        starts_at=datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=datetime.UTC),
        time_zone="Asia/Tokyo",
        start_time_known=False,
        duration_minutes=None,
        end_date=day + datetime.timedelta(days=2),
    )
    CommitmentFactory(origin_meeting=meeting, owner=editor)
    event = _events(_read(_issue(editor)))[_uid(f"meeting-{meeting.pk}")]
    assert event.decoded("DTSTART") == day + datetime.timedelta(days=1)
    assert event.decoded("DTEND") == day + datetime.timedelta(days=3)
    assert not isinstance(event.decoded("DTSTART"), datetime.datetime)


def test_feed_has_follow_up_meetings_and_coming_meetings_of_the_follow_up_venue(editor, division):
    series = MeetingSeriesFactory(name="Japan-U.S. Security Consultative Committee")
    commitment = CommitmentFactory(lead_division=division, follow_up_venue=series)
    later = FollowUpFactory(commitment=commitment).meeting
    coming = MeetingFactory(series=series, starts_at=timezone.now() + datetime.timedelta(days=40))
    past_of_series = MeetingFactory(
        series=series, starts_at=timezone.now() - datetime.timedelta(days=5)
    )
    unrelated = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=3))
    too_old = MeetingFactory(starts_at=timezone.now() - datetime.timedelta(days=200))
    CommitmentFactory(origin_meeting=too_old, lead_division=division)

    uids = set(_events(_read(_issue(editor))))
    assert _uid(f"meeting-{commitment.origin_meeting_id}") in uids
    assert _uid(f"meeting-{later.pk}") in uids
    assert _uid(f"meeting-{coming.pk}") in uids
    assert _uid(f"meeting-{past_of_series.pk}") not in uids
    assert _uid(f"meeting-{unrelated.pk}") not in uids
    assert _uid(f"meeting-{too_old.pk}") not in uids


def test_uids_stay_the_same_from_one_fetch_to_the_next(editor):
    CommitmentFactory(owner=editor, target_date=_today())
    path = _issue(editor)
    assert set(_events(_read(path))) == set(_events(_read(path)))


# Whose items ----------------------------------------------------------------------------------


def test_another_users_items_never_appear(editor, other_editor, division, other_division):
    soon = _today() + datetime.timedelta(days=5)
    led = CommitmentFactory(lead_division=division, target_date=soon)
    owned_elsewhere = CommitmentFactory(
        lead_division=other_division, owner=editor, target_date=soon
    )
    theirs = CommitmentFactory(lead_division=other_division, owner=other_editor, target_date=soon)
    done = CommitmentFactory(lead_division=division, target_date=soon, status=Status.COMPLETED)
    archived = CommitmentFactory(lead_division=division, target_date=soon, is_archived=True)

    uids = set(_events(_read(_issue(editor))))
    assert _uid(f"commitment-{led.pk}-target") in uids
    assert _uid(f"commitment-{owned_elsewhere.pk}-target") in uids
    for hidden in (theirs, done, archived):
        assert _uid(f"commitment-{hidden.pk}-target") not in uids
    assert _uid(f"meeting-{theirs.origin_meeting_id}") not in uids


def test_dates_older_than_the_window_are_left_out(editor):
    old = _today() - datetime.timedelta(days=calendar_feed.PAST_DAYS + 1)
    commitment = CommitmentFactory(owner=editor, target_date=old, next_review_date=_today())
    uids = set(_events(_read(_issue(editor))))
    assert _uid(f"commitment-{commitment.pk}-target") not in uids
    assert _uid(f"commitment-{commitment.pk}-review") in uids


def test_manager_reads_their_divisions_feed_and_nothing_else(division, other_division):
    manager = UserFactory(username="boss", roles=[Role.MANAGER], divisions=[division])
    soon = _today() + datetime.timedelta(days=3)
    ours = CommitmentFactory(lead_division=division, target_date=soon)
    other = CommitmentFactory(lead_division=other_division, target_date=soon)
    calendar = _read(_issue(manager, "division", division))
    uids = set(_events(calendar))
    assert _uid(f"commitment-{ours.pk}-target") in uids
    assert _uid(f"commitment-{other.pk}-target") not in uids
    assert division.name in str(calendar["X-WR-CALNAME"])
    # Not a manager of that division: refused, and nothing made.
    response = _login(manager).post(
        reverse("calendar-feed-regenerate"), {"kind": "division", "division": other_division.pk}
    )
    assert response.status_code == 403
    assert not CalendarToken.objects.filter(division=other_division).exists()


def test_an_editor_cannot_get_a_division_feed(editor, division):
    response = _login(editor).post(
        reverse("calendar-feed-regenerate"), {"kind": "division", "division": division.pk}
    )
    assert response.status_code == 403
    assert not CalendarToken.objects.exists()
    page = _login(editor).get(reverse("calendar-feeds")).content.decode()
    assert "Division calendar" not in page


def test_a_manager_who_lost_the_role_gets_no_division_feed(division):
    manager = UserFactory(username="boss", roles=[Role.MANAGER], divisions=[division])
    path = _issue(manager, "division", division)
    _read(path)
    manager.groups.remove(Group.objects.get(name=Role.MANAGER))
    assert Client().get(path).status_code == 404


def test_a_manager_who_left_the_division_gets_no_division_feed(division):
    manager = UserFactory(username="boss", roles=[Role.MANAGER], divisions=[division])
    path = _issue(manager, "division", division)
    division.members.remove(manager)
    assert Client().get(path).status_code == 404


def test_an_inactive_users_feed_answers_404(editor):
    path = _issue(editor)
    editor.is_active = False
    editor.save()
    assert Client().get(path).status_code == 404


# The address ----------------------------------------------------------------------------------


def test_regenerating_kills_the_old_address_and_revoking_the_new(editor):
    old = _issue(editor)
    new = _issue(editor)
    assert old != new
    assert Client().get(old).status_code == 404
    _read(new)
    response = _login(editor).post(reverse("calendar-feed-revoke"), {"kind": "personal"})
    assert response.status_code == 302
    assert Client().get(new).status_code == 404
    assert CalendarToken.objects.filter(user=editor, revoked_at__isnull=True).count() == 0
    assert CalendarToken.objects.filter(user=editor).count() == 2


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 43, "A" * 5000, "..%2F..%2Fetc", "%00", "%E2%80%A8"],
)
def test_an_address_that_is_not_a_live_one_answers_404(token, editor):
    _issue(editor)
    assert Client().get(f"/calendar/{token}.ics").status_code in (400, 404)


def test_the_database_keeps_only_a_hash_of_the_secret(editor):
    path = _issue(editor)
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    token = CalendarToken.objects.get(user=editor)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM tracker_calendartoken")
        rows = cursor.fetchall()
    assert secret not in repr(rows)
    # Shown once: the page does not show it again.
    assert secret not in _login(editor).get(reverse("calendar-feeds")).content.decode()


def test_the_answer_that_shows_the_secret_is_not_cached(editor):
    response = _login(editor).post(reverse("calendar-feed-regenerate"), {"kind": "personal"})
    assert "no-store" in response["Cache-Control"]


def test_the_buttons_need_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(reverse("calendar-feed-regenerate"), {"kind": "personal"}).status_code == 403
    assert not CalendarToken.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "bogus"},
        {"kind": "division"},
        {"kind": "division", "division": "\x00"},
        {"kind": "division", "division": "9" * 40},
        {"kind": "personal\x00"},
        {},
    ],
)
def test_a_hostile_button_is_refused(editor, data):
    response = _login(editor).post(reverse("calendar-feed-regenerate"), data)
    assert response.status_code == 400
    assert not CalendarToken.objects.exists()


def test_the_last_use_is_noted(editor):
    path = _issue(editor)
    assert CalendarToken.objects.get().last_used_at is None
    _read(path)
    assert CalendarToken.objects.get().last_used_at is not None
    assert "No calendar has read it yet" not in _login(editor).get(reverse("calendar-feeds")).text


def test_a_calendar_app_may_ask_with_head(editor):
    assert Client().head(_issue(editor)).status_code == 200


# Hostile text ---------------------------------------------------------------------------------

HOSTILE = (
    "Evil, title; with\\backslash\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged\n"
    "bell\x07 esc\x1b del\x7f c1\x85 sep\u2028 tab\tend"
)


def test_hostile_text_stays_text_and_the_feed_stays_parseable(editor):
    hostile = HOSTILE + ("\x00nul" if connection.vendor == "sqlite" else "")
    meeting = MeetingFactory(
        title=hostile[:300],
        place="Room 1; Hall, B\r\nX-INJECTED:1",
        starts_at=timezone.now() + datetime.timedelta(days=1),
    )
    commitment = CommitmentFactory(
        origin_meeting=meeting,
        owner=editor,
        title=hostile[:200],
        next_step=hostile,
        target_date=_today(),
    )
    response = Client().get(_issue(editor))
    body = response.content
    # No raw control character but the CRLF line ends (and tab, which TEXT allows).
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", body)
    assert b"\xc2\x85" not in body
    assert b"\xe2\x80\xa8" not in body
    assert all(line.endswith(b"\r") or line == b"" for line in body.split(b"\n"))
    calendar = icalendar.Calendar.from_ical(body)
    events = _events(calendar)
    assert set(events) == {
        _uid(f"meeting-{meeting.pk}"),
        _uid(f"commitment-{commitment.pk}-target"),
    }
    assert "X-INJECTED" not in calendar.walk("VEVENT")[0]
    summary = str(events[_uid(f"meeting-{meeting.pk}")]["SUMMARY"])
    assert summary.startswith("Evil, title; with\\backslash\nEND:VEVENT\nBEGIN:VEVENT\nUID:forged")
    assert "\x07" not in summary and "\x00" not in summary
    assert str(events[_uid(f"meeting-{meeting.pk}")]["LOCATION"]) == "Room 1; Hall, B\nX-INJECTED:1"
    assert "Next step: Evil, title;" in str(
        events[_uid(f"commitment-{commitment.pk}-target")]["DESCRIPTION"]
    )


def test_clean_text_keeps_tabs_and_newlines_only():
    assert calendar_feed.clean_text("a\r\nb\rc\u2029d\x00e\x1bf\tg") == "a\nb\nc\nde" + "f\tg"


# Language and size ----------------------------------------------------------------------------


def test_the_feed_is_written_in_the_language_the_address_was_made_in(editor):
    commitment = CommitmentFactory(owner=editor, target_date=_today())
    client = _login(editor)
    client.post(reverse("set_language"), {"language": "ja"})
    response = client.post(reverse("calendar-feed-regenerate"), {"kind": "personal"})
    path = FEED_URL.findall(response.content.decode())[0][0].removeprefix("http://testserver")
    assert CalendarToken.objects.get(revoked_at__isnull=True).language == "ja"
    event = _events(_read(path))[_uid(f"commitment-{commitment.pk}-target")]
    assert str(event["SUMMARY"]) == f"目標期日: {commitment.title}"


def _busy(user, division, n: int) -> None:
    series = MeetingSeriesFactory()
    for i in range(n):
        commitment = CommitmentFactory(
            lead_division=division,
            owner=user,
            follow_up_venue=series,
            target_date=_today() + datetime.timedelta(days=i),
            next_review_date=_today() + datetime.timedelta(days=i + 1),
        )
        FollowUpFactory(commitment=commitment)
        MeetingFactory(series=series, starts_at=timezone.now() + datetime.timedelta(days=i + 1))


FEED_QUERIES = 5  # token, last use, the user's divisions, commitments, meetings
DIVISION_FEED_QUERIES = 6  # token, last use, roles, divisions (permission), commitments, meetings


def test_the_personal_feed_reads_a_constant_number_of_queries(
    editor, division, django_assert_num_queries
):
    path = _issue(editor)
    _busy(editor, division, 1)
    with django_assert_num_queries(FEED_QUERIES):
        small = Client().get(path)
    _busy(editor, division, 8)
    with django_assert_num_queries(FEED_QUERIES):
        large = Client().get(path)
    assert len(_events(icalendar.Calendar.from_ical(large.content))) > len(
        _events(icalendar.Calendar.from_ical(small.content))
    )


def test_the_division_feed_reads_a_constant_number_of_queries(division, django_assert_num_queries):
    manager = UserFactory(username="boss", roles=[Role.MANAGER], divisions=[division])
    path = _issue(manager, "division", division)
    _busy(None, division, 1)
    with django_assert_num_queries(DIVISION_FEED_QUERIES):
        Client().get(path)
    _busy(None, division, 8)
    with django_assert_num_queries(DIVISION_FEED_QUERIES):
        Client().get(path)


def test_the_feed_is_bounded(editor, monkeypatch):
    monkeypatch.setattr(calendar_feed, "MAX_EVENTS", 3)
    for i in range(5):
        CommitmentFactory(owner=editor, target_date=_today() + datetime.timedelta(days=i))
    events = _events(_read(_issue(editor)))
    assert len([uid for uid in events if uid.startswith("commitment-")]) == 3


def test_the_service_refuses_a_feed_the_user_may_not_have(editor, division):
    with pytest.raises(PermissionDenied):
        services.calendar_token_issue(
            user=editor, kind=CalendarFeedKind.DIVISION, division=division
        )
    assert not CalendarToken.objects.exists()
