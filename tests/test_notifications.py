"""Notifications in the app: made by the real doors, shown under the bell, marked read; watches,
preferences and reminders. E-mail is tests/test_notification_mail.py."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tracker import services
from tracker.models import (
    Commitment,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    Status,
    Watch,
)
from tracker.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(division, editor, manager):
    owner = UserFactory(username="owner", roles=[Role.EDITOR])
    lead = UserFactory(username="lead", roles=[Role.VIEWER], divisions=[division])
    watcher = UserFactory(username="watcher", roles=[Role.VIEWER])
    bystander = UserFactory(username="bystander", roles=[Role.VIEWER])
    commitment = CommitmentFactory(lead_division=division, owner=owner)
    services.watch_set(user=watcher, commitment=commitment, watching=True)
    # The owner was told of being made owner when the commitment was recorded; tests start clean.
    assert Notification.objects.filter(user=owner, kind=NotificationKind.ASSIGNED).count() == 1
    Notification.objects.all().delete()
    return {
        "owner": owner,
        "lead": lead,
        "watcher": watcher,
        "bystander": bystander,
        "editor": editor,
        "manager": manager,
        "commitment": commitment,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _recipients(kind, commitment) -> set[str]:
    return set(
        Notification.objects.filter(kind=kind, commitment=commitment).values_list(
            "user__username", flat=True
        )
    )


def test_htmx_status_update_notifies_owner_division_and_watcher_not_the_actor(people):
    commitment = people["commitment"]
    response = _client(people["editor"]).post(
        reverse("commitment-update", args=[commitment.pk]),
        {
            "status": "in_progress",
            "confidence": "amber",
            "note": "Talks began.",
            "loaded_version": 1,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    # The editor belongs to the lead division, but made the change: not told of it.
    assert _recipients(NotificationKind.STATUS, commitment) == {"owner", "lead", "watcher"}
    notification = Notification.objects.get(kind=NotificationKind.STATUS, user=people["owner"])
    assert notification.actor == people["editor"]
    assert notification.data["status_to"] == "in_progress"
    assert notification.data["note"] == "Talks began."
    assert "In progress" in notification.summary()


def test_a_note_alone_is_a_note_notification(people):
    commitment = people["commitment"]
    services.commitment_edit(
        commitment=commitment,
        user=people["owner"],
        data={},
        expected_version=commitment.version,
        note="Called the embassy.",
    )
    assert _recipients(NotificationKind.NOTE, commitment) == {"lead", "watcher", "editor"}


def test_reassign_post_tells_new_owner_previous_owner_and_followers(people):
    commitment = people["commitment"]
    new_owner = UserFactory(username="newowner", roles=[Role.EDITOR])
    response = _client(people["manager"]).post(
        reverse("commitment-reassign", args=[commitment.pk]), {"owner": new_owner.pk}
    )
    assert response.status_code == 302
    assert _recipients(NotificationKind.ASSIGNED, commitment) == {
        "newowner",
        "owner",
        "lead",
        "watcher",
        "editor",
    }
    mine = Notification.objects.get(user=new_owner, kind=NotificationKind.ASSIGNED)
    assert "made you the owner" in mine.summary()
    theirs = Notification.objects.get(user=people["owner"], kind=NotificationKind.ASSIGNED)
    assert "reassigned" in theirs.summary()


def test_admin_change_notifies_through_the_same_service(people, admin_user):
    commitment = people["commitment"]
    client = _client(admin_user)
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: (value if value is not None else "")
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "themes": [],
            "parties": [],
            "status": Status.IN_PROGRESS,
            "loaded_version": commitment.version,
        }
    )
    # The admin's inline management forms, as the page renders them.
    page = client.get(url)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    for key, value in list(data.items()):
        if isinstance(value, datetime.date):
            data[key] = value.isoformat()
        elif hasattr(value, "pk"):
            data[key] = value.pk
    data.setdefault("_save", "Save")
    response = client.post(url, data)
    assert response.status_code == 302, getattr(response, "context", None) and [
        f.errors for f in [response.context["adminform"].form]
    ]
    assert _recipients(NotificationKind.STATUS, commitment) == {
        "owner",
        "lead",
        "watcher",
        "editor",
    }


def test_followup_create_notifies(people):
    commitment = people["commitment"]
    later = MeetingFactory(
        starts_at=commitment.origin_meeting.starts_at + datetime.timedelta(days=9)
    )
    response = _client(people["owner"]).post(
        reverse("followup-create", args=[commitment.pk]),
        {"meeting": later.pk, "outcome": "reaffirmed", "note": "Raised again."},
    )
    assert response.status_code == 302
    assert _recipients(NotificationKind.FOLLOW_UP, commitment) == {"lead", "watcher", "editor"}


def test_the_same_event_is_never_notified_twice(people):
    commitment = people["commitment"]
    entry = commitment.status_updates.get()
    services.notifications.notify_journal_entry(entry=entry, actor=people["bystander"])
    services.notifications.notify_journal_entry(entry=entry, actor=people["bystander"])
    # The opening entry moves the status from nothing to "not started".
    assert Notification.objects.filter(event_key=f"status:{entry.pk}").count() == 4


def test_inactive_users_and_users_who_turned_a_kind_off_get_nothing(people):
    people["lead"].is_active = False
    people["lead"].save()
    NotificationPreference.objects.create(
        user=people["watcher"], kind=NotificationKind.STATUS, delivery=Delivery.OFF
    )
    commitment = people["commitment"]
    services.commitment_set_status(
        commitment=commitment,
        user=people["editor"],
        status="in_progress",
        expected_version=commitment.version,
    )
    assert _recipients(NotificationKind.STATUS, commitment) == {"owner"}


def test_a_rolled_back_change_notifies_nobody(people):
    commitment = people["commitment"]
    with pytest.raises(Exception):  # noqa: B017, PT011 - the refusal, whatever its class
        services.commitment_set_status(
            commitment=commitment,
            user=people["editor"],
            status="in_progress",
            expected_version=commitment.version + 5,
        )
    assert not Notification.objects.filter(kind=NotificationKind.STATUS).exists()


# The reader's side ---------------------------------------------------------------------------


def _notify_owner(people, note="Moved on."):
    commitment = Commitment.objects.get(pk=people["commitment"].pk)
    services.commitment_edit(
        commitment=commitment,
        user=people["editor"],
        data={},
        expected_version=commitment.version,
        note=note,
    )
    return Notification.objects.filter(user=people["owner"]).latest("pk")


def test_bell_counts_unread_and_the_page_lists_them_newest_first(people):
    first = _notify_owner(people, "First note.")
    second = _notify_owner(people, "Second <b>note</b>.")
    client = _client(people["owner"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "2 unread notifications" in page
    response = client.get(reverse("notification-list"))
    html = response.content.decode()
    assert html.index(f"notification-{second.pk}") < html.index(f"notification-{first.pk}")
    assert "Second &lt;b&gt;note&lt;/b&gt;." in html
    assert "<b>note</b>" not in html
    assert people["commitment"].get_absolute_url() in html


def test_mark_one_read_htmx_and_without_js(people):
    first = _notify_owner(people, "First.")
    second = _notify_owner(people, "Second.")
    client = _client(people["owner"])
    response = client.post(reverse("notification-read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert 'hx-swap-oob="true"' in html and "1 unread notification" in html
    first.refresh_from_db()
    assert first.read_at is not None
    response = client.post(reverse("notification-read", args=[second.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(user=people["owner"], read_at__isnull=True).count() == 0


def test_mark_all_read(people):
    _notify_owner(people, "One.")
    _notify_owner(people, "Two.")
    response = _client(people["owner"]).post(reverse("notification-read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=people["owner"], read_at__isnull=True).exists()
    # Other people's notifications stay unread.
    assert Notification.objects.filter(user=people["lead"], read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(people):
    theirs = _notify_owner(people)
    response = _client(people["bystander"]).post(reverse("notification-read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    page = _client(people["bystander"]).get(reverse("notification-list")).content.decode()
    assert f"notification-{theirs.pk}" not in page


def test_mark_read_needs_post_and_csrf(people):
    notification = _notify_owner(people)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["owner"])
    url = reverse("notification-read", args=[notification.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notification_page_query_count_is_pinned(people, django_assert_num_queries):
    for index in range(5):
        _notify_owner(people, f"Note {index}.")
    client = _client(people["owner"])
    client.get(reverse("notification-list"))
    # Session, user, roles and the two permission reads (for the header's menu), the bell's
    # COUNT, the paginator's COUNT and the page of notifications with actor and commitment:
    # the same for 5 or 30 lines.
    with django_assert_num_queries(8):
        response = client.get(reverse("notification-list"))
    assert response.status_code == 200


def test_watch_and_unwatch_from_the_commitment_page(people):
    commitment = people["commitment"]
    client = _client(people["bystander"])
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert 'name="watch" value="1"' in page
    response = client.post(reverse("commitment-watch", args=[commitment.pk]), {"watch": "1"})
    assert response.status_code == 302
    assert Watch.objects.filter(user=people["bystander"], commitment=commitment).exists()
    # Twice is still one watch.
    client.post(reverse("commitment-watch", args=[commitment.pk]), {"watch": "1"})
    assert Watch.objects.filter(user=people["bystander"]).count() == 1
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert 'name="watch" value="0"' in page
    response = client.post(
        reverse("commitment-watch", args=[commitment.pk]), {"watch": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'name="watch" value="1"' in response.content.decode()
    assert not Watch.objects.filter(user=people["bystander"]).exists()


def test_preferences_page_saves_each_kind_and_language(people):
    client = _client(people["owner"])
    page = client.get(reverse("notification-settings")).content.decode()
    assert "Made owner or reassigned" in page
    data = {kind.value: Delivery.DIGEST for kind in NotificationKind}
    data |= {NotificationKind.NOTE: Delivery.OFF, "language": "ja"}
    response = client.post(reverse("notification-settings"), data)
    assert response.status_code == 302
    stored = dict(people["owner"].notification_preferences.values_list("kind", "delivery"))
    assert stored[NotificationKind.NOTE] == Delivery.OFF
    assert stored[NotificationKind.ASSIGNED] == Delivery.DIGEST
    assert people["owner"].mail_language.language == "ja"
    # Turned off: a note on their commitment no longer reaches them.
    with pytest.raises(Notification.DoesNotExist):
        _notify_owner(people)
    assert not Notification.objects.filter(
        user=people["owner"], kind=NotificationKind.NOTE
    ).exists()


@pytest.mark.parametrize("hostile", ["\x00", "x" * 10_000, "\x1b[31m", "off\r\nBcc: a@b"])
def test_preferences_refuse_hostile_values(people, hostile):
    client = _client(people["owner"])
    data = {kind.value: Delivery.DIGEST for kind in NotificationKind} | {"language": "en"}
    data[NotificationKind.STATUS] = hostile
    response = client.post(reverse("notification-settings"), data)
    assert response.status_code in (200, 400)
    assert not NotificationPreference.objects.filter(user=people["owner"]).exists()


def test_notifications_page_needs_login():
    response = Client().get(reverse("notification-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Reminders -----------------------------------------------------------------------------------


def test_reminders_are_created_once_per_commitment_user_kind_and_date(people, other_division):
    now = timezone.now()
    today = timezone.localdate(now)
    commitment = people["commitment"]
    services.commitment_edit(
        commitment=commitment,
        user=people["manager"],
        data={
            "target_date": today + datetime.timedelta(days=3),
            "next_review_date": today,
        },
        expected_version=commitment.version,
    )
    overdue = CommitmentFactory(
        lead_division=other_division,
        owner=people["bystander"],
        target_date=today - datetime.timedelta(days=1),
    )
    Notification.objects.all().delete()
    assert services.reminders_create(now=now) > 0
    kinds = set(Notification.objects.filter(commitment=commitment).values_list("kind", flat=True))
    assert {NotificationKind.DUE_SOON, NotificationKind.REVIEW} <= kinds
    assert _recipients(NotificationKind.DUE_SOON, commitment) == {
        "owner",
        "lead",
        "watcher",
        "editor",
    }
    assert _recipients(NotificationKind.OVERDUE, overdue) == {"bystander"}
    count = Notification.objects.count()
    # Again the same day, and the next day: nothing new for the same dates.
    assert services.reminders_create(now=now) == 0
    assert services.reminders_create(now=now + datetime.timedelta(days=1)) == 0
    assert Notification.objects.count() == count
    # A stale item: no update for STALE_AFTER_DAYS.
    later = now + datetime.timedelta(days=20)
    services.reminders_create(now=later)
    assert _recipients(NotificationKind.STALE, overdue) == {"bystander"}


def test_reminders_query_count_does_not_grow_with_commitments(
    people, django_assert_max_num_queries, division
):
    today = timezone.localdate()
    for index in range(12):
        CommitmentFactory(
            lead_division=division,
            owner=people["owner"],
            target_date=today + datetime.timedelta(days=index % 8),
        )
    # Four candidate reads, members, watches, active users, preferences, existing rows, insert.
    with django_assert_max_num_queries(12):
        services.reminders_create(now=timezone.now())


def test_viewers_may_see_every_notification_they_get(people):
    """Every active account reads every commitment (tracker.permissions), so a notification's
    link always opens for its reader; a deactivated account gets none (above)."""
    viewer_group = Group.objects.get(name=Role.VIEWER)
    assert people["watcher"].groups.filter(pk=viewer_group.pk).exists()
    _notify_owner(people)
    notification = Notification.objects.filter(user=people["watcher"]).latest("pk")
    response = _client(people["watcher"]).get(notification.get_absolute_url())
    assert response.status_code == 200


def test_the_scheduler_sends_the_days_reminders_and_digest_once(people, settings):
    """The reminders and the digest are periodic jobs: the scheduler runs each once a day, a
    second tick (or a second scheduler) sends nothing more."""
    from django.core import mail

    from tests.factories import aware
    from tracker.scheduling import tick

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    day = timezone.localdate() + datetime.timedelta(days=1)
    # Not a Monday: the weekly digest (tests/test_weekly_digest.py) would be a second message.
    day += datetime.timedelta(days=day.weekday() == 0)
    CommitmentFactory(owner=people["owner"], target_date=day + datetime.timedelta(days=2))
    Notification.objects.all().delete()
    tick(aware(f"{day} 06:00"))  # first seen: the jobs start from their next due time
    assert not Notification.objects.exists()
    tick(aware(f"{day} 07:30"))
    due_soon = Notification.objects.filter(user=people["owner"], kind=NotificationKind.DUE_SOON)
    assert due_soon.count() == 1
    tick(aware(f"{day} 08:30"))
    tick(aware(f"{day} 08:45"))
    to_owner = [m for m in mail.outbox if people["owner"].email in m.to]
    assert len(to_owner) == 1
    assert due_soon.get().emailed_at is not None
