"""Every refusal (403) written into the security log, in one place.

A refusal can come from `permissions.require`, from the admin, from the CSRF check or from a view
that answers 403 itself; all of them leave as a 403 response through the middleware stack, so
this is the one place that sees them all.
"""

from __future__ import annotations

from .models import SecurityEventKind
from .services.security_log import record_security_event


class PermissionRefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            record_security_event(
                kind=SecurityEventKind.PERMISSION_DENIED,
                request=request,
                detail={"method": request.method},
            )
        return response
