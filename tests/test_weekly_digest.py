"""The weekly digest: sent by the scheduler on Monday morning (Tokyo), once per user and week,
with what needs attention among the reader's commitments and what changed on them last week."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, UserFactory
from tracker import services
from tracker.models import (
    Commitment,
    Confidence,
    Delivery,
    MailLanguage,
    Notification,
    NotificationKind,
    NotificationPreference,
    ScheduledRun,
    Status,
    WeeklyDigest,
)
from tracker.notification_mail import unsubscribe_read
from tracker.permissions import Role
from tracker.scheduling import tick

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _next_monday() -> datetime.date:
    today = timezone.localdate(timezone.now(), TOKYO)
    return today + datetime.timedelta(days=7 - today.weekday())


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = "https://tracker.example.org"


@pytest.fixture
def world(division, other_division, manager):
    """An owner (in `division`) with one item in each section and one that needs nothing; a
    colleague in the same division; another division's overdue item; a user with nothing."""
    monday = _next_monday()
    owner = UserFactory(username="owner", roles=[Role.EDITOR], divisions=[division])
    colleague = UserFactory(username="colleague", roles=[Role.VIEWER], divisions=[division])
    other = UserFactory(username="other", roles=[Role.EDITOR], divisions=[other_division])
    idle = UserFactory(username="idle", roles=[Role.VIEWER])
    far = monday + datetime.timedelta(days=120)
    items = {
        "overdue": CommitmentFactory(
            title="Overdue item", owner=owner, target_date=monday - datetime.timedelta(days=3)
        ),
        "due_soon": CommitmentFactory(
            title="Due soon item",
            lead_division=division,
            target_date=monday + datetime.timedelta(days=10),
        ),
        "red": CommitmentFactory(
            title="Red item", owner=owner, target_date=far, confidence=Confidence.RED
        ),
        "stale": CommitmentFactory(title="Stale item", owner=owner, target_date=far),
        "fine": CommitmentFactory(title="Fine item", owner=owner, target_date=far),
        "elsewhere": CommitmentFactory(
            title="Other division item",
            lead_division=other_division,
            target_date=monday - datetime.timedelta(days=1),
        ),
        "later": CommitmentFactory(title="Due after the fortnight", owner=owner, target_date=far),
    }
    Commitment.objects.filter(pk=items["stale"].pk).update(
        last_update_at=timezone.now() - datetime.timedelta(days=40)
    )
    fine = items["fine"]
    services.commitment_set_status(
        commitment=fine,
        user=manager,
        status=Status.IN_PROGRESS,
        expected_version=fine.version,
        note="Talked to the embassy.",
    )
    # The daily notifications are another job: these tests look at the weekly digest only.
    Notification.objects.all().delete()
    return {
        "monday": monday,
        "owner": owner,
        "colleague": colleague,
        "other": other,
        "idle": idle,
        **items,
    }


def _run_monday(monday: datetime.date) -> None:
    """The scheduler on Monday: first seen before 08:00, then due at 08:00 Tokyo."""
    tick(_at(monday, 7))
    tick(_at(monday, 8, 1))


def _digests(to: str | None = None) -> list:
    """The weekly digests in the outbox (their unsubscribe link names the kind)."""
    found = []
    for message in mail.outbox:
        token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").split("/")[-1]
        weekly = unsubscribe_read(token)[1] == [NotificationKind.WEEKLY_DIGEST]
        if weekly and (to is None or to in message.to):
            found.append(message)
    return found


