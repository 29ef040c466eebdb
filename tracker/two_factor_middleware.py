"""Every view behind the second step: a session that owes a second factor (or an enrolment)
reaches nothing but that step, the log-out, the language switch and the public pages.

In `process_view`, after LoginRequiredMiddleware has sent visitors without a session to log in,
so that the view is known: the admin site is refused like any page, htmx requests get an
HX-Redirect (a redirect would be swapped into the page), and the JSON API's session callers get a
problem-details 401. API calls with a bearer token pass: the token is a credential of its own,
made by a verified user. A verified session costs no query here (django-otp's middleware has
already read its device); an unverified one reads its step from the session.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.views import APIView

from . import two_factor
from .api.errors import PROBLEM_CONTENT_TYPE, TITLES, TYPE_BASE

# Reachable whatever step is owed.
ALWAYS = frozenset({"logout", "set_language"})
# The step's own pages.
STEP_PAGES = {
    two_factor.VERIFY: frozenset({"two-factor-verify"}),
    two_factor.ENROL: frozenset({"two-factor-setup"}),
}
STEP_URL = {two_factor.VERIFY: "two-factor-verify", two_factor.ENROL: "two-factor-setup"}
# django-otp-webauthn's endpoints (mounted under /accounts/webauthn/): a passkey is given at the
# second step, and may be registered as the enrolment. The package itself refuses to register a
# passkey for a user who has a device and has not given it.
WEBAUTHN_NAMESPACE = "otp_webauthn"
WEBAUTHN_AUTHENTICATION = frozenset(
    {"credential-authentication-begin", "credential-authentication-complete", "js-i18n-catalog"}
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        step = two_factor.pending_step(request)
        if step == two_factor.NONE:
            return None
        match = request.resolver_match
        if match.url_name in ALWAYS or match.url_name in STEP_PAGES[step]:
            return None
        if WEBAUTHN_NAMESPACE in match.namespaces and (
            match.url_name in WEBAUTHN_AUTHENTICATION or step == two_factor.ENROL
        ):
            return None
        if _is_api(view_func) and match.url_name != "api-docs":
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return None
            return _api_refusal(step)
        if not getattr(view_func, "login_required", True):
            # Public pages (the calendar feed's secret address, the unsubscribe link) are open
            # to anyone, and so to a half-logged-in session too.
            return None
        target = reverse(STEP_URL[step])
        after = _return_address(request)
        if after:
            target = f"{target}?{urlencode({'next': after})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


def _is_api(view_func) -> bool:
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def _return_address(request) -> str:
    """Where to go once the step is done: the page asked for (for htmx, the page it was asked
    from); never another site, never the answer to a form (it would be posted again as a GET)."""
    if request.method not in ("GET", "HEAD"):
        return ""
    htmx = getattr(request, "htmx", False)
    address = (htmx.current_url_abs_path or "") if htmx else request.get_full_path()
    if address.startswith("/") and url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return address
    return ""


def _api_refusal(step: str) -> JsonResponse:
    if step == two_factor.ENROL:
        detail = _(
            "Your role requires two-factor log-in: set it up in the browser first, or call the "
            "API with a token."
        )
    else:
        detail = _(
            "This session has not given its second factor: finish the log-in in the browser, "
            "or call the API with a token."
        )
    response = JsonResponse(
        {
            "type": TYPE_BASE + "two-factor-required",
            "title": str(TITLES[401]),
            "status": 401,
            "detail": detail,
        },
        status=401,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
