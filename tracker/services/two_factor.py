"""Every write of two-factor log-in: enrolling an authenticator app, removing it, recovery codes,
checking a code at log-in, and the administrator's reset. Each writes its security event.

The devices are django-otp's (TOTPDevice, StaticDevice with its StaticTokens) and
django-otp-webauthn's passkeys; `tracker.two_factor` says what counts and who must have one.
The user's row is locked first in each write, so that two tabs cannot both remove "the other"
factor and leave a user whose role requires one with none.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .. import two_factor
from ..models import SecurityEventKind
from .security_log import record_security_event

# What the devices are called in the admin's device lists (the user sees "authenticator app").
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Methods of the second step, as the security log names them.
METHOD_TOTP = "totp"
METHOD_RECOVERY = "recovery_code"


def _event(
    action: str,
    *,
    request: HttpRequest | None,
    user: AbstractBaseUser | None = None,
    target=None,
    **detail: Any,
) -> None:
    record_security_event(
        kind=SecurityEventKind.TWO_FACTOR,
        request=request,
        user=user,
        target=target,
        detail={"action": action, **detail},
    )


def _lock_user(user: AbstractBaseUser) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def totp_code_matches(*, key: str, code: str, at: float | None = None) -> int | None:
    """The time step `code` belongs to for the hex `key` (one step either side), or None."""
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time() if at is None else at
    if totp.verify(int(code), tolerance=1):
        return totp.t()
    return None


@transaction.atomic
def two_factor_totp_confirm(
    *, user: AbstractBaseUser, key: str, code: str, request: HttpRequest | None = None
) -> TOTPDevice:
    """Adds the authenticator app whose secret `key` the user scanned, once `code` (six digits,
    already normalised) proves that the app holds it."""
    _lock_user(user)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(
            _("You already have an authenticator app: remove it first to set up another.")
        )
    step = totp_code_matches(key=key, code=code)
    if step is None:
        raise ValidationError(
            {
                "code": _(
                    "That code is not the one your app shows now. Check that the app’s clock "
                    "is right, then enter the code it shows now."
                )
            }
        )
    # Unconfirmed leftovers of an abandoned set-up would only confuse the admin's lists.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=step)
    device.full_clean(exclude=["user"])
    device.save()
    _event("enrolled", request=request, user=user, target=device, method=METHOD_TOTP)
    return device


@transaction.atomic
def two_factor_totp_remove(
    *, user: AbstractBaseUser, device: TOTPDevice, request: HttpRequest | None = None
) -> None:
    """Removes the user's authenticator app, unless it is their last second factor and their
    role requires one. Without any second factor left, the recovery codes go too: they are a
    way back to a factor, not a factor."""
    _lock_user(user)
    deleted, _by_model = TOTPDevice.objects.filter(pk=device.pk, user=user).delete()
    if not deleted:
        raise ValidationError(_("That authenticator app was already removed."))
    if not two_factor.user_has_second_factor(user):
        if two_factor.two_factor_required(user):
            raise ValidationError(
                _(
                    "This is your last second factor, and your role requires one: add a "
                    "passkey first, then remove the authenticator app."
                )
            )
        StaticDevice.objects.filter(user=user).delete()
    _event("removed", request=request, user=user, target=device, method=METHOD_TOTP)


@transaction.atomic
def two_factor_recovery_codes_generate(
    *, user: AbstractBaseUser, request: HttpRequest | None = None
) -> list[str]:
    """A new set of RECOVERY_CODE_COUNT recovery codes, replacing any earlier set; returns them
    (shown once). Only for a user with a second factor, whom the codes stand in for."""
    _lock_user(user)
    if not two_factor.user_has_second_factor(user):
        raise ValidationError(
            _("Set up an authenticator app or a passkey first: recovery codes stand in for one.")
        )
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < two_factor.RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    _event("recovery_codes_generated", request=request, user=user, count=len(codes))
    return codes


def _devices(user: AbstractBaseUser, method: str):
    model = TOTPDevice if method == METHOD_TOTP else StaticDevice
    # Locked: two requests with the same code cannot both use it.
    return model.objects.filter(user=user, confirmed=True).select_for_update().order_by("pk")


@transaction.atomic
def two_factor_verify(
    *, user: AbstractBaseUser, method: str, code: str, request: HttpRequest | None = None
) -> tuple[Device | None, int]:
    """Checks a code given at the second step (already normalised). Returns the device that
    accepted it, or None and the seconds to wait before the device takes another try (0 when
    the code was simply wrong). A wrong code makes the device's next try wait longer."""
    wait = 0
    for device in _devices(user, method):
        allowed, _data = device.verify_is_allowed()
        if not allowed:
            wait = max(wait, _seconds_to_wait(device))
            continue
        if device.verify_token(code):
            if method == METHOD_RECOVERY:
                left = StaticToken.objects.filter(device=device).count()
                _event("recovery_code_used", request=request, user=user, left=left)
            else:
                _event("verified", request=request, user=user, method=method)
            return device, 0
    _event("verify_failed", request=request, user=user, method=method, throttled=bool(wait))
    return None, wait


def _seconds_to_wait(device) -> int:
    if not device.throttling_failure_timestamp:
        return 0
    required = device.get_throttle_factor() * 2 ** (device.throttling_failure_count - 1)
    waited = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(1, int(required - waited + 0.999))


@transaction.atomic
def two_factor_reset(
    *, user: AbstractBaseUser, by: AbstractBaseUser, request: HttpRequest | None = None
) -> int:
    """An administrator's reset: removes every device of `user` (authenticator apps, recovery
    codes, passkeys); the user enrols again at the next log-in if their role requires it.
    Returns how many devices were removed."""
    _lock_user(user)
    removed = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        removed += model.objects.filter(user=user).count()
        model.objects.filter(user=user).delete()
    _event(
        "reset_by_admin",
        request=request,
        user=by,
        target=user,
        devices_removed=removed,
        reset_user=user.get_username(),
    )
    return removed
