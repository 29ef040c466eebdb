"""Notifications: created by the services that make a change, in the same transaction; e-mailed
after it commits (at once or in the daily digest, as each user chose); marked read; watches.

Who hears about a commitment: its owner, the members of its lead division, and its watchers —
active users only, never the person who made the change, never anyone who turned the kind off.
Every user may read every commitment (tracker.permissions: "everyone with an account reads
everything"), so a notification never names an item its reader could not open.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    STALE_AFTER_DAYS,
    Commitment,
    Delivery,
    Division,
    FollowUp,
    MailLanguage,
    Notification,
    NotificationKind,
    NotificationPreference,
    StatusUpdate,
    Watch,
    delivery_for,
)
from ..names import user_name

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 7
# A note is quoted in the notification up to this length; the commitment page has the whole.
NOTE_EXCERPT = 500


def _preference(kind: str) -> Subquery:
    return Subquery(
        NotificationPreference.objects.filter(user=OuterRef("pk"), kind=kind).values("delivery")[:1]
    )


def _actor_name(actor: AbstractBaseUser | None) -> str:
    return user_name(actor) if actor is not None else ""


def _notify(
    *,
    commitment: Commitment,
    kind: str,
    event_key: str,
    actor: AbstractBaseUser | None,
    data: Mapping[str, Any],
    users: Iterable[int] | None = None,
    also: Iterable[int] = (),
    at: datetime.datetime | None = None,
) -> None:
    """One event: one query for who hears of it and how, one INSERT for all of them.

    `users`: only these (e.g. the new owner); by default the commitment's audience, with the
    users in `also`. A row that
    exists already for the same user and event is left as it is (the unique constraint)."""
    User = get_user_model()
    if users is None:
        audience = Q(pk=commitment.owner_id) | Q(
            pk__in=Watch.objects.filter(commitment=commitment).values("user_id")
        )
        if commitment.lead_division_id:
            audience |= Q(
                pk__in=Division.members.through.objects.filter(
                    division_id=commitment.lead_division_id
                ).values("user_id")
            )
        audience |= Q(pk__in=[pk for pk in also if pk])
    else:
        audience = Q(pk__in=[pk for pk in users if pk])
    recipients = (
        User.objects.filter(audience, is_active=True)
        .exclude(pk=getattr(actor, "pk", None))
        .annotate(delivery=_preference(kind))
        .values_list("pk", "delivery")
    )
    now = at or timezone.now()
    recipients = [
        (pk, delivery)
        for pk, delivery in recipients
        if delivery_for(kind, delivery) != Delivery.OFF
    ]
    rows = [
        Notification(
            user_id=pk,
            kind=kind,
            commitment=commitment,
            actor=actor,
            data={"title": commitment.title, "actor": _actor_name(actor), **data},
            event_key=event_key,
            created_at=now,
        )
        for pk, _delivery in recipients
    ]
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if any(delivery_for(kind, d) == Delivery.IMMEDIATELY for _, d in recipients):
        transaction.on_commit(lambda: _enqueue_immediate(event_key))


def _enqueue_immediate(event_key: str) -> None:
    try:
        notifications_email_task.enqueue(event_key)
    except Exception:
        # The change is saved; a mail that could not be queued waits for the digest instead.
        logger.exception("Could not queue the e-mail for %s", event_key)


@task
def notifications_email_task(event_key: str) -> int:
    return notifications_email_immediate(event_key=event_key)


def _enqueue_immediate_many(event_keys: list[str]) -> None:
    if len(event_keys) == 1:
        _enqueue_immediate(event_keys[0])
        return
    try:
        notifications_email_events_task.enqueue(event_keys)
    except Exception:
        logger.exception("Could not queue the e-mails for %s events", len(event_keys))


@task
def notifications_email_events_task(event_keys: list[str]) -> int:
    """The mails of many events (a bulk edit's), one job rather than one per event. A retry
    after a failure mails nobody twice: each notification is claimed before it is sent."""
    return sum(notifications_email_immediate(event_key=key) for key in event_keys)


def notify_journal_entry(*, entry: StatusUpdate, actor: AbstractBaseUser) -> None:
    """A status or confidence move, or a note, written to the journal."""
    event = _journal_event(entry)
    _notify(
        commitment=event.commitment,
        kind=event.kind,
        event_key=event.event_key,
        actor=actor,
        at=event.at,
        data=event.data,
    )


def notify_owner_change(
    *,
    commitment: Commitment,
    actor: AbstractBaseUser,
    previous_owner_id: int | None,
) -> None:
    """The new owner is told they own it; the previous one, the lead division and the watchers
    that it went to someone else."""
    if commitment.owner_id == previous_owner_id:
        return
    _notify(
        commitment=commitment,
        kind=NotificationKind.ASSIGNED,
        event_key=f"assigned:{commitment.pk}:v{commitment.version}",
        actor=actor,
        also=[previous_owner_id] if previous_owner_id else [],
        data={"owner_id": commitment.owner_id, "owner": _actor_name(commitment.owner)},
    )


def notify_new_owner(*, commitment: Commitment, actor: AbstractBaseUser) -> None:
    """A commitment recorded with an owner: the owner is told (nobody else: it is new)."""
    if commitment.owner_id is None:
        return
    _notify(
        commitment=commitment,
        kind=NotificationKind.ASSIGNED,
        event_key=f"assigned:{commitment.pk}:v{commitment.version}",
        actor=actor,
        users=[commitment.owner_id],
        data={"owner_id": commitment.owner_id, "owner": _actor_name(commitment.owner)},
    )


# Many events at once (a bulk edit): the same audiences, preferences and rows as one `_notify`
# per event, in a constant number of queries however many events.


@dataclasses.dataclass(frozen=True)
class _Event:
    commitment: Commitment
    kind: str
    event_key: str
    data: Mapping[str, Any]
    at: datetime.datetime
    also: tuple[int, ...] = ()


def _journal_event(entry: StatusUpdate) -> _Event:
    moved = entry.status_changed or entry.confidence_changed
    kind = NotificationKind.STATUS if moved else NotificationKind.NOTE
    return _Event(
        commitment=entry.commitment,
        kind=kind,
        event_key=f"{kind}:{entry.pk}",
        at=entry.created_at,
        data={
            "status_from": entry.status_from,
            "status_to": entry.status_to,
            "confidence_from": entry.confidence_from,
            "confidence_to": entry.confidence_to,
            "note": entry.note[:NOTE_EXCERPT],
        },
    )


def notify_journal_entries(
    *,
    entries: Iterable[StatusUpdate],
    actor: AbstractBaseUser,
    owner_changes: Iterable[tuple[Commitment, int | None]] = (),
) -> None:
    """`notify_journal_entry` for each entry and `notify_owner_change` for each (commitment,
    previous owner's id) of `owner_changes`, written together: what a bulk edit tells."""
    now = timezone.now()
    events = [_journal_event(entry) for entry in entries]
    events += [
        _Event(
            commitment=commitment,
            kind=NotificationKind.ASSIGNED,
            event_key=f"assigned:{commitment.pk}:v{commitment.version}",
            at=now,
            also=(previous,) if previous else (),
            data={"owner_id": commitment.owner_id, "owner": _actor_name(commitment.owner)},
        )
        for commitment, previous in owner_changes
        if commitment.owner_id != previous
    ]
    if not events:
        return
    audiences = _audiences({event.commitment.pk: event.commitment for event in events})
    also = {pk for event in events for pk in event.also}
    active_also: set[int] = set()
    if also:
        # The audiences hold active users only; a previous owner outside them is asked.
        known = set().union(*audiences.values())
        active_also = (also & known) | set(
            get_user_model()
            .objects.filter(pk__in=also - known, is_active=True)
            .values_list("pk", flat=True)
        )
    actor_pk = getattr(actor, "pk", None)
    recipients = {
        event.event_key: (
            audiences.get(event.commitment.pk, set()) | (set(event.also) & active_also)
        )
        - {actor_pk}
        for event in events
    }
    everyone = set().union(*recipients.values())
    kinds = {event.kind for event in events}
    deliveries = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            user_id__in=everyone, kind__in=kinds
        ).values_list("user_id", "kind", "delivery")
    }
    actor_name = _actor_name(actor)
    rows = []
    immediate = set()
    for event in events:
        commitment = event.commitment
        for user_id in sorted(recipients[event.event_key]):
            delivery = delivery_for(event.kind, deliveries.get((user_id, event.kind)))
            if delivery == Delivery.OFF:
                continue
            if delivery == Delivery.IMMEDIATELY:
                immediate.add(event.event_key)
            rows.append(
                # By their ids: thousands of rows, and a related object set costs per row.
                Notification(
                    user_id=user_id,
                    kind=event.kind,
                    commitment_id=commitment.pk,
                    actor_id=actor_pk,
                    data={"title": commitment.title, "actor": actor_name, **event.data},
                    event_key=event.event_key,
                    created_at=event.at,
                )
            )
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if immediate:
        keys = sorted(immediate)
        transaction.on_commit(lambda: _enqueue_immediate_many(keys))