def _parts(message) -> tuple[str, str]:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def test_owner_gets_the_digest_with_each_section_and_last_weeks_changes(world):
    _run_monday(world["monday"])
    [message] = _digests("owner@example.org")
    text, html = _parts(message)
    assert message.subject.startswith("[Commitment tracker] Weekly digest:")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    attention, changes = text.split("== What changed last week")
    sections = {
        heading.split(" ==")[0]: body
        for heading, body in (part.split("\n", 1) for part in attention.split("== ")[1:])
    }
    assert list(sections) == [
        "Overdue",
        "Due in the next 14 days",
        "Red: unlikely to be met",
        "No update for 14 days or more",
    ]
    assert "Overdue item" in sections["Overdue"]
    assert "Due soon item" in sections["Due in the next 14 days"]  # led by their division
    assert "Red item" in sections["Red: unlikely to be met"]
    assert "Stale item" in sections["No update for 14 days or more"]
    assert "Fine item" not in attention and "Due after the fortnight" not in attention
    # Last week's journal: the manager's move with its note, and by whom.
    assert "Fine item" in changes
    assert "manager: status Not started → In progress" in changes
    assert "Talked to the embassy." in changes
    for item in ("overdue", "due_soon", "red", "stale", "fine"):
        link = f"https://tracker.example.org{world[item].get_absolute_url()}"
        assert link in text and f'href="{link}"' in html
    assert WeeklyDigest.objects.get(user=world["owner"]).week == _week_before(world["monday"])


