"""Session idle time-out, and the refusal of addresses no view can take."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import push_url, reswap, retarget

LAST_SEEN_KEY = "tracker_last_seen"


class IdleTimeoutMiddleware:
    """A session unused for SESSION_IDLE_TIMEOUT seconds is ended.

    An in-page (htmx) request that finds the session ended, idle or ended any other way, is told
    so in the page's alert region instead of getting the log-in page swapped into the middle of
    the page: the form keeps what was typed, and the user logs in again in another tab.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                # logout() flushes the session, so the old session id is dead, not just unused.
                logout(request)
            elif now - last_seen >= 60 or LAST_SEEN_KEY not in request.session:
                # A minute's precision is enough, and spares a session write on every request.
                request.session[LAST_SEEN_KEY] = now
        anonymous = not request.user.is_authenticated
        response = self.get_response(request)
        if anonymous and _is_in_page(request) and _is_login_redirect(response):
            return _session_ended(request)
        return response


def _is_in_page(request) -> bool:
    # htmx swaps the answer to a history restore in place of the whole page: the log-in page
    # is the right answer there.
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def _is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path == resolve_url(settings.LOGIN_URL)


def _session_ended(request):
    # 200, not 401: htmx leaves an error answer unswapped, and the browser would log it as a
    # failed load. The headers send the message to the alert region and keep the address.
    response = render(
        request,
        "base.html#session-ended",
        {"saving": request.method not in ("GET", "HEAD")},
    )
    retarget(response, "#session-alert")
    reswap(response, "innerHTML")
    push_url(response, False)
    patch_cache_control(response, no_store=True)
    return response


# Headers that django-axes writes into the database with each log-in attempt.
NUL_MENDED_HEADERS = ("HTTP_USER_AGENT", "HTTP_ACCEPT")


class RejectNullCharacterMiddleware:
    """Answer 400 to a request whose address holds a NUL character (%00).

    PostgreSQL cannot compare text with a NUL in it (the driver raises), and no address of ours
    has one. Posted forms need no such guard: Django's form fields refuse NUL with a message
    next to the field, where the user's typing is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # django-axes stores the browser string and Accept header of every log-in attempt, and
        # PostgreSQL cannot hold a NUL: the log-in would fail with a server error. A header is
        # not the user's typing, so it is mended (NUL as U+FFFD) rather than refused.
        for header in NUL_MENDED_HEADERS:
            if "\x00" in request.META.get(header, ""):
                request.META[header] = request.META[header].replace("\x00", "\ufffd")
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("This address contains a null character, which no page accepts: remove it."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
