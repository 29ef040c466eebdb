"""The weekly digest: each Monday, one e-mail per user with what needs their attention among
their commitments (overdue, due within two weeks, red, stale) and what changed on them in the
last complete week, in their e-mail language.

"Theirs" is what `CommitmentQuerySet.open_for` means: the commitments they own or one of their
divisions leads. Every user may read every commitment (tracker.permissions), and a digest names
only those, so another division's item reaches nobody who neither owns it nor is in that division.

Reads are made for a batch of users at once — the users (with their language, without those who
turned the digest off or already have this week's), their divisions, the commitments that need
attention, the week's journal entries: four queries per batch, however many commitments — and
each digest then costs one INSERT, the record that it was sent, made in the same transaction as
the send. The record is unique per user and week: a retried or doubled job sends nobody a second.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import (
    STALE_AFTER_DAYS,
    Commitment,
    Confidence,
    Delivery,
    Division,
    MailLanguage,
    NotificationKind,
    NotificationPreference,
    Status,
    StatusUpdate,
    WeeklyDigest,
)
from ..names import user_name
from ..report.weeks import last_complete_week, parse_iso_week

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 14
# Users read and mailed per batch: bounds the memory of one batch's commitments and entries.
BATCH_SIZE = 200
# Listed per section; the rest are counted, with a link to the dashboard that lists them all.
SECTION_LIMIT = 20
NOTE_EXCERPT = 300
SECTIONS = ("overdue", "due_soon", "red", "stale")
# Control characters (other than newline and tab) in user text would reach a terminal mail
# reader as they are; they carry nothing a reader needs.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclasses.dataclass
class Digest:
    user: object
    language: str
    week: str
    # Each commitment once, in the first section it belongs to, in SECTIONS' order.
    sections: dict[str, list[Commitment]]
    changes: list[StatusUpdate]

    def __len__(self) -> int:
        return sum(len(items) for items in self.sections.values()) + len(self.changes)


def digest_week(now: datetime.datetime) -> tuple[str, datetime.datetime, datetime.datetime]:
    """The last complete week before `now` (Monday to Sunday, the report's time zone)."""
    week = last_complete_week(now)
    start, end = parse_iso_week(week)
    return week, start, end


def _recipients(week: str):
    """Active users with an address who want the digest and have not had this week's."""
    turned_off = NotificationPreference.objects.filter(
        kind=NotificationKind.WEEKLY_DIGEST, delivery__in=[Delivery.IN_APP, Delivery.OFF]
    ).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=turned_off)
        .exclude(pk__in=WeeklyDigest.objects.filter(week=week).values("user_id"))
        .select_related("mail_language")
        .order_by("pk")
    )


def weekly_digests_build(*, users: Sequence, now: datetime.datetime) -> list[Digest]:
    """The digests of `users` as of `now`, empty ones included, in three queries."""
    week, start, end = digest_week(now)
    user_ids = [user.pk for user in users]
    divisions_of: dict[int, set[int]] = defaultdict(set)
    for user_id, division_id in Division.members.through.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "division_id"):
        divisions_of[user_id].add(division_id)
    division_ids = set().union(*divisions_of.values()) if divisions_of else set()
    theirs = Q(owner_id__in=user_ids) | Q(lead_division_id__in=division_ids)

    today = timezone.localdate(now)
    stale_before = now - datetime.timedelta(days=STALE_AFTER_DAYS)
    attention = (
        Commitment.objects.open()
        .filter(theirs)
        .filter(
            Q(target_date__lte=today + datetime.timedelta(days=DUE_WITHIN_DAYS))
            | Q(confidence=Confidence.RED)
            | Q(last_update_at__lt=stale_before)
            | Q(last_update_at__isnull=True)
        )
        .only(
            "id",
            "title",
            "status",
            "confidence",
            "target_date",
            "last_update_at",
            "owner_id",
            "lead_division_id",
        )
        .order_by("target_date", "pk")
    )
    changes = (
        StatusUpdate.objects.filter(created_at__gte=start, created_at__lt=end)
        .filter(commitment__is_archived=False)
        .filter(
            Q(commitment__owner_id__in=user_ids) | Q(commitment__lead_division_id__in=division_ids)
        )
        .select_related("commitment", "author")
        .only(
            "id",
            "created_at",
            "status_from",
            "status_to",
            "confidence_from",
            "confidence_to",
            "note",
            "commitment__id",
            "commitment__title",
            "commitment__owner_id",
            "commitment__lead_division_id",
            "author__username",
            "author__first_name",
            "author__last_name",
        )
        .order_by("created_at", "pk")
    )
    attention_of = _by_reader(attention, lambda c: c)
    changes_of = _by_reader(changes, lambda entry: entry.commitment)

    digests = []
    for user in users:
        mine = _mine(attention_of, user.pk, divisions_of[user.pk])
        sections: dict[str, list[Commitment]] = {name: [] for name in SECTIONS}
        for commitment in mine:
            sections[_section(commitment, today, stale_before)].append(commitment)
        sections["stale"].sort(key=lambda c: (c.last_update_at is not None, c.last_update_at))
        digests.append(
            Digest(
                user=user,
                language=MailLanguage.of(user),
                week=week,
                sections=sections,
                changes=_mine(changes_of, user.pk, divisions_of[user.pk]),
            )
        )
    return digests


