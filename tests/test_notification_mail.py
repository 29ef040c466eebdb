"""Notification e-mails sent through a real SMTP server (aiosmtpd, started here on 127.0.0.1)
and read back: headers, both parts, a Japanese subject, escaping; one-click unsubscribe."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, UserFactory
from tracker import services
from tracker.models import Delivery, MailLanguage, Notification, NotificationKind
from tracker.notification_mail import unsubscribe_token
from tracker.permissions import Role

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.SITE_URL = "https://tracker.example.org"
    yield inbox
    controller.stop()


@pytest.fixture
def world(division, editor):
    owner = UserFactory(username="owner", roles=[Role.EDITOR], email="owner@example.org")
    commitment = CommitmentFactory(lead_division=division, title="Joint <b>exercise</b> & plan")
    Notification.objects.all().delete()
    return owner, editor, commitment


def _reassign(commitment, owner, manager):
    services.commitment_reassign(commitment=commitment, user=manager, owner=owner)


def test_made_owner_mails_at_once_with_both_parts_and_the_list_headers(
    smtp, world, manager, django_capture_on_commit_callbacks
):
    owner, _editor, commitment = world
    with django_capture_on_commit_callbacks(execute=True):
        _reassign(commitment, owner, manager)
    # The new owner, and the lead division's editor (told it went to someone else).
    assert sorted(m["To"] for m in smtp.messages) == ["editor@example.org", "owner@example.org"]
    [message] = [m for m in smtp.messages if m["To"] == "owner@example.org"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://tracker.example.org/notifications/unsubscribe/")
    assert unsubscribe.endswith("/>")
    assert message["Subject"].startswith("[Commitment tracker]")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"https://tracker.example.org{commitment.get_absolute_url()}"
    assert link in text and link in html
    assert "Joint <b>exercise</b> & plan" in text
    assert "Joint &lt;b&gt;exercise&lt;/b&gt; &amp; plan" in html
    assert "<b>exercise</b>" not in html
    notification = Notification.objects.get(user=owner)
    assert notification.emailed_at is not None
    # Sending the same event again (a retried task) mails nobody twice.
    assert services.notifications_email_immediate(event_key=notification.event_key) == 0
    assert len(smtp.messages) == 2


def test_japanese_reader_gets_a_japanese_subject_decoded_back(
    smtp, world, manager, django_capture_on_commit_callbacks
):
    owner, _editor, commitment = world
    MailLanguage.objects.create(user=owner, language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        _reassign(commitment, owner, manager)
    [message] = [m for m in smtp.messages if m["To"] == "owner@example.org"]
    # On the wire the subject is RFC 2047-encoded ASCII; decoded, it is Japanese.
    raw = message.as_bytes(policy=email.policy.compat32)
    assert b"=?utf-8?" in raw.lower()
    subject = str(message["Subject"])
    assert subject.startswith("[コミットメント管理]")


def test_hostile_note_is_escaped_in_the_digest(smtp, world):
    owner, editor, commitment = world
    _reassign(commitment, owner, UserFactory(username="boss", roles=[Role.MANAGER]))
    Notification.objects.update(emailed_at=timezone.now())
    hostile = '<script>alert("x")</script> <img src=x onerror=alert(1)> \x07 end'
    services.commitment_edit(
        commitment=commitment,
        user=editor,
        data={},
        expected_version=commitment.version + 1,
        note=hostile,
    )
    assert services.digest_send(user=owner, now=timezone.now()) == 1
    [message] = smtp.messages
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    # Nothing left for the next digest: sent once.
    assert services.digest_send(user=owner, now=timezone.now()) == 0
    assert len(smtp.messages) == 1


def test_digest_sends_nothing_to_someone_with_nothing_new(smtp, world):
    owner, _editor, _commitment = world
    assert services.digest_send(user=owner, now=timezone.now()) == 0
    assert smtp.messages == []


def test_one_click_unsubscribe_post_without_login_or_csrf(world):
    owner, _editor, _commitment = world
    token = unsubscribe_token(user_id=owner.pk, kinds=[NotificationKind.STATUS])
    url = reverse("notification-unsubscribe", args=[token])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert "Status or confidence changed" in page.content.decode()
    assert not owner.notification_preferences.exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert dict(owner.notification_preferences.values_list("kind", "delivery")) == {
        NotificationKind.STATUS: Delivery.IN_APP
    }


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: signing.dumps({"u": 1, "k": ["status"]}, salt="another.salt"),
        lambda t: "x" * 5000,
        lambda t: "%00",
    ],
)
def test_unsubscribe_with_a_tampered_signature_changes_nothing(world, tamper):
    owner, _editor, _commitment = world
    token = tamper(unsubscribe_token(user_id=owner.pk, kinds=[NotificationKind.STATUS]))
    response = Client().post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code in (400, 404)
    assert not owner.notification_preferences.exists()


def test_unsubscribe_token_cannot_name_another_user_by_editing(world):
    owner, editor, _commitment = world
    token = unsubscribe_token(user_id=owner.pk, kinds=[NotificationKind.STATUS])
    payload, _sep, signature = token.rpartition(":")
    forged = unsubscribe_token(user_id=editor.pk, kinds=[NotificationKind.STATUS])
    mixed = forged.rpartition(":")[0] + ":" + signature
    response = Client().post(reverse("notification-unsubscribe", args=[mixed]))
    assert response.status_code == 400
    assert not editor.notification_preferences.exists()


def test_weekly_digest_through_smtp_in_japanese(smtp, world):
    """The weekly digest read back from a real SMTP server: headers, both parts, the subject."""
    import datetime

    from tracker.services.digests import weekly_digests_send

    owner, _editor, commitment = world
    MailLanguage.objects.create(user=owner, language="ja")
    services.commitment_reassign(
        commitment=commitment, user=UserFactory(username="boss", roles=[Role.MANAGER]), owner=owner
    )
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    now = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(8)))
    assert weekly_digests_send(now=now, users=[owner]) == 1
    [message] = smtp.messages
    assert message["To"] == "owner@example.org"
    assert b"=?utf-8?" in message.as_bytes(policy=email.policy.compat32).lower()
    assert str(message["Subject"]).startswith("[コミットメント管理] 週間ダイジェスト")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"https://tracker.example.org{commitment.get_absolute_url()}"
    assert link in text and link in html
    assert "Joint <b>exercise</b> & plan" in text
    assert "Joint &lt;b&gt;exercise&lt;/b&gt; &amp; plan" in html
    assert weekly_digests_send(now=now, users=[owner]) == 0
    assert len(smtp.messages) == 1
