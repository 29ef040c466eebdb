"""Every door keeps what was entered and refuses what is stale: the admin change form and its
inlines, the meeting page's inlines, the workspace update and follow-up link, each driven as its
user drives it, with the database read back."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from tests.admin_forms import add_inline_row, admin_post_data, inline_prefix
from tests.factories import (
    CommitmentFactory,
    DivisionFactory,
    MeetingFactory,
    ThemeFactory,
    UserFactory,
)
from tracker import services
from tracker.models import Commitment, FollowUp, Status, StatusUpdate
from tracker.services import followups

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Threads against the in-memory SQLite test database fail on its table locks, not on the app; on
# SQLite, IMMEDIATE transactions serialise writers anyway (tests/test_sqlite_concurrency.py).
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL"
)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(commitment) -> str:
    return reverse("admin:tracker_commitment_change", args=[commitment.pk])


def meeting_url(meeting) -> str:
    return reverse("admin:tracker_meeting_change", args=[meeting.pk])


# 1. Admin edits are kept --------------------------------------------------------------------------


def test_admin_change_form_saves_every_edited_field(admin_client, admin_user):
    commitment = CommitmentFactory(title="Old title", next_step="Old step")
    division, owner = DivisionFactory(), UserFactory(username="owner")
    theme = ThemeFactory()
    page = admin_client.get(change_url(commitment))
    data = admin_post_data(page)
    data.update(
        title="New title",
        next_step="Brief the Minister",
        target_date="2027-03-31",
        lead_division=str(division.pk),
        owner=str(owner.pk),
        is_archived="on",
        themes=[str(theme.pk)],
    )
    response = admin_client.post(change_url(commitment), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment.refresh_from_db()
    assert commitment.title == "New title"
    assert commitment.next_step == "Brief the Minister"
    assert commitment.target_date == datetime.date(2027, 3, 31)
    assert commitment.lead_division == division
    assert commitment.owner == owner
    assert commitment.is_archived is True
    assert list(commitment.themes.all()) == [theme]
    assert commitment.version == 2
    # One history record for the one save, holding what was saved (themes included).
    latest = commitment.history.latest()
    assert latest.title == "New title"
    assert latest.history_user == admin_user
    assert [t.theme_id for t in latest.themes.all()] == [theme.pk]
    assert commitment.history.filter(version=2).count() == 1
    # No status move, no note: no journal entry beyond the opening one.
    assert commitment.status_updates.count() == 1


def test_admin_change_form_status_move_writes_one_journal_entry(admin_client):
    commitment = CommitmentFactory()
    data = admin_post_data(admin_client.get(change_url(commitment)))
    data.update(status=Status.STALLED, journal_note="Waiting for the budget.", title="Renamed")
    assert admin_client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.title, commitment.version) == ("stalled", "Renamed", 2)
    entry = commitment.status_updates.latest()
    assert (entry.status_to, entry.note) == ("stalled", "Waiting for the budget.")
    assert commitment.status_updates.count() == 2


def test_admin_unchanged_save_writes_nothing(admin_client):
    commitment = CommitmentFactory()
    data = admin_post_data(admin_client.get(change_url(commitment)))
    assert admin_client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.version == 1
    assert commitment.history.count() == 1


def test_meeting_page_inline_edit_of_a_commitment_is_saved(admin_client):
    commitment = CommitmentFactory(title="Old title")
    meeting = commitment.origin_meeting
    page = admin_client.get(meeting_url(meeting))
    data = admin_post_data(page)
    prefix = inline_prefix(page, Commitment)
    data[f"{prefix}-0-title"] = "Title fixed on the meeting page"
    response = admin_client.post(meeting_url(meeting), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    commitment.refresh_from_db()
    assert commitment.title == "Title fixed on the meeting page"
    assert commitment.version == 2


def test_meeting_page_inline_adds_a_commitment_with_its_journal(admin_client):
    meeting = MeetingFactory()
    page = admin_client.get(meeting_url(meeting))
    data = admin_post_data(page)
    add_inline_row(
        data,
        inline_prefix(page, Commitment),
        {"title": "New one", "quote": "They agreed.", "strength": "joint"},
    )
    assert admin_client.post(meeting_url(meeting), data).status_code == 302
    created = meeting.commitments.get()
    assert created.title == "New one"
    assert created.status_updates.count() == 1


# 3. Stale and version-less saves are refused ------------------------------------------------------


def test_admin_change_form_refuses_a_stale_save_and_keeps_what_was_typed(admin_client, manager):
    commitment = CommitmentFactory(next_step="Theirs before")
    data = admin_post_data(admin_client.get(change_url(commitment)))
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status=Status.IN_PROGRESS,
        fields={"next_step": "Their newer step"},
        expected_version=commitment.version,
    )
    data["next_step"] = "My older idea"
    response = admin_client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "Someone else saved this commitment" in response.text
    assert "Their newer step" in response.text  # what changed since, named
    assert "My older idea" in response.text  # the form keeps what was typed
    commitment.refresh_from_db()
    assert (commitment.next_step, commitment.status) == ("Their newer step", "in_progress")


def test_admin_change_form_without_a_version_is_refused(admin_client):
    commitment = CommitmentFactory()
    data = admin_post_data(admin_client.get(change_url(commitment)))
    del data["loaded_version"]
    data["title"] = "Sneaky"
    response = admin_client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "without the version you started from" in response.text
    commitment.refresh_from_db()
    assert commitment.title != "Sneaky"


def test_meeting_inline_refuses_a_stale_commitment_and_saves_nothing_of_the_page(
    admin_client, manager
):
    commitment = CommitmentFactory(title="Before")
    meeting = commitment.origin_meeting
    page = admin_client.get(meeting_url(meeting))
    data = admin_post_data(page)
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status=Status.ONGOING,
        expected_version=commitment.version,
    )
    data[f"{inline_prefix(page, Commitment)}-0-title"] = "Stale rename"
    data["place"] = "Changed place"
    response = admin_client.post(meeting_url(meeting), data)
    assert response.status_code == 200
    assert "Someone else saved this commitment" in response.text
    commitment.refresh_from_db()
    meeting.refresh_from_db()
    assert commitment.title == "Before"
    assert meeting.place != "Changed place"  # the whole page's save was rolled back


def test_workspace_update_without_a_version_is_refused(client, manager):
    client.force_login(manager)
    commitment = CommitmentFactory()
    url = reverse("commitment-update", args=[commitment.pk])
    data = {"status": "in_progress", "confidence": "green", "note": "Started."}
    response = client.post(url, data, **HTMX)
    assert "without the version you started from" in response.text
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_STARTED


# 18. A stale form always gets the conflict explanation --------------------------------------------


def test_stale_workspace_save_with_a_move_no_longer_allowed_gets_the_conflict_panel(
    client, manager
):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    loaded = commitment.version
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status=Status.COMPLETED,
        note="Done.",
        expected_version=loaded,
    )
    client.force_login(manager)
    response = client.post(
        reverse("commitment-update", args=[commitment.pk]),
        {
            "status": Status.STALLED,  # allowed from "in progress", not from "completed"
            "confidence": "green",
            "note": "Blocked.",
            "loaded_version": loaded,
        },
        **HTMX,
    )
    # The other save was the manager's own, in another tab: it is named as such.
    assert "You saved this commitment in another tab or window" in response.text
    assert "Select a valid choice" not in response.text
    commitment.refresh_from_db()
    assert commitment.status == Status.COMPLETED


# 4. Follow-ups added in the admin go through the service ------------------------------------------


def test_followup_inline_on_the_commitment_page_is_validated_and_recorded(admin_client, admin_user):
    commitment = CommitmentFactory()
    too_early = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at - datetime.timedelta(days=400)
    )
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(9))
    page = admin_client.get(change_url(commitment))
    prefix = inline_prefix(page, FollowUp)
    data = admin_post_data(page)
    add_inline_row(data, prefix, {"meeting": str(too_early.pk), "outcome": "reaffirmed"})
    response = admin_client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "cannot be earlier than the origin meeting" in response.text
    assert not FollowUp.objects.exists()

    data = admin_post_data(admin_client.get(change_url(commitment)))
    add_inline_row(data, prefix, {"meeting": str(later.pk), "outcome": "reaffirmed"})
    assert admin_client.post(change_url(commitment), data).status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.meeting, follow_up.recorded_by) == (later, admin_user)


def test_followup_inline_on_the_meeting_page_refuses_a_duplicate(admin_client):
    commitment = CommitmentFactory()
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(9))
    services.followup_record(
        commitment=commitment, meeting=later, user=UserFactory(), outcome="reaffirmed"
    )
    page = admin_client.get(meeting_url(later))
    data = admin_post_data(page)
    add_inline_row(
        data,
        inline_prefix(page, FollowUp),
        {"commitment": str(commitment.pk), "outcome": "advanced"},
    )
    response = admin_client.post(meeting_url(later), data)
    assert response.status_code == 200
    assert FollowUp.objects.count() == 1


def test_followup_admin_change_goes_through_the_service(admin_client):
    commitment = CommitmentFactory()
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(9))
    follow_up = services.followup_record(
        commitment=commitment, meeting=later, user=UserFactory(), outcome="reaffirmed"
    )
    too_early = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at - datetime.timedelta(days=400)
    )
    url = reverse("admin:tracker_followup_change", args=[follow_up.pk])
    data = admin_post_data(admin_client.get(url))
    data["meeting"] = str(too_early.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be earlier than the origin meeting" in response.text
    follow_up.refresh_from_db()
    assert follow_up.meeting == later


# 13 (form side). Reassigning is the managers' on every door ---------------------------------------


def test_clerk_cannot_change_the_owner_on_the_admin_form(client, clerk):
    client.force_login(clerk)
    commitment = CommitmentFactory()
    page = client.get(change_url(commitment))
    assert "owner" not in page.context["adminform"].form.fields
    data = admin_post_data(page)
    data["owner"] = str(clerk.pk)  # a forged field is ignored, the rest is saved
    data["next_step"] = "Clerk's step"
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.owner is None
    assert commitment.next_step == "Clerk's step"


def test_service_refuses_an_owner_change_by_a_clerk(clerk):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as error:
        services.commitment_edit(
            commitment=commitment,
            user=clerk,
            data={"owner": clerk},
            expected_version=commitment.version,
        )
    assert "owner" in error.value.message_dict


# 5. A double-click on "Link follow-up" ------------------------------------------------------------


def _link(client, commitment, meeting):
    return client.post(
        reverse("followup-create", args=[commitment.pk]),
        {"meeting": meeting.pk, "outcome": "reaffirmed"},
        **HTMX,
    )


def test_a_duplicate_that_slips_past_the_check_gets_the_friendly_answer(
    client, manager, monkeypatch
):
    """The other request of a double-click inserts between this one's check and its insert."""
    client.force_login(manager)
    commitment = CommitmentFactory()
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(9))
    real_check = followups._check_followup_date

    def other_click_wins(commitment_, meeting_):
        real_check(commitment_, meeting_)
        FollowUp.objects.create(
            commitment=commitment_, meeting=meeting_, outcome="reaffirmed", recorded_by=manager
        )

    monkeypatch.setattr(followups, "_check_followup_date", other_click_wins)
    response = _link(client, commitment, later)
    assert response.status_code == 200
    assert "already linked" in response.text
    # (The simulated other click ran inside this request's transaction, so it is rolled back too.)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_clicks_link_once_and_answer_kindly(manager):
    from django.test import Client

    commitment = CommitmentFactory()
    rounds = 10
    meetings = [
        MeetingFactory(starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(i + 1))
        for i in range(rounds)
    ]
    statuses: list[int] = []
    texts: list[str] = []

    def click(meeting, barrier):
        client = Client()
        client.force_login(manager)
        barrier.wait()
        try:
            response = _link(client, commitment, meeting)
            statuses.append(response.status_code)
            texts.append(response.text)
        finally:
            connection.close()

    for meeting in meetings:
        barrier = threading.Barrier(2, timeout=20)
        threads = [threading.Thread(target=click, args=(meeting, barrier)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(status == 200 for status in statuses), statuses
    assert FollowUp.objects.filter(commitment=commitment).count() == rounds
    # Each pair: one linked (client redirect), the other told it was already linked.
    assert sum("already linked" in text for text in texts) == rounds


# 3. The race between the admin form and the workspace ---------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_admin_and_workspace_racing_on_one_version_never_overwrite(admin_user, manager):
    from django.test import Client

    commitment = CommitmentFactory()
    admin = Client()
    admin.force_login(admin_user)
    workspace = Client()
    workspace.force_login(manager)
    rounds = 8
    for round_ in range(rounds):
        commitment.refresh_from_db()
        admin_data = admin_post_data(admin.get(change_url(commitment)))
        admin_data["next_step"] = f"admin {round_}"
        workspace_data = {
            "status": commitment.status,
            "confidence": commitment.confidence,
            "next_step": f"workspace {round_}",
            "loaded_version": commitment.version,
        }
        barrier = threading.Barrier(2, timeout=20)

        def post(client, url, data, extra, barrier=barrier):
            barrier.wait()
            try:
                client.post(url, data, **extra)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=post, args=(admin, change_url(commitment), admin_data, {})),
            threading.Thread(
                target=post,
                args=(
                    workspace,
                    reverse("commitment-update", args=[commitment.pk]),
                    workspace_data,
                    HTMX,
                ),
            ),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        before = commitment.version
        commitment.refresh_from_db()
        # Exactly one of the two saves landed; the other was refused, not written over it.
        assert commitment.version == before + 1
        assert commitment.next_step in {f"admin {round_}", f"workspace {round_}"}
    assert StatusUpdate.objects.filter(commitment=commitment).count() >= 1


def test_participant_inline_is_saved_and_a_repeated_person_is_refused(admin_client):
    from tests.factories import ParticipationFactory, PersonFactory
    from tracker.models import Participation

    existing = ParticipationFactory()
    meeting = existing.meeting
    newcomer = PersonFactory()
    page = admin_client.get(meeting_url(meeting))
    prefix = inline_prefix(page, Participation)
    data = admin_post_data(page)
    data[f"{prefix}-0-title"] = "Chief Cabinet Secretary"
    add_inline_row(
        data,
        prefix,
        {
            "person": str(newcomer.pk),
            "title": "Secretary of State",
            "side": newcomer.country_id,
            "order": "1",
        },
    )
    assert admin_client.post(meeting_url(meeting), data).status_code == 302
    existing.refresh_from_db()
    assert existing.title == "Chief Cabinet Secretary"
    assert meeting.participations.get(person=newcomer).title == "Secretary of State"

    page = admin_client.get(meeting_url(meeting))
    data = admin_post_data(page)
    add_inline_row(
        data,
        prefix,
        {"person": str(newcomer.pk), "title": "Twice", "side": newcomer.country_id, "order": "2"},
    )
    response = admin_client.post(meeting_url(meeting), data)
    assert response.status_code == 200
    assert meeting.participations.count() == 2


# Issue 9: the conflict panel names who saved, when, and what changed, notes included --------------


def _update(client, commitment, loaded: int, **fields):
    data = {
        "status": commitment.status,
        "confidence": commitment.confidence,
        "loaded_version": loaded,
        **fields,
    }
    return client.post(reverse("commitment-update", args=[commitment.pk]), data, **HTMX)


@pytest.fixture
def desk(db):
    division = DivisionFactory()
    mori = UserFactory(
        username="mori",
        first_name="Kenji",
        last_name="Mori",
        roles=["Editor"],
        divisions=[division],
    )
    sato = UserFactory(
        username="sato",
        first_name="Kazuki",
        last_name="Sato",
        roles=["Editor"],
        divisions=[division],
    )
    commitment = CommitmentFactory(lead_division=division, status=Status.IN_PROGRESS)
    return commitment, mori, sato


def test_conflict_panel_names_the_other_person_the_time_and_their_note(client, desk):
    commitment, mori, sato = desk
    loaded = commitment.version
    services.commitment_set_status(
        commitment=commitment,
        user=mori,
        status=Status.STALLED,
        confidence="amber",
        note="Partners <script>disagree</script> on the cap.",
        expected_version=loaded,
    )
    saved_at = commitment.history.latest("history_id").history_date
    client.force_login(sato)
    response = _update(client, commitment, loaded, next_step="Mine", note="My note.")
    text = response.text
    panel = text.split('class="conflict"', 1)[1].split("</div>", 1)[0]
    assert "Someone else saved this commitment while you were editing it: Kenji Mori," in panel
    from django.utils import formats, timezone

    when = formats.date_format(timezone.localtime(saved_at), "DATETIME_FORMAT")
    assert when in panel
    assert "Stalled" in panel and "In progress" in panel
    assert "Partners &lt;script&gt;disagree&lt;/script&gt; on the cap." in panel
    assert "Note added" in panel
    assert "<script>disagree" not in text
    assert "My note." in text  # what they typed is kept
    commitment.refresh_from_db()
    assert commitment.next_step == ""


def test_conflict_panel_in_japanese_names_family_name_first(client, desk):
    commitment, mori, sato = desk
    loaded = commitment.version
    services.commitment_set_status(
        commitment=commitment,
        user=mori,
        status=Status.ONGOING,
        expected_version=loaded,
    )
    client.force_login(sato)
    client.cookies["django_language"] = "ja"
    text = _update(client, commitment, loaded, note="メモ").text
    assert "編集中に他の人がこのコミットメントを保存しました：Mori Kenji、" in text


def test_conflict_panel_says_when_it_was_your_own_other_tab(client, desk):
    commitment, mori, _ = desk
    loaded = commitment.version
    client.force_login(mori)
    first = _update(client, commitment, loaded, next_step="From the first tab")
    assert "Update saved." in first.text or first.status_code == 200
    commitment.refresh_from_db()
    assert commitment.next_step == "From the first tab"
    text = _update(client, commitment, loaded, note="From the second tab").text
    assert "You saved this commitment in another tab or window" in text
    assert "Someone else" not in text
    assert "From the first tab" in text  # what that save changed
    assert commitment.status_updates.filter(note="From the second tab").count() == 0


def test_conflict_panel_names_everyone_who_saved_since(client, desk):
    commitment, mori, sato = desk
    loaded = commitment.version
    services.commitment_set_status(
        commitment=commitment, user=mori, status=Status.ONGOING, expected_version=loaded
    )
    services.commitment_set_status(
        commitment=commitment,
        user=sato,
        status=Status.ONGOING,
        fields={"next_step": "Sato's step"},
        expected_version=commitment.version,
    )
    client.force_login(sato)
    text = _update(client, commitment, loaded, note="Late.").text
    assert "Kenji Mori and you, in another tab or window" in text
    assert "Sato's step" in text or "Sato&#x27;s step" in text


def test_conflict_without_history_still_explains(client, desk):
    commitment, mori, sato = desk
    loaded = commitment.version
    # A save made by a script that recorded no user.
    Commitment.objects.filter(pk=commitment.pk).update(version=loaded + 1, next_step="Scripted")
    client.force_login(sato)
    response = _update(client, commitment, loaded, note="Mine.")
    assert "Someone else saved this commitment while you were editing it." in response.text
    assert "Mine." in response.text
