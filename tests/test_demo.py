"""The demo data: it loads, twice, and says what the seed readout says."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from tracker.models import Commitment, FollowUp, Meeting, StatusUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts():
    return (
        Meeting.objects.count(),
        Commitment.objects.count(),
        FollowUp.objects.count(),
        StatusUpdate.objects.count(),
        Commitment.history.count(),
        get_user_model().objects.count(),
    )


def test_demo_loads_and_loading_again_duplicates_nothing(demo):
    first = _counts()
    assert first[0] > 40 and first[1] == 11 and first[2] > 80
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first


def test_demo_prints_one_login_per_role_and_they_work(demo):
    for role in ("Viewer", "Editor", "Manager", "Admin"):
        assert role in demo
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username="manager", password="manager-demo-pass")
    assert user is not None and user.groups.filter(name="Manager").exists()
    assert get_user_model().objects.get(username="admin").is_superuser


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


def test_unverified_facts_stay_marked(demo):
    bali = Meeting.objects.get(place__icontains="Bali")
    assert "nverified" in bali.notes
    hayashi_titles = set(
        Meeting.objects.filter(participations__person__family_name="Hayashi").values_list(
            "participations__title", flat=True
        )
    )
    assert "Chief Cabinet Secretary" in " ".join(hayashi_titles)


def test_demo_journal_spans_recent_weeks(demo):
    dates = sorted(StatusUpdate.objects.values_list("created_at", flat=True))
    recent = [d for d in dates if d.year == dates[-1].year and d.month >= dates[-1].month - 1]
    assert len(recent) >= 8