def notify_followup(*, follow_up: FollowUp, actor: AbstractBaseUser) -> None:
    _notify(
        commitment=follow_up.commitment,
        kind=NotificationKind.FOLLOW_UP,
        event_key=f"follow_up:{follow_up.pk}",
        actor=actor,
        data={
            "meeting": follow_up.meeting.title,
            "outcome": follow_up.outcome,
            "note": follow_up.note[:NOTE_EXCERPT],
        },
    )


# Reminders ---------------------------------------------------------------------------------


def reminders_create(*, now: datetime.datetime, due_in_days: int = DUE_SOON_DAYS) -> int:
    """Remind each commitment's audience of what is due soon, overdue, due for review or stale.

    Each reminder names the date it is about (the target date, the review date, the last
    update), so running this again — the same day, after a restart, or daily — adds nothing
    until that date moves: at most one reminder per commitment, user and kind for each date,
    so certainly at most one a day. A constant number of queries, however many commitments."""
    today = timezone.localdate(now)
    base = Commitment.objects.open().only(
        "pk",
        "title",
        "owner_id",
        "lead_division_id",
        "target_date",
        "next_review_date",
        "last_update_at",
    )
    due_end = today + datetime.timedelta(days=due_in_days)
    events: list[tuple[Commitment, str, str, dict]] = []
    for c in base.due_between(today, due_end):
        days = (c.target_date - today).days
        events.append((c, NotificationKind.DUE_SOON, f"{c.target_date}", {"days": days}))
    for c in base.overdue(today):
        events.append((c, NotificationKind.OVERDUE, f"{c.target_date}", {}))
    for c in base.filter(next_review_date__lte=today):
        events.append((c, NotificationKind.REVIEW, f"{c.next_review_date}", {}))
    for c in base.stale(now):
        since = timezone.localdate(c.last_update_at) if c.last_update_at else "never"
        events.append((c, NotificationKind.STALE, f"{since}", {"days": STALE_AFTER_DAYS}))
    if not events:
        return 0
    audiences = _audiences({c.pk: c for c, *_ in events})
    kinds = {kind for _, kind, _, _ in events}
    deliveries = {
        (user_id, kind): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(
            kind__in=kinds
        ).values_list("user_id", "kind", "delivery")
    }
    wanted = [
        (user_id, c, kind, f"{kind}:{c.pk}:{date}", data)
        for c, kind, date, data in events
        for user_id in audiences.get(c.pk, ())
        if delivery_for(kind, deliveries.get((user_id, kind))) != Delivery.OFF
    ]
    existing = set(
        Notification.objects.filter(event_key__in={key for _, _, _, key, _ in wanted}).values_list(
            "user_id", "event_key"
        )
    )
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            commitment=c,
            data={"title": c.title, **data},
            event_key=key,
            created_at=now,
        )
        for user_id, c, kind, key, data in wanted
        if (user_id, key) not in existing
    ]
    immediate = sorted(
        {
            row.event_key
            for row in rows
            if delivery_for(row.kind, deliveries.get((row.user_id, row.kind)))
            == Delivery.IMMEDIATELY
        }
    )
    with transaction.atomic():
        # A concurrent run that inserted the same rows since the read above wins quietly.
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        transaction.on_commit(lambda: [_enqueue_immediate(key) for key in immediate])
    return len(rows)


