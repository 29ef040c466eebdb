"""The one writer of the security log, and its retention.

`record_security_event` never raises into the request that calls it: a security log that broke
log-ins or downloads would be worse than a missing line, so a failure is logged and swallowed.
It runs in a savepoint, so that a failed insert cannot break the caller's transaction either.
Every value that came from outside (a typed user name, a browser string, an address) is cleaned
of control characters and cut to its column.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from ..models import SecurityEvent, SecurityEventKind
from ..models.security_log import TARGET_MAX_LENGTH, USER_AGENT_MAX_LENGTH, USERNAME_MAX_LENGTH

logger = logging.getLogger(__name__)

# C0 and C1 controls (NUL, escape sequences that would rewrite a terminal reading the log) and
# lone surrogates, which PostgreSQL cannot store.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The detail is small: a few keys with short values, never a whole request.
DETAIL_MAX_KEYS = 20
DETAIL_VALUE_MAX_LENGTH = 500


def clean_text(value: Any, limit: int) -> str:
    """`value` as one line of printable text, at most `limit` characters."""
    if value is None:
        return ""
    return _CONTROL.sub(" ", str(value))[:limit].strip()


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in list((detail or {}).items())[:DETAIL_MAX_KEYS]:
        if not isinstance(value, bool | int | float) and value is not None:
            value = clean_text(value, DETAIL_VALUE_MAX_LENGTH)
        cleaned[clean_text(key, 50)] = value
    return cleaned


def client_address(request: HttpRequest) -> str:
    """The client's address as the lock-out sees it (axes through django-ipware, with the
    deployment's proxy count), so that the log and the lock-out name the same address."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        from axes.helpers import get_client_ip_address

        address = get_client_ip_address(request)
    return clean_text(address, 64)


def _request_user(request: HttpRequest | None):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def record_security_event(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one security event; who and where come from `request` unless given."""
    try:
        with transaction.atomic():
            _record(
                kind=kind,
                request=request,
                user=user,
                username=username,
                target=target,
                detail=detail,
            )
    except Exception:
        logger.exception("The security event %r could not be recorded.", kind)


def _record(*, kind, request, user, username, target, detail) -> None:
    kind = SecurityEventKind(kind)
    user = user if user is not None else _request_user(request)
    if user is not None and not username:
        username = user.get_username()
    event = SecurityEvent(
        at=timezone.now(),
        kind=kind,
        user=user,
        username=clean_text(username, USERNAME_MAX_LENGTH),
        detail=_clean_detail(detail),
    )
    if request is not None:
        event.ip_address = client_address(request)
        event.user_agent = clean_text(request.META.get("HTTP_USER_AGENT"), USER_AGENT_MAX_LENGTH)
        event.path = clean_text(request.get_full_path(), TARGET_MAX_LENGTH)
    if target is not None:
        event.target_type = target._meta.label
        event.target_id = clean_text(target.pk, 64)
        event.target_repr = clean_text(target, TARGET_MAX_LENGTH)
    # The user was just read from the request or the database: checking it again is a query.
    event.full_clean(exclude=["user"])
    event.save()


def security_log_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the events older than SECURITY_LOG_RETENTION_DAYS; how many were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    deleted, _by_model = SecurityEvent.objects.older_than(cutoff).delete()
    return deleted


def security_log_prune_job(*, run) -> None:
    """The periodic job (tracker.scheduling): prune as of the run's due time."""
    security_log_prune(now=run.due_at)
