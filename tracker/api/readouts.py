"""Readouts through the API: the draft a text makes, and saving a readout unreviewed.

The draft is what `manage.py import_readout --json` prints (the parser's `to_dict()`); saving takes
the review screen's default choices, as `import_readout --save` does, and goes through the same
`readout_save` service as the import page.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import services
from ..readout_parser import parse_readout
from ..readout_review import build_review, default_division, default_plan
from ..services.readouts import DuplicateReadoutError, ImportRowError, may_lead
from .errors import Unprocessable, problem
from .inputs import ReadoutDraftIn, ReadoutSaved, ReadoutSaveIn
from .permissions import require_api


class ReadoutDraft(APIView):
    """Parse a readout's text into a draft: meeting, participants, commitments with quotes."""

    @extend_schema(request=ReadoutDraftIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        require_api(request, "tracker.import_readout")
        incoming = ReadoutDraftIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        draft = parse_readout(incoming.validated_data["text"], today=timezone.localdate())
        return Response(draft.to_dict())


class ReadoutSave(APIView):
    """Save a readout with the review screen's default choices: the ticked rows become
    commitments of `division`, a row strongly matching an open commitment its follow-up."""

    @extend_schema(request=ReadoutSaveIn, responses={201: ReadoutSaved})
    def post(self, request):
        require_api(request, "tracker.import_readout")
        incoming = ReadoutSaveIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        division = data.get("division") or default_division(request.user)
        if not may_lead(request.user, division):
            raise ValidationError(
                {"division": [_("You may create commitments only for your own divisions.")]}
            )
        draft = parse_readout(data["text"], today=timezone.localdate())
        plan = default_plan(
            build_review(draft, user=request.user),
            division=division,
            source_url=data.get("source_url", ""),
        )
        if plan.meeting is None:
            raise Unprocessable({"text": plan.warnings})
        try:
            result = services.readout_save(
                user=request.user,
                meeting=plan.meeting,
                participants=plan.participants,
                rows=plan.rows,
            )
        except DuplicateReadoutError as error:
            return problem(409, error.messages[0], meeting=error.meeting.pk)
        except ImportRowError as error:
            raise Unprocessable({f"{error.section}.{error.index}": list(error.messages)}) from None
        body = {
            "meeting": result.meeting.pk,
            "commitments": [c.pk for c in result.commitments],
            "follow_ups": [f.pk for f in result.follow_ups],
            "warnings": [str(w) for w in plan.warnings],
        }
        return Response(body, status=status.HTTP_201_CREATED)