def _by_reader(rows: Iterable, commitment_of) -> dict[tuple[str, int], list]:
    """Rows indexed by ("owner", user id) and ("division", division id), in the rows' order."""
    index: dict[tuple[str, int], list] = defaultdict(list)
    for order, row in enumerate(rows):
        commitment = commitment_of(row)
        item = (order, row)
        if commitment.owner_id:
            index["owner", commitment.owner_id].append(item)
        if commitment.lead_division_id:
            index["division", commitment.lead_division_id].append(item)
    return index


def _mine(index, user_id: int, divisions: set[int]) -> list:
    """A user's rows, each once, in the order they were read."""
    found = dict(index.get(("owner", user_id), ()))
    for division_id in divisions:
        found.update(index.get(("division", division_id), ()))
    return [row for _order, row in sorted(found.items(), key=lambda pair: pair[0])]


def _section(commitment: Commitment, today: datetime.date, stale_before) -> str:
    if commitment.target_date and commitment.target_date < today:
        return "overdue"
    if commitment.target_date and (commitment.target_date - today).days <= DUE_WITHIN_DAYS:
        return "due_soon"
    if commitment.confidence == Confidence.RED:
        return "red"
    return "stale"


def weekly_digests_send(*, now: datetime.datetime, users: Iterable | None = None) -> int:
    """Mail this week's digest to every user who wants one and has something to report (or to
    `users` only); returns how many were sent. Safe to run again: a user's digest is recorded
    with the send, and recorded users are skipped. A send that fails records nothing for that
    user, the others go on, and the run then raises, for the scheduler to retry."""
    week, _start, _end = digest_week(now)
    recipients = _recipients(week)
    if users is not None:
        recipients = recipients.filter(pk__in=[user.pk for user in users])
    sent, failed, last_pk = 0, 0, 0
    while True:
        batch = list(recipients.filter(pk__gt=last_pk)[:BATCH_SIZE])
        if not batch:
            break
        last_pk = batch[-1].pk
        for digest in weekly_digests_build(users=batch, now=now):
            if not len(digest):
                continue
            try:
                sent += weekly_digest_send(digest=digest, now=now)
            except Exception:
                failed += 1
                logger.exception("The weekly digest to user %s failed", digest.user.pk)
    if failed:
        raise RuntimeError(f"{failed} weekly digests could not be sent; {sent} were.")
    return sent


def weekly_digest_send(*, digest: Digest, now: datetime.datetime) -> int:
    """Record and send one digest; 0 when it was recorded already (another run sent it)."""
    try:
        with transaction.atomic():
            WeeklyDigest.objects.create(
                user=digest.user, week=digest.week, sent_at=now, items=len(digest)
            )
            weekly_digest_message(digest=digest, now=now).send()
    except IntegrityError:
        return 0
    return 1


# The message -----------------------------------------------------------------------------------


def _date(value: datetime.date | None) -> str:
    """A date as the active language writes it (formatted once for both parts)."""
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _clean(text: str) -> str:
    return _CONTROL.sub("", text or "")


