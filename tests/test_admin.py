import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParticipationFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker.models import (
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    Status,
    StatusUpdate,
    Theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def one_of_each(db):
    follow_up = FollowUpFactory()
    ParticipationFactory(meeting=follow_up.meeting)
    MeetingSeriesFactory()
    ThemeFactory()
    return follow_up


MODELS = [
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    StatusUpdate,
    Theme,
    get_user_model(),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_admin_pages_open_for_every_model(admin_client, one_of_each, model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def test_history_pages_open(admin_client, one_of_each):
    commitment = Commitment.objects.first()
    url = reverse("admin:tracker_commitment_history", args=[commitment.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert commitment.title in response.text


def test_meeting_admin_shows_local_and_japan_time(admin_client):
    meeting = MeetingFactory(
        title="Seed meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
    )
    response = admin_client.get(reverse("admin:tracker_meeting_changelist"))
    assert "July 29, 2022, 1:43 p.m." in response.text
    assert "July 30, 2022, 2:43 a.m." in response.text
    change = admin_client.get(reverse("admin:tracker_meeting_change", args=[meeting.pk]))
    assert "America/New_York" in change.text


def test_commitment_changelist_query_count_is_pinned(admin_client, django_assert_num_queries):
    changelist = reverse("admin:tracker_commitment_changelist")
    CommitmentFactory.create_batch(5, owner=UserFactory(), lead_division=DivisionFactory())
    admin_client.get(changelist)  # warm the per-process caches (content types, site)
    with django_assert_num_queries(COMMITMENT_CHANGELIST_QUERIES):
        assert admin_client.get(changelist).status_code == 200
    for _ in range(45):
        CommitmentFactory(owner=UserFactory(), lead_division=DivisionFactory())
    with django_assert_num_queries(COMMITMENT_CHANGELIST_QUERIES):
        response = admin_client.get(changelist)
    assert response.context["cl"].result_count == 50


# Session, user, counts, the page of rows and the sidebar filters' choices; not one per row.
COMMITMENT_CHANGELIST_QUERIES = 10


def test_meeting_changelist_query_count_does_not_grow(admin_client):
    series = MeetingSeriesFactory()
    MeetingFactory.create_batch(5, series=series)
    admin_client.get(reverse("admin:tracker_meeting_changelist"))
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:tracker_meeting_changelist"))
    MeetingFactory.create_batch(45, series=MeetingSeriesFactory())
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("admin:tracker_meeting_changelist"))
    assert len(many) == len(few)


def _select_action(admin_client, action, commitments, **extra):
    return admin_client.post(
        reverse("admin:tracker_commitment_changelist"),
        {"action": action, "_selected_action": [c.pk for c in commitments], **extra},
        follow=True,
    )


def test_action_set_status_asks_then_applies_with_journal(admin_client, admin_user):
    commitments = CommitmentFactory.create_batch(2, status=Status.IN_PROGRESS)
    page = _select_action(admin_client, "set_status", commitments)
    assert "Change status of the selected commitments" in page.text
    _select_action(
        admin_client, "set_status", commitments, apply="1", status="stalled", note="Budget frozen."
    )
    for commitment in commitments:
        commitment.refresh_from_db()
        assert commitment.status == Status.STALLED
        entry = commitment.status_updates.latest()
        assert (entry.note, entry.author) == ("Budget frozen.", admin_user)


def test_action_set_status_refusal_changes_nothing(admin_client):
    open_one = CommitmentFactory(status=Status.IN_PROGRESS)
    closed = CommitmentFactory(status=Status.DROPPED, title="Closed item")
    response = _select_action(
        admin_client, "set_status", [open_one, closed], apply="1", status="stalled", note="x"
    )
    assert "Nothing was changed" in response.text
    assert "Closed item" in response.text
    open_one.refresh_from_db()
    assert open_one.status == Status.IN_PROGRESS


def test_action_reassign_owner(admin_client):
    new_owner = UserFactory(username="sato")
    commitments = CommitmentFactory.create_batch(3)
    _select_action(admin_client, "reassign_owner", commitments, apply="1", owner=new_owner.pk)
    assert set(Commitment.objects.values_list("owner__username", flat=True)) == {"sato"}
    assert all(c.status_updates.count() == 2 for c in Commitment.objects.all())


def test_reassign_is_refused_to_a_data_entry_clerk(client, clerk):
    client.force_login(clerk)
    commitment = CommitmentFactory()
    response = _select_action(client, "reassign_owner", [commitment], apply="1", owner="")
    assert "Only managers may reassign owners." in response.text


def test_admin_change_status_needs_a_note_and_writes_journal(admin_client, admin_user):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = _change_form_data(commitment, status="completed")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "needs a note" in response.text
    data["journal_note"] = "Delivered at the 2+2."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.COMPLETED
    assert commitment.status_updates.latest().note == "Delivered at the 2+2."


def test_admin_refuses_a_stale_change_form(admin_client, manager):
    from tracker import services

    commitment = CommitmentFactory()
    data = _change_form_data(commitment, next_step="Mine")
    services.commitment_set_status(
        commitment=commitment,
        expected_version=commitment.version,
        user=manager,
        status="in_progress",
        note="Theirs",
    )
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this commitment" in response.text
    commitment.refresh_from_db()
    assert commitment.next_step == ""


def test_admin_add_commitment_opens_journal(admin_client, admin_user):
    meeting = MeetingFactory()
    data = {
        "origin_meeting": meeting.pk,
        "title": "Strengthen deterrence",
        "quote": "The two ministers concurred to strengthen deterrence.",
        "strength": "joint",
        "status": "not_started",
        "confidence": "green",
        **_empty_inlines(),
    }
    response = admin_client.post(reverse("admin:tracker_commitment_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment = Commitment.objects.get(title="Strengthen deterrence")
    assert commitment.status_updates.get().author == admin_user


def test_admin_add_status_update_goes_through_the_service(admin_client):
    commitment = CommitmentFactory()
    url = reverse("admin:tracker_statusupdate_add")
    response = admin_client.post(
        url, {"commitment": commitment.pk, "status_to": "dropped", "confidence_to": "green"}
    )
    assert response.status_code == 200
    assert "needs a note" in response.text
    response = admin_client.post(
        url,
        {
            "commitment": commitment.pk,
            "status_to": "in_progress",
            "confidence_to": "amber",
            "note": "Started.",
        },
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.confidence, commitment.version) == (
        "in_progress",
        "amber",
        2,
    )


def test_status_update_change_page_is_read_only(admin_client):
    entry = CommitmentFactory().status_updates.get()
    url = reverse("admin:tracker_statusupdate_change", args=[entry.pk])
    response = admin_client.post(url, {"note": "rewritten"})
    assert response.status_code == 403


def test_editor_without_staff_cannot_open_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:tracker_commitment_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _empty_inlines() -> dict:
    return {
        f"{prefix}-{key}": value
        for prefix in ("follow_ups", "status_updates")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def _change_form_data(commitment: Commitment, **overrides) -> dict:
    data = {
        "origin_meeting": commitment.origin_meeting_id,
        "title": commitment.title,
        "quote": commitment.quote,
        "strength": commitment.strength,
        "status": commitment.status,
        "confidence": commitment.confidence,
        "lead_division": commitment.lead_division_id or "",
        "next_step": commitment.next_step,
        "loaded_version": commitment.version,
        "journal_note": "",
        **_empty_inlines(),
    }
    data["status_updates-TOTAL_FORMS"] = data["status_updates-INITIAL_FORMS"] = str(
        commitment.status_updates.count()
    )
    for index, entry in enumerate(commitment.status_updates.all()):
        data[f"status_updates-{index}-id"] = entry.pk
        data[f"status_updates-{index}-commitment"] = commitment.pk
    data.update(overrides)
    return data
