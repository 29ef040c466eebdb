"""What the API sends: each record as JSON, with codes for choices and ids for links.

Read-only serializers over the QuerySets the views build (`for_api()` and friends), so that a
list costs the same few queries however many rows it has. Choice fields carry their code
(`status: "in_progress"`); the label in the caller's language is beside it (`status_label`).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import names
from ..models import Commitment, Division, FollowUp, Meeting, Person, Theme


class ChoiceLabelField(serializers.CharField):
    """The label of a model field's choice in the caller's language, as `get_FOO_display` gives
    it (a value outside the choices as it is), without building the choices' dict and inspecting
    the method for every row: a list page sends two labels a row."""

    def __init__(self, model, field_name: str, **kwargs):
        self.labels = dict(model._meta.get_field(field_name).flatchoices)
        super().__init__(source=field_name, read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class NamedRefSerializer(serializers.Serializer):
    """A division, theme or country: its id, code and name (in the caller's language)."""

    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return names.display_name(obj)


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return names.user_name(obj)


class MeetingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    time_zone = serializers.CharField(read_only=True)


class ThemeSerializer(NamedRefSerializer):
    name_en = serializers.CharField(source="name", read_only=True)
    name_ja = serializers.CharField(read_only=True)

    class Meta:
        model = Theme


class DivisionSerializer(ThemeSerializer):
    class Meta:
        model = Division


class PersonSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "family_name",
            "given_name",
            "name_ja",
            "family_name_first",
            "country",
            "display_name",
        ]

    def get_display_name(self, obj) -> str:
        return names.display_name(obj)


class CommitmentSerializer(serializers.ModelSerializer):
    """A commitment as the list shows it."""

    status_label = ChoiceLabelField(Commitment, "status")
    confidence_label = ChoiceLabelField(Commitment, "confidence")
    origin_meeting = MeetingRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    lead_division = NamedRefSerializer(read_only=True, allow_null=True)
    themes = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "title",
            "status",
            "status_label",
            "confidence",
            "confidence_label",
            "strength",
            "origin_meeting",
            "owner",
            "lead_division",
            "themes",
            "parties",
            "target_date",
            "next_step",
            "next_review_date",
            "last_update_at",
            "is_archived",
            "version",
        ]
        read_only_fields = fields

    # Read for all the rows sent at once (`attach_codes`).
    def get_themes(self, obj) -> list[str]:
        return obj.theme_codes

    def get_parties(self, obj) -> list[str]:
        return obj.party_codes


class FollowUpSerializer(serializers.ModelSerializer):
    meeting = MeetingRefSerializer(read_only=True)
    commitment = serializers.IntegerField(source="commitment_id", read_only=True)
    recorded_by = UserRefSerializer(read_only=True, allow_null=True)
    outcome_label = ChoiceLabelField(FollowUp, "outcome")

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "commitment",
            "meeting",
            "outcome",
            "outcome_label",
            "note",
            "quote",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)


class TimelineEntrySerializer(serializers.Serializer):
    """One line of a commitment's story: a journal entry ("update"), a later meeting where it came
    up ("followup"), or a change of its fields ("change")."""

    kind = serializers.ChoiceField(choices=["update", "followup", "change"])
    at = serializers.DateTimeField()
    who = serializers.CharField()
    status_from = serializers.SerializerMethodField()
    status_to = serializers.SerializerMethodField()
    confidence_from = serializers.SerializerMethodField()
    confidence_to = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    evidence_url = serializers.SerializerMethodField()
    meeting = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()

    def _update(self, entry, name: str) -> str | None:
        return getattr(entry.entry, name) if entry.kind == "update" else None

    def get_status_from(self, entry) -> str | None:
        return self._update(entry, "status_from")

    def get_status_to(self, entry) -> str | None:
        return self._update(entry, "status_to")

    def get_confidence_from(self, entry) -> str | None:
        return self._update(entry, "confidence_from")

    def get_confidence_to(self, entry) -> str | None:
        return self._update(entry, "confidence_to")

    def get_note(self, entry) -> str | None:
        return entry.entry.note if entry.kind in ("update", "followup") else None

    def get_evidence_url(self, entry) -> str | None:
        return self._update(entry, "evidence_url")

    @extend_schema_field(MeetingRefSerializer(allow_null=True))
    def get_meeting(self, entry):
        if entry.kind != "followup":
            return None
        return MeetingRefSerializer(entry.entry.meeting).data

    def get_outcome(self, entry) -> str | None:
        return entry.entry.outcome if entry.kind == "followup" else None

    @extend_schema_field(ChangeSerializer(many=True))
    def get_changes(self, entry):
        return [
            {
                "field": label,
                "before": None if before in (None, "") else str(before),
                "after": None if after in (None, "") else str(after),
            }
            for label, before, after in entry.changes
        ]


class CommitmentDetailSerializer(CommitmentSerializer):
    """A commitment with its quote, its follow-ups and the newest page of its timeline."""

    follow_up_venue = serializers.CharField(
        source="follow_up_venue.name", read_only=True, allow_null=True, default=None
    )
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    timeline = serializers.SerializerMethodField()
    timeline_older = serializers.SerializerMethodField()

    class Meta(CommitmentSerializer.Meta):
        fields = [
            *CommitmentSerializer.Meta.fields,
            "quote",
            "quote_position",
            "target_date_reason",
            "follow_up_venue",
            "created_at",
            "follow_ups",
            "timeline",
            "timeline_older",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, obj):
        return TimelineEntrySerializer(self.context["timeline"].entries, many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_timeline_older(self, obj) -> str | None:
        """The `before` token of the next (older) page of the timeline; null when complete."""
        page = self.context["timeline"]
        return page.older.token() if page.older is not None else None


class MeetingSerializer(serializers.ModelSerializer):
    series = serializers.CharField(source="series.name", read_only=True, default=None)
    kind_label = ChoiceLabelField(Meeting, "kind")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "series",
            "starts_at",
            "time_zone",
            "start_time_known",
            "duration_minutes",
            "place",
            "format",
            "source_url",
        ]
        read_only_fields = fields


class ParticipationSerializer(serializers.Serializer):
    person = PersonSerializer(read_only=True)
    title = serializers.CharField(read_only=True)
    side = serializers.CharField(source="side.code", read_only=True)


class MeetingDetailSerializer(MeetingSerializer):
    participants = ParticipationSerializer(source="participations", many=True, read_only=True)
    commitments = serializers.SerializerMethodField()
    follow_ups = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [
            *MeetingSerializer.Meta.fields,
            "summary",
            "participants",
            "commitments",
            "follow_ups",
        ]
        read_only_fields = fields

    def get_commitments(self, obj) -> list[int]:
        return [c.pk for c in obj.commitments.all()]

    def get_follow_ups(self, obj) -> list[int]:
        return [f.pk for f in obj.follow_ups.all()]
