"""The framework's own signals for log-ins and lock-outs, written into the security log.

Django's authentication sends `user_logged_in`, `user_logged_out` and `user_login_failed`;
django-axes sends `user_locked_out`. These are the framework telling us what happened, not our
writes: the receivers only call the security log's one writer. Connected in `TrackerConfig.ready`.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import SecurityEventKind
from .services.security_log import record_security_event


def _typed_username(credentials: dict | None) -> str:
    # The name field of whichever form was used; the password is never read.
    field = get_user_model().USERNAME_FIELD
    return str((credentials or {}).get(field) or (credentials or {}).get("username") or "")


def on_logged_in(sender, request, user, **kwargs) -> None:
    record_security_event(kind=SecurityEventKind.LOGIN, request=request, user=user)


def on_logged_out(sender, request, user, **kwargs) -> None:
    # `user` is None when the session had already ended (an idle time-out logs out first).
    if user is not None:
        record_security_event(kind=SecurityEventKind.LOGOUT, request=request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    detail = {}
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    record_security_event(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        username=_typed_username(credentials),
        detail=detail,
    )


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record_security_event(
        kind=SecurityEventKind.LOCKED_OUT,
        request=request,
        username=username or "",
        detail={"ip_address": ip_address},
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="tracker-security-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="tracker-security-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="tracker-security-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="tracker-security-locked-out")
