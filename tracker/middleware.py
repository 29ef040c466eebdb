"""Session idle time-out, and the refusal of addresses no view can take."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "tracker_last_seen"


class IdleTimeoutMiddleware:
    """A session unused for SESSION_IDLE_TIMEOUT seconds is ended."""

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
        return self.get_response(request)


class RejectNullCharacterMiddleware:
    """Answer 400 to a request whose address holds a NUL character (%00).

    PostgreSQL cannot compare text with a NUL in it (the driver raises), and no address of ours
    has one. Posted forms need no such guard: Django's form fields refuse NUL with a message
    next to the field, where the user's typing is kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("This address contains a null character, which no page accepts: remove it."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
