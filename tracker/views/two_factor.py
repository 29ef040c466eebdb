"""The pages of two-factor log-in: the second step after the password, the enrolment of an
authenticator app, recovery codes, and the security settings page.

Thin: the forms read and normalise the codes, `tracker.services.two_factor` makes every write
and its security event, `tracker.two_factor` says what is owed. Wrong codes at the second step
are counted in the session; after TWO_FACTOR_MAX_FAILURES the half-logged-in session ends and
the user starts again at the log-in page (the device's own throttle keeps growing meanwhile).
"""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_otp_webauthn.models import WebAuthnCredential

from .. import two_factor
from ..permissions import require
from ..service_errors import add_service_errors
from ..services import two_factor as services
from ..two_factor_forms import (
    RecoveryCodeForm,
    TotpCodeForm,
    TotpRemoveForm,
    format_recovery_code,
)

FAILURES_KEY = "tracker_two_factor_failures"
SETUP_KEY = "tracker_totp_setup_key"
WRONG_CODE = gettext_lazy("That code is not right. Enter the code your app shows now.")


def _next(request) -> str:
    """The safe address to go on to, from `next` (query or form); the dashboard otherwise."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if _is_safe(request, candidate):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _is_safe(request, address: str) -> bool:
    # An address on this site, from its root: never another site, nor a bare word that
    # `redirect` would take for a view's name.
    return address.startswith("/") and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _with_next(url_name: str, request) -> str:
    target = reverse(url_name)
    after = request.POST.get("next") or request.GET.get("next") or ""
    if _is_safe(request, after):
        target = f"{target}?{urlencode({'next': after})}"
    return target


def _no_store(response):
    # Secrets (the set-up key, recovery codes) are on this answer only: no cache keeps them.
    patch_cache_control(response, no_store=True, private=True)
    return response


def _failed(request) -> HttpResponseRedirect | None:
    """Counts a wrong code; at the limit, ends the session and sends the user to log in."""
    failures = request.session.get(FAILURES_KEY, 0) + 1
    if failures < settings.TWO_FACTOR_MAX_FAILURES:
        request.session[FAILURES_KEY] = failures
        return None
    logout(request)
    messages.error(request, _("Too many wrong codes: log in again."))
    return redirect(settings.LOGIN_URL)


def _verified(request, device) -> None:
    # A new session key for the now fully logged-in session, as at the password step.
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(FAILURES_KEY, None)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step: a code from the authenticator app, a recovery code, or a passkey."""
    user = request.user
    step = two_factor.pending_step(request)
    if step == two_factor.VERIFY and not two_factor.user_has_second_factor(user):
        # The devices were removed since the log-in (an administrator's reset).
        step = two_factor.remember_step(request, user)
    if step == two_factor.NONE:
        return HttpResponseRedirect(_next(request))
    if step == two_factor.ENROL:
        return redirect(_with_next("two-factor-setup", request))
    totp_form, recovery_form = TotpCodeForm(), RecoveryCodeForm()
    if request.method == "POST":
        if "recovery_code" in request.POST:
            method, recovery_form = services.METHOD_RECOVERY, RecoveryCodeForm(request.POST)
            form, field = recovery_form, "recovery_code"
        else:
            method, totp_form = services.METHOD_TOTP, TotpCodeForm(request.POST)
            form, field = totp_form, "code"
        if form.is_valid():
            device, wait = services.two_factor_verify(
                user=user, method=method, code=form.cleaned_data[field], request=request
            )
            if device is not None:
                _verified(request, device)
                if method == services.METHOD_RECOVERY:
                    left = two_factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code; %(left)d is left. Make new ones in the "
                            "security settings if you are running out.",
                            "You used a recovery code; %(left)d are left. Make new ones in the "
                            "security settings if you are running out.",
                            left,
                        )
                        % {"left": left},
                    )
                return HttpResponseRedirect(_next(request))
            ended = _failed(request)
            if ended is not None:
                return ended
            if wait:
                form.add_error(
                    field,
                    ngettext(
                        "Too many wrong codes: wait %(seconds)d second, then try again.",
                        "Too many wrong codes: wait %(seconds)d seconds, then try again.",
                        wait,
                    )
                    % {"seconds": wait},
                )
            elif method == services.METHOD_RECOVERY:
                form.add_error(field, _("That recovery code is not valid or was already used."))
            else:
                form.add_error(
                    field, _("That code is not right. Enter the code your app shows now.")
                )
    context = {
        "totp_form": totp_form,
        "recovery_form": recovery_form,
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        "recovery_left": two_factor.recovery_codes_left(user),
        "next": _next(request),
    }
    return _no_store(render(request, "two_factor/verify.html", context))


