"""Notification e-mails: plain text and HTML from templates, in the reader's language, with a
signed one-click unsubscribe (RFC 8058) and marked as sent by a machine (RFC 3834).

The unsubscribe link's signature is its only credential: it names the user and the kinds the
message was about, and turning those kinds off is all it can do.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Notification, NotificationKind

UNSUBSCRIBE_SALT = "tracker.notifications.unsubscribe"
SUBJECT_LENGTH = 150


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(*, user_id: int, kinds: Sequence[str]) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, list[str]]:
    """The user and kinds a token names; `signing.BadSignature` when it was not ours."""
    payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(payload, dict):
        raise signing.BadSignature("Not an unsubscribe token.")
    user_id, kinds = payload.get("u"), payload.get("k")
    if not isinstance(user_id, int) or not isinstance(kinds, list):
        raise signing.BadSignature("Not an unsubscribe token.")
    kinds = [kind for kind in kinds if kind in NotificationKind.values]
    if not kinds:
        raise signing.BadSignature("Not an unsubscribe token.")
    return user_id, kinds


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1] + "…"


def notification_message(
    *, notifications: Sequence[Notification], language: str, digest: bool = False
) -> EmailMultiAlternatives:
    """One message to one user about `notifications` (one, or a day's worth for the digest)."""
    user = notifications[0].user
    kinds = [n.kind for n in notifications]
    unsubscribe_url = absolute_url(
        reverse(
            "notification-unsubscribe",
            args=[unsubscribe_token(user_id=user.pk, kinds=kinds)],
        )
    )
    with translation.override(language):
        product = _("Commitment tracker")
        items = [
            {
                "summary": n.summary(),
                "note": n.note,
                "url": absolute_url(n.get_absolute_url()) if n.commitment_id else "",
                "title": (n.data or {}).get("title", ""),
            }
            for n in notifications
        ]
        if digest:
            subject = _("%(count)s updates on your commitments") % {"count": len(items)}
        else:
            subject = items[0]["summary"]
        context = {
            "product": product,
            "items": items,
            "digest": digest,
            "unsubscribe_url": unsubscribe_url,
            "kinds": [NotificationKind(k).label for k in dict.fromkeys(kinds)],
            "settings_url": absolute_url(reverse("notification-settings")),
        }
        text = render_to_string("email/notification.txt", context)
        html = render_to_string("email/notification.html", context)
    message = EmailMultiAlternatives(
        subject=_one_line(f"[{product}] {subject}"),
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
