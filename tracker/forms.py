"""Forms of the staff workspace."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import (
    EDITABLE_FIELD_NAMES,
    Commitment,
    Confidence,
    Country,
    Division,
    FollowUpOutcome,
    Meeting,
    Status,
    Theme,
)

OPEN = "open"
SORTS = {
    "target": ("target_date", "pk"),
    "-target": ("-target_date", "-pk"),
    "updated": ("last_update_at", "pk"),
    "-updated": ("-last_update_at", "-pk"),
    "status": ("status", "pk"),
    "meeting": ("origin_meeting__starts_at", "quote_position", "pk"),
}


class CommitmentFilterForm(forms.Form):
    """The list's filters; every one is a GET parameter, so a filtered view is a shareable URL."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), (OPEN, _("All open")), *Status.choices],
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), required=False, choices=[("", _("Any")), *Confidence.choices]
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"), required=False, queryset=Theme.objects.all(), empty_label=_("Any")
    )
    division = forms.ModelChoiceField(
        label=_("Division"), required=False, queryset=Division.objects.all(), empty_label=_("Any")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=get_user_model().objects.filter(owned_commitments__isnull=False).distinct(),
        empty_label=_("Any"),
    )
    meeting = forms.ModelChoiceField(
        label=_("Origin meeting"),
        required=False,
        queryset=Meeting.objects.filter(commitments__isnull=False).distinct(),
        empty_label=_("Any"),
    )
    party = forms.ModelChoiceField(
        label=_("Party"), required=False, queryset=Country.objects.all(), empty_label=_("Any")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("meeting", _("Origin meeting")),
            ("target", _("Target date, earliest first")),
            ("-target", _("Target date, latest first")),
            ("-updated", _("Last update, newest first")),
            ("updated", _("Last update, oldest first")),
            ("status", _("Status")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def filter(self, queryset, *, today):
        """Apply the valid filters; an invalid one is ignored (the form shows its error)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        queryset = queryset.with_last_update()
        if text := data.get("q", "").strip():
            queryset = queryset.search(text)
        status = data.get("status")
        if status == OPEN:
            queryset = queryset.open()
        elif status:
            queryset = queryset.filter(status=status)
        for name, lookup in (
            ("confidence", "confidence"),
            ("theme", "themes"),
            ("division", "lead_division"),
            ("owner", "owner"),
            ("meeting", "origin_meeting"),
            ("party", "parties"),
        ):
            if value := data.get(name):
                queryset = queryset.filter(**{lookup: value})
        if data.get("overdue"):
            queryset = queryset.overdue(today)
        return queryset.order_by(*SORTS.get(data.get("sort") or "meeting", SORTS["meeting"]))


class StatusUpdateForm(forms.Form):
    """The in-place update of a commitment: status, confidence, the editable fields, a note."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    confidence = forms.ChoiceField(
        label=_("Delivery confidence"), choices=Confidence.choices, widget=forms.RadioSelect
    )
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_date_reason = forms.CharField(
        label=_("Why this target date"), required=False, max_length=300
    )
    next_review_date = forms.DateField(
        label=_("Next review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when moving to stalled, completed, superseded or dropped."),
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500)
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, commitment: Commitment, **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = self.initial_for(commitment)
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        allowed = {commitment.status, *commitment.allowed_statuses()}
        # Only the moves the lifecycle allows are offered.
        self.fields["status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    @staticmethod
    def initial_for(commitment: Commitment) -> dict:
        return {
            "status": commitment.status,
            "confidence": commitment.confidence,
            "loaded_version": commitment.version,
            **{name: getattr(commitment, name) for name in EDITABLE_FIELD_NAMES},
        }

    def field_changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELD_NAMES}


class FollowUpForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Pick the meeting where it came up.")},
    )
    outcome = forms.ChoiceField(label=_("What happened there"), choices=FollowUpOutcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    quote = forms.CharField(
        label=_("Quote from that readout"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