def _week_before(monday: datetime.date) -> str:
    year, week, _day = (monday - datetime.timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def test_nothing_to_report_sends_nothing(world):
    _run_monday(world["monday"])
    assert _digests("idle@example.org") == []
    assert not WeeklyDigest.objects.filter(user=world["idle"]).exists()
    # The colleague has the division's due-soon item; the other division's member has its own.
    assert len(_digests("colleague@example.org")) == 1
    assert len(_digests("other@example.org")) == 1


def test_other_divisions_items_never_appear(world):
    _run_monday(world["monday"])
    for address in ("owner@example.org", "colleague@example.org"):
        text, html = _parts(_digests(address)[0])
        assert "Other division item" not in text and "Other division item" not in html
    text, _html = _parts(_digests("other@example.org")[0])
    assert "Other division item" in text
    assert "Overdue item" not in text and "Fine item" not in text


def test_japanese_reader_gets_japanese(world):
    MailLanguage.objects.create(user=world["owner"], language="ja")
    _run_monday(world["monday"])
    [message] = _digests("owner@example.org")
    text, html = _parts(message)
    assert message.subject.startswith("[コミットメント管理] 週間ダイジェスト")
    assert "期限超過" in text and "先週の変更" in text
    assert '<html lang="ja">' in html and "期限超過" in html
    # The colleague kept the default language.
    assert _digests("colleague@example.org")[0].subject.startswith("[Commitment tracker]")


def test_a_second_tick_or_a_retried_run_sends_nothing_more(world):
    _run_monday(world["monday"])
    sent = len(_digests())
    assert sent == WeeklyDigest.objects.count() == 3
    tick(_at(world["monday"], 8, 30))
    tick(_at(world["monday"], 11))
    run = ScheduledRun.objects.get(job="weekly-digest", due_at=_at(world["monday"], 8))
    # The run retried by hand, as the worker would after a failure.
    from tracker.services.digests import weekly_digests_job

    assert weekly_digests_job(run=run) == 0
    assert len(_digests()) == sent
    assert ScheduledRun.objects.filter(job="weekly-digest", status="succeeded").count() == 1


def test_a_failed_send_is_retried_for_that_user_only(world, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    from tracker.services.digests import weekly_digests_send

    real_send = EmailMultiAlternatives.send

    def flaky(message, *args, **kwargs):
        if "owner@example.org" in message.to:
            raise OSError("Mail server refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    now = _at(world["monday"], 8)
    with pytest.raises(RuntimeError, match="1 weekly digests could not be sent; 2 were"):
        weekly_digests_send(now=now)
    assert not WeeklyDigest.objects.filter(user=world["owner"]).exists()
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert weekly_digests_send(now=now) == 1
    assert [m.to for m in _digests()].count(["owner@example.org"]) == 1
    assert len(_digests()) == 3


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>\x1b[31m & <b>bold</b>\x07'])
def test_hostile_titles_and_notes_are_escaped(world, hostile):
    commitment = CommitmentFactory(title=hostile, owner=world["owner"], target_date=world["monday"])
    services.commitment_set_status(
        commitment=commitment,
        user=world["owner"],
        status=Status.IN_PROGRESS,
        expected_version=commitment.version,
        note=hostile,
    )
    _run_monday(world["monday"])
    text, html = _parts(_digests("owner@example.org")[0])
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;[31m &amp; &lt;b&gt;bold" in html
    assert '<script>alert("x")</script>[31m & <b>bold</b>' in text
    for part in (text, html):
        assert "\x1b" not in part and "\x07" not in part


def test_unsubscribe_turns_the_weekly_digest_off(world):
    monday = world["monday"]
    _run_monday(monday)
    [message] = _digests("owner@example.org")
    url = (
        message.extra_headers["List-Unsubscribe"]
        .strip("<>")
        .removeprefix("https://tracker.example.org")
    )
    page = Client().get(url)
    assert "Weekly digest" in page.content.decode()
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert (
        NotificationPreference.objects.get(
            user=world["owner"], kind=NotificationKind.WEEKLY_DIGEST
        ).delivery
        == Delivery.IN_APP
    )
    mail.outbox.clear()
    tick(_at(monday + datetime.timedelta(days=7), 8, 5))
    assert _digests("owner@example.org") == []
    assert len(_digests("colleague@example.org")) == 1


def test_settings_page_offers_the_weekly_digest_on_or_off(world):
    client = Client()
    client.force_login(world["colleague"])
    page = client.get(reverse("notification-settings")).content.decode()
    assert "Weekly digest" in page and "By e-mail every Monday" in page
    data = {kind.value: Delivery.DIGEST for kind in NotificationKind}
    data |= {NotificationKind.WEEKLY_DIGEST: Delivery.OFF, "language": "en"}
    assert client.post(reverse("notification-settings"), data).status_code == 302
    # "By e-mail at once" means nothing for a weekly message: refused, nothing stored.
    data[NotificationKind.WEEKLY_DIGEST] = Delivery.IMMEDIATELY
    assert client.post(reverse("notification-settings"), data).status_code == 200
    _run_monday(world["monday"])
    assert _digests("colleague@example.org") == []
    assert len(_digests("owner@example.org")) == 1


@pytest.mark.parametrize("commitments", [3, 30])
def test_queries_do_not_grow_with_commitments(
    division, other_division, commitments, django_assert_num_queries
):
    from tracker.services.digests import weekly_digests_send

    monday = _next_monday()
    owners = [
        UserFactory(username=f"officer{i}", divisions=[division, other_division]) for i in range(3)
    ]
    MailLanguage.objects.create(user=owners[0], language="ja")
    for i in range(commitments):
        CommitmentFactory(
            owner=owners[i % 3],
            lead_division=(division, other_division)[i % 2],
            target_date=monday + datetime.timedelta(days=i % 20 - 5),
            confidence=(Confidence.RED, Confidence.GREEN)[i % 2],
        )
    # Per batch: users, divisions, commitments, journal, and the empty next batch; per digest:
    # the record of its sending (savepoint, insert, release).
    with django_assert_num_queries(5 + 3 * 3):
        assert weekly_digests_send(now=_at(monday, 8)) == 3
    assert len(_digests()) == 3


def test_a_long_section_lists_the_first_items_and_counts_the_rest(division):
    from tracker.services.digests import SECTION_LIMIT, weekly_digests_send

    monday = _next_monday()
    owner = UserFactory(username="busy")
    for i in range(SECTION_LIMIT + 5):
        CommitmentFactory(
            title=f"Late item {i:02d}",
            owner=owner,
            target_date=monday - datetime.timedelta(days=30 - i),
        )
    assert weekly_digests_send(now=_at(monday, 8)) == 1
    text, html = _parts(_digests("busy@example.org")[0])
    attention = text.split("== What changed")[0]
    assert attention.count("* Late item") == SECTION_LIMIT
    assert "Late item 00" in attention and f"Late item {SECTION_LIMIT:02d}" not in attention
    assert "… and 5 more: https://tracker.example.org/" in text
    assert "… and 5 more</a>" in html
