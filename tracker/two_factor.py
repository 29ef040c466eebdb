"""Two-factor log-in: whom it is required of, what counts as a second factor, and the step a
logged-in session still owes.

The policy is one setting, TWO_FACTOR_REQUIRED_ROLES: role names (`permissions.Role`) and
"admin" (staff and superusers, so data-entry clerks too). A second factor is a confirmed
django-otp device that proves possession: an authenticator app (TOTP) or a passkey
(django-otp-webauthn's credential is a django-otp device). Recovery codes are a way back in when
the device is lost, not an enrolment: a user with nothing but recovery codes has no second factor.

The step a session owes is worked out once, when the password step succeeds (`user_logged_in`),
and kept in the session, so that the middleware answers every later request without a query:

- VERIFY: the user has a second factor and must give it (/accounts/two-factor/);
- ENROL: the user's role requires a second factor and they have none (/accounts/two-factor/setup/);
- NONE: nothing is owed (no factor, and none required).

A session that gave its second factor is verified (django-otp's `request.user.is_verified()`,
which the middleware asks first); deleting the device (the admin's reset) unverifies it.
A role given during a session applies from the next log-in.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .permissions import role_names

# The policy's name for staff and superusers; every other name is a role (a group).
ADMIN = "admin"
SESSION_KEY = "tracker_two_factor"
VERIFY = "verify"
ENROL = "enrol"
NONE = "none"
STEPS = frozenset({VERIFY, ENROL, NONE})
# How many recovery codes a set holds.
RECOVERY_CODE_COUNT = 10


def required_roles() -> frozenset[str]:
    """The policy's role names, lower-cased (settings.py has checked that each is known)."""
    return frozenset(name.strip().lower() for name in settings.TWO_FACTOR_REQUIRED_ROLES)


def two_factor_required(user) -> bool:
    """Whether the user's role requires a second factor (read from the user's groups once per
    request, shared with the permission checks)."""
    if not user.is_authenticated:
        return False
    roles = required_roles()
    if not roles:
        return False
    if ADMIN in roles and (user.is_staff or user.is_superuser):
        return True
    return any(name.lower() in roles for name in role_names(user))


def user_has_second_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app or passkey: one query."""
    if not user.is_authenticated:
        return False
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).values("pk")
    passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).values("pk")
    return bool(authenticator.union(passkey, all=True)[:1])


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def login_step(user) -> str:
    """The step a session of `user` owes right after the password step."""
    if user_has_second_factor(user):
        return VERIFY
    if two_factor_required(user):
        return ENROL
    return NONE


def pending_step(request) -> str:
    """The step the request's session still owes: NONE once verified."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return NONE
    step = request.session.get(SESSION_KEY)
    if step not in STEPS:
        # A session from before two-factor log-in existed: worked out once, then kept.
        step = remember_step(request, user)
    return step


def remember_step(request, user) -> str:
    """Work out the step again (the user's devices changed) and keep it in the session."""
    step = login_step(user)
    request.session[SESSION_KEY] = step
    return step


def keep_verified(request, *, removed_persistent_id: str) -> None:
    """After the user removed one of their devices: a session verified with it stays verified
    with another of their second factors (the user gave one in this session), and otherwise owes
    what the policy now says. Call it after the removal, with the device's `persistent_id`."""
    if request.session.get(DEVICE_ID_SESSION_KEY) != removed_persistent_id:
        return
    for device in devices_for_user(request.user):
        if not isinstance(device, StaticDevice):
            otp_login(request, device)
            return
    del request.session[DEVICE_ID_SESSION_KEY]
    request.user.otp_device = None
    remember_step(request, request.user)


def _on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_step(request, user)


def connect() -> None:
    """Connected in TrackerConfig.ready, before any log-in can happen."""
    user_logged_in.connect(_on_logged_in, dispatch_uid="tracker-two-factor-step")
