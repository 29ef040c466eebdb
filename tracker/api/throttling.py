"""The rate limit: each token has its own budget; the session's budget is its user's.

Counts live in the default cache: Redis when REDIS_URL is set, so every app server counts the same
token alike; each process's memory otherwise (one server, or a laptop). Over the limit, the answer
is 429 with Retry-After (see `errors`).
"""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle

from .authentication import request_token


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_cache_key(self, request, view) -> str | None:
        token = request_token(request)
        if token is not None:
            ident = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