def _setup_key(request) -> str:
    key = request.session.get(SETUP_KEY)
    if not key:
        # Kept in the session until the app proves it holds it; never a device row before.
        key = random_hex(20)
        request.session[SETUP_KEY] = key
    return key


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Adds an authenticator app: scan the QR code (or type the key), then enter a code."""
    require(request, "tracker.view_workspace")
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("You already have an authenticator app."))
        return redirect("security-settings")
    key = _setup_key(request)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_totp_confirm(
                user=user, key=key, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(SETUP_KEY, None)
            _verified(request, device)
            if two_factor.recovery_codes_left(user):
                messages.success(request, _("Your authenticator app is set up."))
                return HttpResponseRedirect(_next(request))
            codes = services.two_factor_recovery_codes_generate(user=user, request=request)
            return _recovery_codes_page(request, codes, enrolled=True)
    device = TOTPDevice(user=user, key=key)
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app")
        ),
        "secret": " ".join(_chunks(device_secret(device), 4)),
        "required": two_factor.two_factor_required(user),
        "enrolling": two_factor.pending_step(request) == two_factor.ENROL,
        "next": _next(request),
    }
    return _no_store(render(request, "two_factor/setup.html", context))


def device_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in: base32, without padding."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _recovery_codes_page(request, codes: list[str], *, enrolled: bool = False, after: str = ""):
    shown = [format_recovery_code(code) for code in codes]
    context = {
        "codes": shown,
        "codes_text": "\r\n".join(shown) + "\r\n",
        "enrolled": enrolled,
        "next": after or _next(request),
    }
    return _no_store(render(request, "two_factor/recovery_codes.html", context))


@require_POST
def recovery_codes_generate(request):
    """A new set of recovery codes, shown once; the earlier set stops working."""
    require(request, "tracker.view_workspace")
    try:
        codes = services.two_factor_recovery_codes_generate(user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("security-settings")
    return _recovery_codes_page(request, codes, after=reverse("security-settings"))


@require_http_methods(["GET"])
def security_settings(request):
    """The user's two-factor state: authenticator app, recovery codes, passkeys."""
    require(request, "tracker.view_workspace")
    return _settings_page(request, remove_form=TotpRemoveForm(user=request.user))


def _settings_page(request, *, remove_form, status=200):
    user = request.user
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "authenticator": authenticator,
        "has_second_factor": two_factor.user_has_second_factor(user),
        "required": two_factor.two_factor_required(user),
        "recovery_left": two_factor.recovery_codes_left(user),
        "recovery_total": two_factor.RECOVERY_CODE_COUNT,
        "remove_form": remove_form,
    }
    return render(request, "two_factor/settings.html", context, status=status)


@require_POST
def authenticator_remove(request):
    """Removes the authenticator app, confirmed with the password or a current code."""
    require(request, "tracker.view_workspace")
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        messages.info(request, _("You have no authenticator app."))
        return redirect("security-settings")
    form = TotpRemoveForm(request.POST, user=user)
    if not form.is_valid():
        return _settings_page(request, remove_form=form)
    if form.cleaned_data["password"]:
        confirmed = user.check_password(form.cleaned_data["password"])
        wrong = _("That password is not right.")
    else:
        confirmed, _wait = services.two_factor_verify(
            user=user, method=services.METHOD_TOTP, code=form.cleaned_data["code"], request=request
        )
        wrong = WRONG_CODE
    if not confirmed:
        ended = _failed(request)
        if ended is not None:
            return ended
        form.add_error(None, wrong)
        return _settings_page(request, remove_form=form)
    request.session.pop(FAILURES_KEY, None)
    persistent_id = device.persistent_id
    try:
        services.two_factor_totp_remove(user=user, device=device, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("security-settings")
    two_factor.keep_verified(request, removed_persistent_id=persistent_id)
    messages.success(request, _("The authenticator app was removed."))
    return redirect("security-settings")
