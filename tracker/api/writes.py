"""The API's writes, each through the service the workspace's form calls.

A status update carries the version it was based on as `If-Match` (the ETag of the commitment's
GET); a stale one is refused with 412 and what changed since, as the commitment page's conflict
message tells it, and nothing is written.
"""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from .. import services
from ..models import EDITABLE_FIELD_NAMES, Commitment
from ..timeline import commitment_timeline
from .errors import PreconditionFailed, PreconditionRequired
from .inputs import FollowUpIn, StatusUpdateIn
from .permissions import require_api
from .serializers import CommitmentDetailSerializer, FollowUpSerializer
from .views import ReadView, commitment_for_api, etag

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The commitment\'s ETag from its GET, e.g. "3".',
)
PROBLEM = OpenApiResponse(description="Problem details (application/problem+json).")


def expected_version(request) -> int:
    """The version named by `If-Match` ("3", or W/"3"); 428 when it is missing."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise PreconditionRequired()
    value = raw.removeprefix("W/").strip('"')
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise ParseError(_('“If-Match” must be the ETag of the commitment\'s GET, e.g. "3".'))
    return int(value)


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def stale(error: services.ConflictError) -> PreconditionFailed:
    """The conflict as the API tells it: who saved since, each field's value then and now."""
    changes = [
        {"field": field.removesuffix("_id"), "yours": _plain(base), "now": _plain(now)}
        for field, base, now in error.changes
    ]
    changes += [{"field": "note", "yours": None, "now": entry.note} for entry in error.notes_added]
    return PreconditionFailed(
        error.headline(), changes=changes, current_version=error.current.version
    )


class CommitmentStatus(ReadView):
    """Update a commitment's status, confidence, next step and dates, with a journal note."""

    serializer_class = CommitmentDetailSerializer

    @extend_schema(
        request=StatusUpdateIn,
        parameters=[IF_MATCH],
        responses={
            200: CommitmentDetailSerializer,
            **dict.fromkeys((400, 401, 403, 404, 412, 415, 422, 428, 429), PROBLEM),
        },
    )
    def post(self, request, pk: int):
        commitment = get_object_or_404(Commitment, pk=pk)
        require_api(request, "tracker.edit_commitment", commitment)
        incoming = StatusUpdateIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        version = expected_version(request)
        try:
            services.commitment_set_status(
                commitment=commitment,
                user=request.user,
                status=data["status"],
                confidence=data.get("confidence"),
                note=data.get("note", ""),
                evidence_url=data.get("evidence_url", ""),
                fields={name: data[name] for name in EDITABLE_FIELD_NAMES if name in data},
                expected_version=version,
            )
        except services.ConflictError as error:
            # Before ValidationError, its base class: the errors handler answers that with 422.
            raise stale(error) from None
        commitment = commitment_for_api(pk)

        serializer = self.get_serializer(
            commitment, context={"timeline": commitment_timeline(commitment)}
        )
        return Response(serializer.data, headers={"ETag": etag(commitment)})


class FollowUpCreate(ReadView):
    """Link a commitment to a later meeting where it came up again."""

    serializer_class = FollowUpSerializer

    @extend_schema(
        request=FollowUpIn,
        responses={
            201: FollowUpSerializer,
            **dict.fromkeys((400, 401, 403, 404, 415, 422, 429), PROBLEM),
        },
    )
    def post(self, request, pk: int):
        commitment = get_object_or_404(Commitment.objects.select_related("origin_meeting"), pk=pk)
        require_api(request, "tracker.link_followup", commitment)
        incoming = FollowUpIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        follow_up = services.followup_record(
            commitment=commitment, user=request.user, **incoming.validated_data
        )
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)