def _moves(entry: StatusUpdate) -> list[str]:
    if not entry.status_from:
        return [_("recorded as %(status)s") % {"status": Status(entry.status_to).label}]
    moves = []
    if entry.status_changed:
        moves.append(
            _("status %(old)s → %(new)s")
            % {"old": _label(Status, entry.status_from), "new": _label(Status, entry.status_to)}
        )
    if entry.confidence_changed:
        moves.append(
            _("confidence %(old)s → %(new)s")
            % {
                "old": _label(Confidence, entry.confidence_from),
                "new": _label(Confidence, entry.confidence_to),
            }
        )
    return moves


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def weekly_digest_message(*, digest: Digest, now: datetime.datetime) -> EmailMultiAlternatives:
    """The digest as one message: text and HTML, one-click unsubscribe, marked automatic."""
    from ..notification_mail import SUBJECT_LENGTH, absolute_url, unsubscribe_token

    user = digest.user
    unsubscribe_url = absolute_url(
        reverse(
            "notification-unsubscribe",
            args=[unsubscribe_token(user_id=user.pk, kinds=[NotificationKind.WEEKLY_DIGEST])],
        )
    )
    _week, start, end = digest_week(now)
    with translation.override(digest.language):
        headings = {
            "overdue": _("Overdue"),
            "due_soon": _("Due in the next %(days)s days") % {"days": DUE_WITHIN_DAYS},
            "red": _("Red: unlikely to be met"),
            "stale": _("No update for %(days)s days or more") % {"days": STALE_AFTER_DAYS},
        }
        sections = [
            {
                "heading": headings[name],
                "items": [
                    {
                        "title": _clean(c.title),
                        "url": absolute_url(c.get_absolute_url()),
                        "target_date": _date(c.target_date),
                        "confidence": _label(Confidence, c.confidence),
                        "last_update": _date(
                            c.last_update_at and timezone.localdate(c.last_update_at)
                        ),
                    }
                    for c in items[:SECTION_LIMIT]
                ],
                "more": max(0, len(items) - SECTION_LIMIT),
            }
            for name, items in digest.sections.items()
            if items
        ]
        changes = [
            {
                "title": _clean(entry.commitment.title),
                "url": absolute_url(entry.commitment.get_absolute_url()),
                "when": _date(timezone.localdate(entry.created_at)),
                "author": _clean(user_name(entry.author, digest.language)),
                "moves": ", ".join(_moves(entry)),
                "note": _clean(entry.note[:NOTE_EXCERPT])
                + ("…" if len(entry.note) > NOTE_EXCERPT else ""),
            }
            for entry in digest.changes[-SECTION_LIMIT:]
        ]
        product = _("Commitment tracker")
        attention = sum(len(items) for items in digest.sections.values())
        changed = ngettext(
            "%(count)s change last week", "%(count)s changes last week", len(digest.changes)
        ) % {"count": len(digest.changes)}
        subject = _("Weekly digest: %(attention)s to look at, %(changed)s") % {
            "attention": attention,
            "changed": changed,
        }
        context = {
            "product": product,
            "name": _clean(user_name(user, digest.language)),
            "sections": sections,
            "changes": changes,
            "changes_more": max(0, len(digest.changes) - SECTION_LIMIT),
            "week_start": _date(start.date()),
            "week_end": _date((end - datetime.timedelta(days=1)).date()),
            "dashboard_url": absolute_url(reverse("dashboard")),
            "settings_url": absolute_url(reverse("notification-settings")),
            "unsubscribe_url": unsubscribe_url,
        }
        text = render_to_string("email/weekly_digest.txt", context)
        html = render_to_string("email/weekly_digest.html", context)
    line = " ".join(f"[{product}] {subject}".split())
    message = EmailMultiAlternatives(
        subject=line[:SUBJECT_LENGTH],
        body=text,
        to=[user.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# The scheduler's job (tracker/scheduling.py calls it with the run it serves).


def weekly_digests_job(*, run) -> int:
    """The digests as of the run's due time: a retry reports the same week to the same users."""
    return weekly_digests_send(now=run.due_at)
