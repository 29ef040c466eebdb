"""Passkeys and security keys (WebAuthn) as a second factor.

django-otp-webauthn does the ceremonies: its JSON views hand the browser a challenge and check the
signed answer. They are mounted under /accounts/webauthn/ with the package's names (its template
tags reverse them), wrapped here so that every registration and every verification, successful or
not, writes the security log, a new passkey gets a name, and the package's script strings are
translated from our own catalogue. Renaming and removing a passkey are plain pages of ours.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import JavaScriptCatalog, get_formats
from django_otp_webauthn import exceptions as webauthn_exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.models import WebAuthnCredential

from .. import two_factor
from ..models import SecurityEventKind
from ..service_errors import add_service_errors
from ..services import passkeys as passkey_services
from ..services.security_log import record_security_event
from .two_factor import FAILURES_KEY

SETTINGS_URL_NAME = "security-settings"
METHOD = "passkey"


def _log(request, action: str, *, passkey=None, **detail) -> None:
    record_security_event(
        kind=SecurityEventKind.TWO_FACTOR,
        request=request,
        target=passkey,
        detail={"action": action, "method": METHOD, **detail},
    )


class TooManyPasskeys(webauthn_exceptions.OTPWebAuthnApiError):
    status_code = 409
    default_code = "too_many_passkeys"


class _SafeBody:
    """The package reads the body with json.loads and lets anything but a JSON syntax error
    through: bytes that are not UTF-8, or JSON that is not an object, became a server error."""

    def _parse_request_data(self, request):
        try:
            data = super()._parse_request_data(request)
        except (UnicodeDecodeError, ValueError) as error:
            raise webauthn_exceptions.MalformedRequest() from error
        if not hasattr(data, "get"):
            raise webauthn_exceptions.MalformedRequest()
        return data


class _LoggedFailures(_SafeBody):
    """Logs a refused ceremony (bad signature, another user's passkey, expired challenge …)
    before the package turns it into its JSON answer."""

    failure_action = ""

    def handle_exception(self, exc):
        if isinstance(exc, webauthn_exceptions.OTPWebAuthnApiError):
            _log(self.request, self.failure_action, code=exc.code)
        return super().handle_exception(exc)


class PasskeyRegistrationBeginView(_SafeBody, webauthn_views.BeginCredentialRegistrationView):
    def check_can_register(self):
        if not passkey_services.passkey_registration_allowed(user=self.request.user):
            raise TooManyPasskeys(
                detail=gettext(
                    "You have %(limit)s passkeys, the most one person may hold: remove one first."
                )
                % {"limit": passkey_services.MAX_PASSKEYS}
            )


class PasskeyRegistrationCompleteView(
    _LoggedFailures, webauthn_views.CompleteCredentialRegistrationView
):
    failure_action = "enrol_failed"

    def post(self, *args, **kwargs):
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        passkey = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
        passkey_services.passkey_name_new(user=self.request.user, passkey=passkey)
        # Registering needs a verified session unless the user had no second factor yet (the
        # package refuses otherwise): an unverified one is enrolling, and the package has
        # counted the new passkey as the session's second factor. As at any verification, the
        # now fully logged-in session gets a new key.
        if not was_verified:
            self.request.session.cycle_key()
            self.request.session.pop(FAILURES_KEY, None)
        _log(self.request, "enrolled", passkey=passkey, first_factor=not was_verified)
        messages.success(
            self.request,
            gettext("The passkey “%(name)s” was added. You can rename it below.")
            % {"name": passkey.name},
        )
        if not was_verified:
            # The authenticator app's enrolment shows recovery codes; a passkey's leaves them
            # to the settings page, and says so.
            messages.warning(
                self.request,
                gettext(
                    "Make recovery codes under Security now: they let you in if you lose this "
                    "passkey."
                ),
            )
        return response


class PasskeyAuthenticationBeginView(_SafeBody, webauthn_views.BeginCredentialAuthenticationView):
    pass


class PasskeyAuthenticationCompleteView(
    _LoggedFailures, webauthn_views.CompleteCredentialAuthenticationView
):
    failure_action = "verify_failed"

    def complete_auth(self, device):
        # A new session key for the now fully logged-in session, as the code form does
        # (tracker.views.two_factor): whoever knew the half-logged-in session's key is left out.
        self.request.session.cycle_key()
        super().complete_auth(device)
        self.request.session.pop(FAILURES_KEY, None)
        _log(self.request, "verified", passkey=device)


# The strings of the package's scripts (otp_webauthn_register.js, otp_webauthn_auth.js). The
# package has no Japanese catalogue; these are translated in ours and served by PasskeyCatalog.
SCRIPT_STRINGS = (
    gettext_noop("An error occurred during registration."),
    gettext_noop("An error occurred during verification."),
    gettext_noop("Finishing registration..."),
    gettext_noop("Finishing verification..."),
    gettext_noop("Register a Passkey"),
    gettext_noop("Registering..."),
    gettext_noop("Registration aborted or not allowed."),
    gettext_noop("Registration aborted."),
    gettext_noop("Registration failed. A server error occurred."),
    gettext_noop(
        "Registration failed. A technical problem occurred that prevents you from registering "
        "a Passkey for this site."
    ),
    gettext_noop("Registration failed. An unknown error occurred."),
    gettext_noop("Registration failed. The server was unable to verify this passkey."),
    gettext_noop("Registration failed. Unable to fetch registration options from server."),
    gettext_noop(
        "Registration failed. You most likely already have a Passkey registered for this site."
    ),
    gettext_noop("Registration successful!"),
    gettext_noop("Verification aborted."),
    gettext_noop("Verification canceled or not allowed."),
    gettext_noop("Verification failed. A server error occurred."),
    gettext_noop("Verification failed. An unknown error occurred."),
    gettext_noop("Verification failed. An unknown server error occurred."),
    gettext_noop("Verification failed. Could not retrieve parameters from the server."),
    gettext_noop("Verification successful!"),
    gettext_noop("Verify with Passkey"),
    gettext_noop("Verifying..."),
)


class PasskeyCatalog(JavaScriptCatalog):
    """The package scripts' strings in the reader's language, from our catalogue: the whole
    Django catalogue would be hundreds of kilobytes for two dozen sentences."""

    def get(self, request, *args, **kwargs):
        catalog = {}
        for message in SCRIPT_STRINGS:
            translated = gettext(message)
            if translated != message:
                catalog[message] = translated
        context = {"catalog": catalog, "formats": get_formats(), "plural": None}
        return self.render_to_response(context)


# Mounted in tracker/urls.py as the package's own namespace, "otp_webauthn".
webauthn_urlpatterns = [
    path(
        "registration/begin/",
        PasskeyRegistrationBeginView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        PasskeyRegistrationCompleteView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        PasskeyAuthenticationBeginView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        PasskeyAuthenticationCompleteView.as_view(),
        name="credential-authentication-complete",
    ),
    path("jsi18n/", PasskeyCatalog.as_view(), name="js-i18n-catalog"),
]


# Renaming and removing, from the security settings page --------------------------------------


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        # Longer than the column, so that a pasted long name gets the service's message,
        # and the form keeps what was typed.
        max_length=1000,
        strip=False,
        help_text=_("Say which device it is, e.g. “Office laptop” or “Blue security key”."),
    )


def _own_passkey(request, pk: int) -> WebAuthnCredential:
    # Everyone manages their own passkeys, whatever their role; another user's passkey is not
    # found, so that its existence is not theirs to learn.
    passkey = WebAuthnCredential.objects.filter(pk=pk, user=request.user).first()
    if passkey is None:
        raise Http404
    # Its name in the security log reads its user: the one at hand, not another query.
    passkey.user = request.user
    return passkey


@require_http_methods(["GET", "POST"])
def passkey_rename(request, pk: int):
    passkey = _own_passkey(request, pk)
    if request.method == "GET":
        form = PasskeyNameForm(initial={"name": passkey.name})
    else:
        form = PasskeyNameForm(request.POST)
        if form.is_valid():
            try:
                previous = passkey_services.passkey_rename(
                    user=request.user, passkey=passkey, name=form.cleaned_data["name"]
                )
            except WebAuthnCredential.DoesNotExist:
                raise Http404 from None
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                _log(request, "renamed", passkey=passkey, previous=previous)
                messages.success(
                    request,
                    gettext("The passkey is now called “%(name)s”.") % {"name": passkey.name},
                )
                return redirect(SETTINGS_URL_NAME)
    context = {"form": form, "passkey": passkey}
    return render(request, "two_factor/passkey_rename.html", context)


@require_http_methods(["GET", "POST"])
def passkey_remove(request, pk: int):
    passkey = _own_passkey(request, pk)
    if request.method == "POST":
        name, persistent_id = passkey.name, passkey.persistent_id
        try:
            passkey_services.passkey_remove(user=request.user, passkey=passkey)
        except WebAuthnCredential.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            _log(request, "remove_refused", passkey=passkey)
            for message in error.messages:
                messages.error(request, message)
        else:
            _log(request, "removed", passkey=passkey)
            # A session verified with this passkey stays verified with another factor.
            two_factor.keep_verified(request, removed_persistent_id=persistent_id)
            messages.success(
                request,
                gettext("The passkey “%(name)s” was removed: it can no longer be used to log in.")
                % {"name": name},
            )
        return redirect(SETTINGS_URL_NAME)
    return render(request, "two_factor/passkey_confirm_remove.html", {"passkey": passkey})
