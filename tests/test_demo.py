"""The demo: built by `load_demo` on an empty database, read back, loaded twice, kept recent."""

import datetime
import io
import tomllib
import zoneinfo
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import MeetingFactory
from tracker.models import (
    Commitment,
    FollowUp,
    Meeting,
    Participation,
    Person,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo"


def _data(name):
    return tomllib.loads((DEMO / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts():
    return (
        Meeting.objects.count(),
        Participation.objects.count(),
        Person.objects.count(),
        Commitment.objects.count(),
        FollowUp.objects.count(),
        StatusUpdate.objects.count(),
        Commitment.history.count(),
        Meeting.history.count(),
        get_user_model().objects.count(),
    )


def test_the_demo_holds_what_its_data_files_say(demo):
    meetings = _data("meetings")["meetings"]
    commitments = _data("commitments")["commitments"]
    assert Meeting.objects.count() == len(meetings) > 40
    assert Participation.objects.count() == sum(len(m.get("participants", ())) for m in meetings)
    assert FollowUp.objects.count() == sum(len(m.get("follow_ups", ())) for m in meetings) > 80
    assert Commitment.objects.count() == len(commitments) == 11
    # One entry that opens each journal, one per move the data file gives.
    journal = sum(len(c.get("journal", ())) for c in commitments)
    assert StatusUpdate.objects.count() == len(commitments) + journal
    assert get_user_model().objects.count() == len(_data("users"))


def test_loading_again_duplicates_nothing(demo):
    first = _counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert _counts() == first
    assert "already holds data" in out.getvalue()


def test_a_database_with_its_own_meetings_is_left_alone(db):
    MeetingFactory(title="Our own meeting")
    call_command("load_demo", stdout=io.StringIO())
    assert list(Meeting.objects.values_list("title", flat=True)) == ["Our own meeting"]
    assert not Commitment.objects.exists()
    # The log-ins are still there to use.
    assert authenticate(RequestFactory().post("/"), username="viewer", password="viewer-demo-pass")


def test_demo_prints_one_login_per_role_and_they_work(demo):
    for role in ("Viewer", "Editor", "Manager", "Admin", "Data entry"):
        assert role in demo
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username="manager", password="manager-demo-pass")
    assert user is not None and user.groups.filter(name="Manager").exists()
    assert get_user_model().objects.get(username="admin").is_superuser
    # The accounts that only own items cannot log in.
    assert not get_user_model().objects.get(username="sato").has_usable_password()


def test_seed_meeting_local_and_japan_time(demo):
    seed = Meeting.objects.exclude(readout_text="").get()
    assert seed.time_zone == "America/New_York"
    assert seed.local_start.strftime("%Y-%m-%d %I:%M %p") == "2022-07-29 01:43 PM"
    assert seed.japan_start.strftime("%Y-%m-%d %I:%M %p") == "2022-07-30 02:43 AM"
    assert seed.duration_minutes == 55
    participants = {p.person.full_name: p.title for p in seed.participations.all()}
    assert participants == {
        "HAYASHI Yoshimasa": "Minister for Foreign Affairs of Japan",
        "Antony Blinken": "Secretary of State of the United States of America",
    }
    # Written by the clerk through the services: the change history says who.
    assert seed.history.get().history_user.username == "clerk"


def test_a_real_follow_up_meeting_with_its_participants_in_order(demo):
    summit = Meeting.objects.get(
        title="Japan-U.S. Summit Meeting",
        starts_at=datetime.datetime(2022, 5, 23, 11, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")),
    )
    assert (summit.duration_minutes, summit.place, summit.series.name) == (
        135,
        "Tokyo",
        "Japan-U.S. Summit",
    )
    rows = [(p.person.family_name, p.side.code, p.title) for p in summit.participations.all()]
    assert rows == [
        ("Kishida", "JP", "Prime Minister of Japan"),
        ("Biden", "US", "President of the United States of America"),
    ]
    edd = Meeting.objects.get(place="Kings Bay Naval Base, Georgia")
    assert not edd.start_time_known and edd.end_date == datetime.date(2022, 6, 22)


def test_seed_commitments_quote_the_readout_verbatim(demo):
    seed = Meeting.objects.exclude(readout_text="").get()
    for commitment in seed.commitments.all():
        start = commitment.quote_position
        assert seed.readout_text[start : start + len(commitment.quote)] == commitment.quote
        # Whole sentences: not cut at the full stop of an abbreviation such as "U.S.".
        assert commitment.quote.endswith(".") and not commitment.quote.endswith("U.S.")
    strengths = set(seed.commitments.values_list("strength", flat=True))
    assert strengths == {"joint", "request"}
    russia = seed.commitments.get(themes__code="russia_ukraine", parties__code="G7")
    assert "strong sanction measures against Russia" in russia.quote


def test_every_commitment_has_a_journal_that_leads_to_its_status(demo):
    seed = Meeting.objects.exclude(readout_text="").get()
    for commitment in Commitment.objects.all():
        entries = list(commitment.status_updates.order_by("created_at", "pk"))
        assert len(entries) >= 2, commitment
        assert entries[0].status_from == "" and entries[0].created_at > seed.starts_at
        last = entries[-1]
        assert (last.status_to, last.confidence_to) == (commitment.status, commitment.confidence)
        assert all(e.created_at >= commitment.created_at for e in entries)


def test_unverified_facts_stay_marked(demo):
    bali = Meeting.objects.get(place__icontains="Bali")
    assert "nverified" in bali.notes
    hayashi_titles = set(
        Meeting.objects.filter(participations__person__family_name="Hayashi").values_list(
            "participations__title", flat=True
        )
    )
    assert "Chief Cabinet Secretary" in " ".join(hayashi_titles)


def test_the_demo_is_recent_whenever_it_is_loaded(demo):
    """Measured against today, not against the demo's own last entry: a journal frozen on the
    day the data was written would fail here a week later."""
    now = timezone.now()
    dates = list(StatusUpdate.objects.values_list("created_at", flat=True))
    assert max(dates) <= now
    assert max(dates) >= now - datetime.timedelta(days=7)
    assert sum(d >= now - datetime.timedelta(days=30) for d in dates) >= 8
    # Deadlines that must stay near "now": one overdue, one due within the dashboard's two
    # weeks, and one item nobody has touched for more than two weeks.
    today = timezone.localdate()
    sections = Commitment.objects.attention_sections(now=now, today=today, due_soon_days=14)
    assert [c.title for c in sections["overdue"]] == [
        "Urge the U.S. to return to the TPP early; support for the IPEF"
    ]
    assert [c.title for c in sections["due_soon"]] == [
        "Coordination among allies on the aggression's impact on the Indo-Pacific"
    ]
    assert "Work closely together on issues related to China, Taiwan Strait stability" in {
        c.title for c in sections["stale"]
    }


@pytest.mark.two_factor
def test_the_demo_tells_that_its_manager_sets_up_two_factor_and_the_log_in_leads_there(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "Two-factor log-in is required of: Manager, admin." in text
    line = next(line for line in text.splitlines() if line.strip().startswith("Manager"))
    username = line.split("user:")[1].split()[0]
    password = line.split("password:")[1].strip()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).url.startswith(reverse("two-factor-setup"))


def test_the_demo_says_nothing_of_two_factor_when_no_role_requires_it(db, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Two-factor" not in out.getvalue()
