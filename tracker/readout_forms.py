"""Forms of the readout import's review screen (the view is tracker/views/readouts.py).

Matching is in tracker.readout_matching, saving in tracker.services.readouts.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    Country,
    Division,
    FollowUpOutcome,
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    Strength,
    Theme,
    validate_time_zone,
)
from .names import display_name
from .readout_matching import validate_meeting_start
from .readout_review import MAX_PARTICIPANTS, MAX_ROWS, decode_readout_file
from .services.readouts import (
    FOLLOW_UP_REFUSAL,
    MeetingData,
    ParticipantData,
    RowData,
    lead_division_refusal,
    lead_divisions,
    may_lead,
)

# Django refuses larger request bodies anyway (DATA_UPLOAD_MAX_MEMORY_SIZE); readouts are shorter.
MAX_READOUT_CHARS = 2_000_000


class ReadoutSourceForm(forms.Form):
    """Step 1: the readout, pasted or as a file."""

    text = forms.CharField(
        label=_("Readout text"),
        required=False,
        max_length=MAX_READOUT_CHARS,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_("Paste the readout as published: plain text or the page’s HTML."),
    )
    file = forms.FileField(
        label=_("…or a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
        help_text=_(
            ".txt, .html or .htm, UTF-8, at most 2 MB. A file is read instead of the text."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["readout"] = decode_readout_file(
                    upload.name, upload.read(MAX_READOUT_CHARS * 2 + 1)
                )
            except ValidationError as error:
                self.add_error("file", error)
        elif (cleaned.get("text") or "").strip():
            cleaned["readout"] = cleaned["text"]
        elif "text" not in self.errors:
            self.add_error("text", _("Paste a readout or choose a file."))
        return cleaned


class LocalDateTimeField(forms.Field):
    """A wall-clock date and time without a zone: the zone is a field of its own."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
    default_error_messages = {
        "invalid": _("Enter a date and time such as 2022-07-29 13:43."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats:
            try:
                return datetime.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


@dataclass
class ReviewChoices:
    """Reference rows read once per request and shared by every row of the review.

    `divisions` are only those the importer may make the lead of a new commitment (an editor's
    own; every division for a manager), and `no_division` says whether they may leave it empty.
    """

    themes: dict[str, Theme]
    countries: dict[str, Country]
    divisions: dict[str, Division]
    series: dict[str, MeetingSeries]
    no_division: bool = False

    @classmethod
    def load(cls, user: AbstractBaseUser) -> ReviewChoices:
        return cls(
            themes={t.code: t for t in Theme.objects.all()},
            countries={c.code: c for c in Country.objects.all()},
            divisions={str(d.pk): d for d in lead_divisions(user)},
            series={str(s.pk): s for s in MeetingSeries.objects.all()},
            no_division=may_lead(user, None),
        )

    def theme_choices(self) -> list[tuple[str, str]]:
        return [(code, display_name(t)) for code, t in self.themes.items()]

    def country_choices(self) -> list[tuple[str, str]]:
        return [(code, c.name) for code, c in self.countries.items()]


class MeetingReviewForm(forms.Form):
    """Step 2, the meeting: what the parser drafted, for the editor to check."""

    readout = forms.CharField(widget=forms.HiddenInput, max_length=MAX_READOUT_CHARS, strip=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    series = forms.ChoiceField(label=_("Series"), required=False)
    starts_at = LocalDateTimeField(
        label=_("Start (local time)"),
        help_text=_("The wall-clock time at the place of the meeting."),
        # Year 1 or 9999 would overflow when converted to UTC.
        validators=[validate_meeting_start],
    )
    start_time_known = forms.BooleanField(
        label=_("Start time known"),
        required=False,
        help_text=_("Untick when the readout gives only the date."),
    )
    time_zone = forms.CharField(
        label=_("Time zone of the place"),
        max_length=64,
        validators=[validate_time_zone],
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("IANA name, e.g. America/New_York."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=60 * 24 * 7
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    source_url = forms.URLField(label=_("Source URL"), required=False, max_length=500)

    def __init__(self, *args, choices: ReviewChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["series"].choices = [("", _("None"))] + [
            (pk, s.name) for pk, s in choices.series.items()
        ]

    def meeting_data(self, readout_text: str) -> MeetingData:
        """The meeting to save; `readout_text` is the parser's cleaned text, which the
        commitments' quote positions refer to (the form carries the text as pasted)."""
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        return MeetingData(
            title=data["title"],
            kind=data["kind"],
            series=self.choices.series.get(data["series"]),
            starts_at=data["starts_at"].replace(tzinfo=zone),
            time_zone=data["time_zone"],
            start_time_known=data["start_time_known"],
            duration_minutes=data["duration_minutes"],
            place=data["place"],
            format=data["format"],
            source_url=data["source_url"],
            readout_text=readout_text,
        )


class ParticipantReviewForm(forms.Form):
    keep = forms.BooleanField(label=_("Keep"), required=False)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=100)
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)
    title = forms.CharField(label=_("Title at the time"), required=False, max_length=250)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, choices: ReviewChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["country"].choices = [("", "—"), *choices.country_choices()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep"):
            for name, message in (
                ("family_name", _("Enter the family name, or untick this person.")),
                ("title", _("Enter the title the person held, or untick this person.")),
                ("country", _("Choose the country, or untick this person.")),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    def participant_data(self) -> ParticipantData | None:
        data = self.cleaned_data
        if not data.get("keep"):
            return None
        return ParticipantData(
            family_name=data["family_name"],
            given_name=data["given_name"],
            title=data["title"],
            country=self.choices.countries[data["country"]],
        )


NEW_COMMITMENT = "new"


class CommitmentReviewForm(forms.Form):
    """One drafted commitment: keep it as a new commitment, as a follow-up, or leave it out."""

    keep = forms.BooleanField(label=_("Keep"), required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=200)
    strength = forms.ChoiceField(label=_("Strength"), choices=Strength.choices)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    parties = forms.MultipleChoiceField(
        label=_("Parties"), required=False, widget=forms.CheckboxSelectMultiple
    )
    lead_division = forms.ChoiceField(
        label=_("Lead division"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose one of the divisions offered: you may create commitments only for your "
                "own divisions."
            )
        },
    )
    record_as = forms.ChoiceField(
        label=_("Record as"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": FOLLOW_UP_REFUSAL},
    )
    outcome = forms.ChoiceField(
        label=_("What happened there"),
        choices=FollowUpOutcome.choices,
        initial=FollowUpOutcome.REAFFIRMED,
        required=False,
    )

    def __init__(self, *args, choices: ReviewChoices, row=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.row = row
        self.fields["themes"].choices = choices.theme_choices()
        self.fields["parties"].choices = choices.country_choices()
        self.fields["lead_division"].choices = [
            *([("", "—")] if choices.no_division or not choices.divisions else []),
            *((pk, display_name(d)) for pk, d in choices.divisions.items()),
        ]
        candidates = row.candidates if row is not None else []
        self.candidates = {str(c.commitment.pk): c.commitment for c in candidates}
        if candidates:
            self.fields["record_as"].choices = [(NEW_COMMITMENT, _("New commitment"))] + [
                (
                    str(c.commitment.pk),
                    _("Follow-up of: %(title)s (%(meeting)s)")
                    % {"title": c.commitment.title, "meeting": c.commitment.origin_meeting},
                )
                for c in candidates
            ]
        else:
            del self.fields["record_as"]
            del self.fields["outcome"]

    @property
    def follows_up(self) -> bool:
        return "record_as" in self.fields

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("keep"):
            return cleaned
        if not self.follows_up and self.data.get(self.add_prefix("record_as")) not in (
            None,
            "",
            NEW_COMMITMENT,
        ):
            # No follow-up was offered for this row: a posted one is forged or out of date.
            self.add_error(None, FOLLOW_UP_REFUSAL)
        record_as = cleaned.get("record_as") or NEW_COMMITMENT
        if record_as == NEW_COMMITMENT and not cleaned.get("title", "").strip():
            self.add_error("title", _("Give the commitment a title, or untick it."))
        if (
            record_as == NEW_COMMITMENT
            and not cleaned.get("lead_division")
            and "lead_division" not in self.errors
            and not self.choices.no_division
        ):
            self.add_error("lead_division", lead_division_refusal(self.choices.divisions.values()))
        if record_as != NEW_COMMITMENT and not cleaned.get("outcome"):
            self.add_error("outcome", _("Say what happened at this meeting."))
        return cleaned

    def row_data(self, quote: str, position: int | None) -> RowData | None:
        data = self.cleaned_data
        if not data.get("keep"):
            return None
        record_as = data.get("record_as") or NEW_COMMITMENT
        division = data.get("lead_division")
        return RowData(
            index=self.row.index if self.row is not None else 0,
            title=data["title"].strip(),
            quote=quote,
            quote_position=position,
            strength=data["strength"],
            themes=[self.choices.themes[code] for code in data["themes"]],
            parties=[self.choices.countries[code] for code in data["parties"]],
            lead_division=self.choices.divisions.get(division) if division else None,
            follow_up_of=self.candidates.get(record_as),
            outcome=data.get("outcome") or FollowUpOutcome.REAFFIRMED,
        )


class _ReviewFormSet(forms.BaseFormSet):
    """Passes each form the shared choices and, for commitments, its draft row."""

    def __init__(self, *args, choices: ReviewChoices, rows=None, **kwargs):
        self.choices = choices
        self.rows = rows
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = {**super().get_form_kwargs(index), "choices": self.choices}
        if self.rows is not None:
            kwargs["row"] = (
                self.rows[index] if index is not None and index < len(self.rows) else None
            )
        return kwargs


def _review_formset(form, max_num: int):
    return forms.formset_factory(
        form,
        formset=_ReviewFormSet,
        extra=0,
        max_num=max_num,
        absolute_max=max_num,
        validate_max=True,
    )


ParticipantReviewFormSet = _review_formset(ParticipantReviewForm, MAX_PARTICIPANTS)
CommitmentReviewFormSet = _review_formset(CommitmentReviewForm, MAX_ROWS)