def _audiences(commitments: Mapping[int, Commitment]) -> dict[int, set[int]]:
    """Each commitment's active owner, lead-division members and watchers, in three queries."""
    User = get_user_model()
    audiences: dict[int, set[int]] = defaultdict(set)
    by_division: dict[int, list[int]] = defaultdict(list)
    for c in commitments.values():
        if c.owner_id:
            audiences[c.pk].add(c.owner_id)
        if c.lead_division_id:
            by_division[c.lead_division_id].append(c.pk)
    for division_id, user_id in Division.members.through.objects.filter(
        division_id__in=by_division
    ).values_list("division_id", "user_id"):
        for pk in by_division[division_id]:
            audiences[pk].add(user_id)
    for commitment_id, user_id in Watch.objects.filter(
        commitment_id__in=list(commitments)
    ).values_list("commitment_id", "user_id"):
        audiences[commitment_id].add(user_id)
    everyone = set().union(*audiences.values()) if audiences else set()
    active = set(User.objects.filter(pk__in=everyone, is_active=True).values_list("pk", flat=True))
    return {pk: users & active for pk, users in audiences.items()}


# E-mail ------------------------------------------------------------------------------------


def _claim(notification: Notification, now: datetime.datetime) -> bool:
    """Take the notification for sending: only one worker wins, so it is mailed at most once."""
    return bool(
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now
        )
    )


