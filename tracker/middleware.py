"""Session idle time-out: a session unused for SESSION_IDLE_TIMEOUT seconds is ended."""

import time

from django.conf import settings
from django.contrib.auth import logout

LAST_SEEN_KEY = "tracker_last_seen"


class IdleTimeoutMiddleware:
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
