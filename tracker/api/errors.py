"""Every error the API answers, as RFC 9457 problem details (`application/problem+json`).

A body has `type`, `title`, `status` and `detail`; a refused field adds `errors` (field name →
messages, "non_field_errors" for the body as a whole); a stale write adds `changes` (see
`writes`). The `type` is an address in docs/api.md that explains the problem.
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ..service_errors import errors_by_field

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/docs/api.md#"

# The title of each status, said the same for every problem of that status.
TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition failed"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Validation failed"),
    428: gettext_lazy("Precondition required"),
    429: gettext_lazy("Too many requests"),
}
# The `type` of each status: a stable name that the docs explain.
TYPES = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "stale-version",
    413: "too-large",
    415: "unsupported-media-type",
    422: "validation",
    428: "version-required",
    429: "rate-limited",
}


class PreconditionFailed(exceptions.APIException):
    """A write based on a version someone else has replaced; `changes` says what changed."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"

    def __init__(self, detail: str, *, changes: list[dict], current_version: int):
        super().__init__(detail)
        self.changes = changes
        self.current_version = current_version


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "version_required"
    default_detail = gettext_lazy(
        "Send the version you read as “If-Match”: GET the commitment and copy its ETag header."
    )


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = gettext_lazy("The body is too large: send at most 2.5 MB.")


class Unprocessable(exceptions.APIException):
    """A well-formed request the services refused (a move the lifecycle forbids, …)."""

    status_code = 422
    default_code = "validation"

    def __init__(self, errors: dict[str, list[str]]):
        detail = " ".join(message for messages in errors.values() for message in messages)
        super().__init__(detail)
        self.errors = errors


def problem(status_code: int, detail: str, *, headers: dict | None = None, **extra) -> Response:
    body = {
        "type": TYPE_BASE + TYPES.get(status_code, "error"),
        "title": str(TITLES.get(status_code, _("Error"))),
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail flattened to field → messages ("items.0.title" for nested)."""
    flat: dict[str, list[str]] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, inner in enumerate(value):
                walk(inner, f"{path}.{index}" if path else str(index))
        else:
            messages = value if isinstance(value, list) else [value]
            flat.setdefault(path or "non_field_errors", []).extend(str(m) for m in messages)

    walk(detail, "")
    return flat


def problem_exception_handler(exc, context) -> Response | None:
    """DRF's handler, with every answer rewritten as problem details."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = Unprocessable(errors_by_field(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    headers = {
        name: value
        for name, value in response.items()
        if name in ("Retry-After", "WWW-Authenticate", "Allow")
    }
    extra: dict = {}
    if isinstance(exc, exceptions.ValidationError):
        extra["errors"] = _field_errors(exc.detail)
        detail = _("The request has errors: see “errors”, by field.")
    elif isinstance(exc, Unprocessable):
        extra["errors"] = exc.errors
        detail = str(exc.detail)
    else:
        detail = str(exc.detail) if isinstance(exc.detail, str) else str(exc.detail)
    if isinstance(exc, PreconditionFailed):
        extra["changes"] = exc.changes
        extra["current_version"] = exc.current_version
        headers["ETag"] = f'"{exc.current_version}"'
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # Whole seconds, rounded up: a client that waits this long is let in.
        wait = max(1, math.ceil(exc.wait))
        headers["Retry-After"] = str(wait)
        extra["retry_after"] = wait
    return problem(response.status_code, detail, headers=headers, **extra)
