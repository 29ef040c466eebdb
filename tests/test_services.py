import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import CommitmentFactory, MeetingFactory, StatusUpdateFactory, UserFactory
from tracker import services
from tracker.models import Confidence, FollowUp, FollowUpOutcome, Status, StatusUpdate

pytestmark = pytest.mark.django_db


def _set_status(commitment, user, **changes):
    """The service as a form calls it: based on the version the editor loaded."""
    return services.commitment_set_status(
        commitment=commitment, expected_version=commitment.version, user=user, **changes
    )


def test_create_opens_the_journal(manager):
    commitment = CommitmentFactory(author=manager)
    entry = commitment.status_updates.get()
    assert (entry.status_from, entry.status_to) == ("", Status.NOT_STARTED)
    assert entry.author == manager


def test_set_status_writes_journal_entry_and_bumps_version(manager):
    commitment = CommitmentFactory()
    _set_status(
        commitment,
        manager,
        status=Status.IN_PROGRESS,
        confidence=Confidence.AMBER,
        note="Working group formed.",
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.confidence == Confidence.AMBER
    assert commitment.version == 2
    entry = commitment.status_updates.latest()
    assert (entry.status_from, entry.status_to) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert (entry.confidence_from, entry.confidence_to) == (Confidence.GREEN, Confidence.AMBER)
    assert entry.author == manager
    assert entry.note == "Working group formed."


@pytest.mark.parametrize(
    "status", [Status.STALLED, Status.COMPLETED, Status.SUPERSEDED, Status.DROPPED]
)
def test_set_status_requires_note(manager, status):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        _set_status(
            commitment,
            manager,
            status=status,
            note=" ",
        )
    assert "note" in error.value.message_dict
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.status_updates.count() == 1


def test_set_status_refuses_disallowed_transition(manager):
    commitment = CommitmentFactory(status=Status.COMPLETED)
    with pytest.raises(ValidationError) as error:
        _set_status(
            commitment,
            manager,
            status=Status.STALLED,
            note="Why not",
        )
    assert "status" in error.value.message_dict
    assert commitment.status_updates.count() == 1


def test_reopening_a_closed_commitment_needs_a_note(manager):
    commitment = CommitmentFactory(status=Status.COMPLETED)
    with pytest.raises(ValidationError):
        _set_status(
            commitment,
            manager,
            status="in_progress",
        )
    _set_status(
        commitment,
        manager,
        status=Status.IN_PROGRESS,
        note="Reopened.",
    )
    assert commitment.status == Status.IN_PROGRESS


def test_set_status_refuses_a_save_based_on_an_old_version(manager, other_editor, other_division):
    commitment = CommitmentFactory(lead_division=other_division)
    loaded_version = commitment.version
    _set_status(
        commitment,
        other_editor,
        status=Status.IN_PROGRESS,
        note="First.",
    )
    with pytest.raises(services.ConflictError) as error:
        services.commitment_set_status(
            commitment=commitment,
            user=manager,
            status=Status.ONGOING,
            note="Second.",
            expected_version=loaded_version,
            base={"status": Status.NOT_STARTED, "next_step": ""},
        )
    assert error.value.changes == [("status", Status.NOT_STARTED, Status.IN_PROGRESS)]
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.status_updates.count() == 2


def test_set_status_with_nothing_changed_is_refused(manager):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError):
        _set_status(
            commitment,
            manager,
            status=Status.NOT_STARTED,
        )


def test_a_field_only_save_is_kept_in_the_history_without_an_empty_journal_entry(manager):
    commitment = CommitmentFactory()
    _set_status(
        commitment,
        manager,
        status=Status.NOT_STARTED,
        fields={"next_step": "Brief the Minister", "target_date": datetime.date(2027, 1, 31)},
    )
    commitment.refresh_from_db()
    assert commitment.next_step == "Brief the Minister"
    assert commitment.target_date == datetime.date(2027, 1, 31)
    assert commitment.status_updates.count() == 1
    latest = commitment.history.latest()
    assert (latest.next_step, latest.history_user) == ("Brief the Minister", manager)


def test_reassign_records_the_change(manager, editor):
    commitment = CommitmentFactory()
    services.commitment_reassign(commitment=commitment, user=manager, owner=editor)
    commitment.refresh_from_db()
    assert commitment.owner == editor
    assert "editor" in commitment.status_updates.latest().note


def test_followup_record_and_refusals(manager):
    commitment = CommitmentFactory()
    later = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=9)
    )
    services.followup_record(
        commitment=commitment, meeting=later, user=manager, outcome=FollowUpOutcome.REAFFIRMED
    )
    assert FollowUp.objects.filter(commitment=commitment, meeting=later).exists()
    with pytest.raises(ValidationError, match="already linked"):
        services.followup_record(
            commitment=commitment, meeting=later, user=manager, outcome=FollowUpOutcome.ADVANCED
        )
    earlier = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="earlier"):
        services.followup_record(
            commitment=commitment, meeting=earlier, user=manager, outcome="reaffirmed"
        )


def test_bulk_status_change_is_all_or_nothing(manager):
    movable = CommitmentFactory(status=Status.IN_PROGRESS)
    closed = CommitmentFactory(status=Status.DROPPED)
    done, refused = services.commitments_set_status_bulk(
        commitments=[movable, closed], user=manager, status=Status.STALLED, note="Blocked."
    )
    assert done == 0
    assert [c for c, _ in refused] == [closed]
    movable.refresh_from_db()
    assert movable.status == Status.IN_PROGRESS


def test_status_updates_are_append_only(manager):
    entry = StatusUpdateFactory()
    entry.note = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        StatusUpdate.objects.all().update(note="rewritten")
    with pytest.raises(TypeError):
        StatusUpdate.objects.all().delete()


def test_status_update_requires_author():
    commitment = CommitmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(commitment=commitment, author=None, status_to="in_progress")


def test_followup_once_per_meeting_is_a_database_constraint():
    follow_up = FollowUp.objects.model  # noqa: F841 - the model, for the constraint below
    commitment = CommitmentFactory()
    meeting = MeetingFactory()
    FollowUp.objects.create(commitment=commitment, meeting=meeting, outcome="reaffirmed")
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.create(commitment=commitment, meeting=meeting, outcome="advanced")


def test_history_records_who_changed_the_commitment(manager):
    commitment = CommitmentFactory()
    _set_status(
        commitment,
        manager,
        status=Status.IN_PROGRESS,
        note="Go.",
    )
    latest = commitment.history.latest()
    assert latest.history_user == manager
    assert latest.status == Status.IN_PROGRESS


def test_roles_exist_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Viewer",
        "Editor",
        "Manager",
        "Data entry",
    }
    clerk_perms = set(
        Group.objects.get(name="Data entry").permissions.values_list("codename", flat=True)
    )
    assert {"add_meeting", "change_commitment", "view_statusupdate"} <= clerk_perms
    assert "delete_commitment" not in clerk_perms


def test_user_factory_roles():
    user = UserFactory(roles=["Manager"])
    assert user.has_perm("tracker.issue_report")