def notifications_email_immediate(*, event_key: str) -> int:
    """Mail the not-yet-mailed notifications of one event to the users who want them at once.

    Idempotent: each is claimed before sending, so a retried or doubled task mails nobody twice;
    a send that fails gives the claim back and raises, for the queue to retry."""
    from ..notification_mail import notification_message

    pending = list(
        Notification.objects.filter(event_key=event_key, emailed_at__isnull=True)
        .select_related("user", "user__mail_language", "commitment", "actor")
        .annotate(delivery=_preference_for_row())
    )
    sent = 0
    for notification in pending:
        if delivery_for(notification.kind, notification.delivery) != Delivery.IMMEDIATELY:
            continue
        if not (notification.user.is_active and notification.user.email):
            continue
        if not _claim(notification, timezone.now()):
            continue
        try:
            notification_message(
                notifications=[notification], language=MailLanguage.of(notification.user)
            ).send()
        except Exception:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent


def _preference_for_row() -> Subquery:
    return Subquery(
        NotificationPreference.objects.filter(
            user=OuterRef("user_id"), kind=OuterRef("kind")
        ).values("delivery")[:1]
    )


def digest_send(*, user, now: datetime.datetime) -> int:
    """Mail `user` one message with their notifications chosen for the daily digest and not
    mailed yet; nothing to report, nothing sent. Returns how many it listed."""
    from ..notification_mail import notification_message

    if not (user.is_active and user.email):
        return 0
    pending = [
        n
        for n in Notification.objects.filter(
            user=user, emailed_at__isnull=True, created_at__lte=now
        )
        .select_related("commitment", "actor")
        .annotate(delivery=_preference_for_row())
        .order_by("created_at", "pk")
        if delivery_for(n.kind, n.delivery) == Delivery.DIGEST
    ]
    if not pending:
        return 0
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk__in=[n.pk for n in pending], emailed_at__isnull=True
        ).update(emailed_at=now)
        if claimed != len(pending):
            # Another run is mailing them: let it, rather than send half of them twice.
            transaction.set_rollback(True)
            return 0
        notification_message(
            notifications=pending, language=MailLanguage.of(user), digest=True
        ).send()
    return len(pending)


# The reader's side ---------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read (or all of them, without an id)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def watch_set(*, user, commitment: Commitment, watching: bool) -> None:
    if watching:
        Watch.objects.get_or_create(user=user, commitment=commitment)
    else:
        Watch.objects.filter(user=user, commitment=commitment).delete()


@transaction.atomic
def notification_preferences_set(
    *, user, deliveries: Mapping[str, str], language: str | None = None
) -> None:
    """Store the user's choice for each named kind (and their e-mail language)."""
    from django.conf import settings

    for kind, delivery in deliveries.items():
        if kind not in NotificationKind.values or delivery not in Delivery.values:
            raise ValidationError({kind: [_("Choose one of the offered deliveries.")]})
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": [_("Choose one of the offered languages.")]})
        MailLanguage.objects.update_or_create(user=user, defaults={"language": language})


# The scheduler's jobs (tracker/scheduling.py calls them with the run they serve).


def reminders_job(*, run) -> int:
    """The daily reminders, as of the run's due time (so a retried run reminds of the same)."""
    return reminders_create(now=run.due_at)


def digests_job(*, run) -> int:
    """The daily digest to everyone with something unsent; how many notifications it listed."""
    users = get_user_model().objects.filter(
        is_active=True,
        pk__in=Notification.objects.filter(
            emailed_at__isnull=True, created_at__lte=run.due_at
        ).values("user_id"),
    )
    users = users.select_related("mail_language").order_by("pk")
    return sum(digest_send(user=user, now=run.due_at) for user in users)
