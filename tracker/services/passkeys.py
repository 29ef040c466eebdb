"""Naming and removing a user's passkeys (django-otp-webauthn's `WebAuthnCredential` devices).

The package's own views register a passkey and verify a log-in with one
(`tracker.views.passkeys` wraps them to log both); the writes the settings page makes are here.
A passkey is a django-otp device like the authenticator app, so the two-factor policy
(`tracker.two_factor`) counts it as the user's second factor without knowing what it is.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import WebAuthnCredential

from .. import two_factor

# How many passkeys one person may hold: a laptop, a phone and a few security keys, with room.
MAX_PASSKEYS = 10
NAME_MAX_LENGTH = WebAuthnCredential._meta.get_field("name").max_length
# C0 and C1 controls and lone surrogates: a name is one line of text, shown in lists and logs.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def passkey_name_errors(name: str) -> list[str]:
    """What is wrong with `name` as a passkey's name, in the reader's language."""
    if _CONTROL.search(name):
        return [_("A name cannot contain control characters such as tabs or line breaks.")]
    if not name.strip():
        return [_("Give the passkey a name, e.g. “Office laptop” or “Blue security key”.")]
    if len(name.strip()) > NAME_MAX_LENGTH:
        return [_("A name can be at most %(limit)s characters long.") % {"limit": NAME_MAX_LENGTH}]
    return []


def passkey_default_name(*, user: AbstractBaseUser) -> str:
    """The name a new passkey gets until its owner renames it: “Passkey 2” for the second."""
    number = WebAuthnCredential.objects.filter(user=user).count()
    return _("Passkey %(number)s") % {"number": max(number, 1)}


def _locked(*, user: AbstractBaseUser, passkey: WebAuthnCredential) -> WebAuthnCredential:
    # The user's row first, always: two removals at once (two tabs) then run one after the
    # other, so that they cannot both pass the "not the last factor" check.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    locked = WebAuthnCredential.objects.select_for_update().filter(pk=passkey.pk).first()
    if locked is None:
        raise WebAuthnCredential.DoesNotExist
    if locked.user_id != user.pk:
        raise PermissionDenied
    return locked


def passkey_registration_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the user may register one more passkey (fewer than MAX_PASSKEYS)."""
    return WebAuthnCredential.objects.filter(user=user).count() < MAX_PASSKEYS


@transaction.atomic
def passkey_name_new(*, user: AbstractBaseUser, passkey: WebAuthnCredential) -> None:
    """Gives a just-registered passkey its default name (the package saves it without one)."""
    locked = _locked(user=user, passkey=passkey)
    if not locked.name:
        locked.name = passkey_default_name(user=user)
        locked.save(update_fields=["name"])
        passkey.name = locked.name


@transaction.atomic
def passkey_rename(*, user: AbstractBaseUser, passkey: WebAuthnCredential, name: str) -> str:
    """Renames the user's own passkey; returns the name it had."""
    errors = passkey_name_errors(name)
    if errors:
        raise ValidationError({"name": errors})
    locked = _locked(user=user, passkey=passkey)
    previous = locked.name
    locked.name = name.strip()
    # Only the name changed: the credential's uniqueness was checked when it was registered.
    locked.full_clean(exclude=["user"], validate_unique=False)
    locked.save(update_fields=["name"])
    passkey.name = locked.name
    return previous


@transaction.atomic
def passkey_remove(*, user: AbstractBaseUser, passkey: WebAuthnCredential) -> None:
    """Removes the user's own passkey, unless it is their last second factor and their role
    requires one: they would be locked out at the next log-in, or sent to enrol again."""
    locked = _locked(user=user, passkey=passkey)
    locked.delete()
    # The policy is asked after the removal, inside this transaction, so that it counts what
    # would be left by its own rules (recovery codes alone are not a second factor there).
    if not two_factor.user_has_second_factor(user):
        if two_factor.two_factor_required(user):
            raise ValidationError(
                _(
                    "This is your last second factor, and your role requires one: add another "
                    "passkey or an authenticator app first, then remove this one."
                )
            )
        # As when the authenticator app goes (services.two_factor): recovery codes are a way
        # back to a factor, not a factor, and go with the last one.
        StaticDevice.objects.filter(user=user).delete()
