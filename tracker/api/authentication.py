"""Who is calling: a personal access token (`Authorization: Bearer trk_…`) or the browser's session.

`BearerTokenAuthentication.authenticate` is the one place every token request passes: the place to
record token use in the security log.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiToken, SecurityEventKind
from ..models.api_tokens import API_TOKEN_SHOWN_CHARS
from ..services.api_tokens import api_token_find, api_token_used
from ..services.security_log import record_security_event

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: a live token authenticates its user; `request.auth` is the
    token, so that the permission check can read its scope."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <token>”, with no spaces in it.")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        now = timezone.now()
        token = api_token_find(secret=secret, now=now)
        if token is None or not token.user.is_active:
            record_security_event(
                kind=SecurityEventKind.TOKEN,
                # Django's request: DRF's would authenticate again when asked for its user.
                request=request._request,
                user=token.user if token else None,
                target=token,
                detail={"action": "refused", "prefix": secret[:API_TOKEN_SHOWN_CHARS]},
            )
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it is unknown, expired or revoked.")
            )
        if api_token_used(token=token, now=now):
            # Use is logged as often as the token's last use is kept: once a minute at most.
            record_security_event(
                kind=SecurityEventKind.TOKEN,
                request=request._request,
                user=token.user,
                target=token,
                detail={"action": "used"},
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes a missing or refused credential a 401 with this challenge, not a 403.
        return f'{KEYWORD} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, as the workspace's pages use it; DRF checks the CSRF token on every
    unsafe method, so another site cannot make a logged-in browser write."""


def request_token(request) -> ApiToken | None:
    """The token the request came with; None for the session."""
    return request.auth if isinstance(request.auth, ApiToken) else None


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the schema (and Swagger UI's Authorize button) describes the token."""

    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("A personal access token from the API tokens settings page."),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
