"""The API's reads: commitments (the list page's filters and sorts), meetings, follow-ups, and
the reference lists. Each view asks `tracker.permissions` as the workspace's page does.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..forms import DEFAULT_SORT, SORTS, CommitmentFilterForm
from ..models import Commitment, Division, FollowUp, Meeting, Participation, Person, Theme
from ..models.querysets import attach_codes
from ..timeline import TimelineKey, commitment_timeline
from . import serializers

# The list page's filters, documented once for the schema; their values are the page's.
FILTER_PARAMETERS = [
    OpenApiParameter(name, type_, description=description)
    for name, type_, description in (
        ("q", str, "Text in the title, quote, next step or any note."),
        ("status", str, "A status code, or “open” for every open status."),
        ("confidence", str, "red, amber or green."),
        ("theme", int, "A theme's id."),
        ("division", int, "The lead division's id."),
        ("owner", int, "The owner's user id."),
        ("meeting", int, "The origin meeting's id."),
        ("party", int, "A party's (country's) id."),
        ("overdue", bool, "Overdue open items only."),
        ("due_within", int, "Open items due today or in the next N days."),
        ("stale", bool, "Open items with no update for 14 days or more."),
        (
            "sort",
            str,
            "As the list page: meeting, -meeting, target, -target, updated, "
            "-updated, status, -status.",
        ),
    )
]


class ReadView(generics.GenericAPIView):
    """One record."""


class ListView(generics.ListAPIView):
    """A list in cursor pages; `ordering()` names its sort and gives its items."""

    def ordering(self) -> tuple[str, tuple]:
        return "pk", ("pk",)


@extend_schema_view(get=extend_schema(parameters=FILTER_PARAMETERS))
class CommitmentList(ListView):
    """Commitments as the list page shows them: the same filters and sorts, archived left out."""

    serializer_class = serializers.CommitmentSerializer

    def _form(self) -> CommitmentFilterForm:
        if not hasattr(self, "_filter_form"):
            params = self.request.query_params.copy()
            for name in ("cursor", "limit"):
                params.pop(name, None)
            self._filter_form = CommitmentFilterForm(params or None)
            if self._filter_form.is_bound and not self._filter_form.is_valid():
                # The page shows a bad filter next to its field; an API says so, by field.
                raise_invalid(self._filter_form)
        return self._filter_form

    def ordering(self) -> tuple[str, tuple]:
        form = self._form()
        sort = (form.cleaned_data.get("sort") if form.is_bound else "") or DEFAULT_SORT
        return sort, SORTS[sort]

    def get_queryset(self):
        return self._form().filter(
            Commitment.objects.for_api().active(), today=timezone.localdate()
        )

    def paginate_queryset(self, queryset):
        return attach_codes(super().paginate_queryset(queryset))


def raise_invalid(form) -> None:
    raise ValidationError({name: list(errors) for name, errors in form.errors.items()})


class CommitmentDetail(ReadView):
    """One commitment with its follow-ups and the newest page of its timeline (`?before=` for an
    older page: the `timeline_older` token). Its `version` is the ETag, for `If-Match`."""

    serializer_class = serializers.CommitmentDetailSerializer

    @extend_schema(
        parameters=[OpenApiParameter("before", str, description="A `timeline_older` token.")]
    )
    def get(self, request, pk: int):
        commitment = commitment_for_api(pk)
        before = None
        if token := request.query_params.get("before"):
            before = TimelineKey.from_token(token)
            if before is None:
                raise ParseError(_("“before” is not a timeline token: use “timeline_older”."))
        timeline = commitment_timeline(commitment, before=before)
        data = self.get_serializer(commitment, context={"timeline": timeline}).data
        return Response(data, headers={"ETag": etag(commitment)})


def commitment_for_api(pk: int) -> Commitment:
    commitment = get_object_or_404(
        Commitment.objects.for_api().prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("meeting", "recorded_by").order_by(
                    "meeting__starts_at", "pk"
                ),
            )
        ),
        pk=pk,
    )
    return attach_codes([commitment])[0]


def etag(commitment: Commitment) -> str:
    return f'"{commitment.version}"'


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("q", str, description="Title, place or series.")]
    )
)
class MeetingList(ListView):
    serializer_class = serializers.MeetingSerializer

    def ordering(self):
        return "-starts_at", ("-starts_at", "-pk")

    def get_queryset(self):
        meetings = Meeting.objects.select_related("series").defer("readout_text", "summary")
        text = self.request.query_params.get("q", "").strip()[:200]
        if text:
            meetings = meetings.search(text)
        return meetings


class MeetingDetail(ReadView):
    serializer_class = serializers.MeetingDetailSerializer

    def get(self, request, pk: int):
        meeting = get_object_or_404(
            Meeting.objects.select_related("series")
            .defer("readout_text")
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.select_related(
                        "person__country", "side"
                    ).order_by("order", "pk"),
                ),
                Prefetch("commitments", queryset=Commitment.objects.only("pk", "origin_meeting")),
                Prefetch("follow_ups", queryset=FollowUp.objects.only("pk", "meeting")),
            ),
            pk=pk,
        )
        return Response(self.get_serializer(meeting).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("commitment", OpenApiTypes.INT, description="A commitment's id."),
            OpenApiParameter("meeting", OpenApiTypes.INT, description="A meeting's id."),
        ]
    )
)
class FollowUpList(ListView):
    """Every follow-up, newest meeting first; `?commitment=` or `?meeting=` narrows it."""

    serializer_class = serializers.FollowUpSerializer

    def ordering(self):
        return "-meeting", ("-meeting__starts_at", "-pk")

    def get_queryset(self):
        request = self.request
        follow_ups = FollowUp.objects.select_related("meeting", "recorded_by").defer(
            "meeting__readout_text", "meeting__summary"
        )
        for name in ("commitment", "meeting"):
            if name in request.query_params:
                follow_ups = follow_ups.filter(**{name: _id_param(request, name)})
        return follow_ups


def _id_param(request, name: str) -> int:
    raw = request.query_params[name]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise ParseError(_("“%(name)s” must be a number (an id).") % {"name": name})
    return int(raw)


class ThemeList(ListView):
    serializer_class = serializers.ThemeSerializer
    queryset = Theme.objects.all()


class DivisionList(ListView):
    serializer_class = serializers.DivisionSerializer
    queryset = Division.objects.all()


class PersonList(ListView):
    serializer_class = serializers.PersonSerializer
    queryset = Person.objects.select_related("country")

    def ordering(self):
        return "name", ("family_name", "given_name", "pk")


class NotFoundView(APIView):
    """Any address under /api/v1/ that names no endpoint: a problem, not an HTML page."""

    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound(_("There is no such address in the API: see /api/v1/docs/."))

    get = post = put = patch = delete = http_method_not_allowed
