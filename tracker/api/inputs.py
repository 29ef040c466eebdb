"""What the API's writes take in: each body checked field by field before a service sees it.

Lengths come from the model fields they fill, so that an over-long value is refused here, by
field, and never reaches the database. DRF's CharField refuses NUL characters by itself.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import (
    Commitment,
    Confidence,
    Division,
    FollowUp,
    FollowUpOutcome,
    Meeting,
    Status,
    StatusUpdate,
)

# The longest readout a request may carry: the meeting's readout field holds this much.
READOUT_MAX_LENGTH = Meeting._meta.get_field("readout_text").max_length or 200_000


def _text(model, name: str, **options) -> serializers.CharField:
    return serializers.CharField(
        max_length=model._meta.get_field(name).max_length,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        **options,
    )


class StatusUpdateIn(serializers.Serializer):
    """A status update, as the commitment page's form sends it; a field left out keeps its value."""

    status = serializers.ChoiceField(choices=Status.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    note = _text(StatusUpdate, "note", help_text=_("Required for stalled, completed, …"))
    evidence_url = serializers.URLField(
        max_length=StatusUpdate._meta.get_field("evidence_url").max_length,
        required=False,
        allow_blank=True,
    )
    next_step = _text(Commitment, "next_step")
    target_date = serializers.DateField(required=False, allow_null=True)
    target_date_reason = _text(Commitment, "target_date_reason")
    next_review_date = serializers.DateField(required=False, allow_null=True)


class FollowUpIn(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    outcome = serializers.ChoiceField(choices=FollowUpOutcome.choices)
    note = _text(FollowUp, "note")
    quote = _text(FollowUp, "quote")


class ReadoutDraftIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=READOUT_MAX_LENGTH, help_text=_("The readout, as plain text.")
    )


class ReadoutSaveIn(ReadoutDraftIn):
    division = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code of the new commitments' lead division (default: your first)."),
    )
    source_url = serializers.URLField(
        max_length=Meeting._meta.get_field("source_url").max_length,
        required=False,
        allow_blank=True,
    )


class ReadoutSaved(serializers.Serializer):
    meeting = serializers.IntegerField()
    commitments = serializers.ListField(child=serializers.IntegerField())
    follow_ups = serializers.ListField(child=serializers.IntegerField())
    warnings = serializers.ListField(child=serializers.CharField())
