"""Forms of the staff workspace."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    EDITABLE_FIELD_NAMES,
    Commitment,
    Confidence,
    Country,
    Division,
    FollowUp,
    FollowUpOutcome,
    Meeting,
    Status,
    StatusUpdate,
    Theme,
)
from .names import user_name
from .templatetags.tracker_tags import local_name

OPEN = "open"
# Ten years: the farthest "due within" a list is asked for.
DUE_WITHIN_MAX_DAYS = 3660


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# Statuses in the order of their lifecycle, not of their codes' spelling.
STATUS_ORDER = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(Status)),
    default=Value(len(Status)),
)
# Blanks go last in both directions: an undated item never hides the overdue ones.
SORTS = {
    "meeting": ("origin_meeting__starts_at", "quote_position", "pk"),
    "-meeting": ("-origin_meeting__starts_at", "-quote_position", "-pk"),
    "target": (F("target_date").asc(nulls_last=True), "pk"),
    "-target": (F("target_date").desc(nulls_last=True), "-pk"),
    "updated": (F("last_update_at").asc(nulls_last=True), "pk"),
    "-updated": (F("last_update_at").desc(nulls_last=True), "-pk"),
    "status": (STATUS_ORDER.asc(), "pk"),
    "-status": (STATUS_ORDER.desc(), "-pk"),
}
DEFAULT_SORT = "meeting"


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
    # The dashboard's boxes link here: each of its counts has a filter that lists exactly it.
    due_within = forms.IntegerField(
        label=_("Due within (days)"),
        required=False,
        min_value=0,
        max_value=DUE_WITHIN_MAX_DAYS,
        help_text=_("Open items whose target date is today or in the next N days."),
    )
    stale = forms.BooleanField(
        label=_("Stale only"),
        required=False,
        # As the dashboard says it; the number is models.STALE_AFTER_DAYS.
        help_text=_("Open items with no update for 14 days or more."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        # The default comes first: the list's script selects the first choice when the address
        # names no sort.
        choices=[
            ("meeting", _("Origin meeting")),
            ("-meeting", _("Origin meeting, newest first")),
            ("target", _("Target date, earliest first")),
            ("-target", _("Target date, latest first")),
            ("-updated", _("Last update, newest first")),
            ("updated", _("Last update, oldest first")),
            ("status", _("Status")),
            ("-status", _("Status, in reverse order")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = user_name
        for name in ("theme", "division", "party"):
            self.fields[name].label_from_instance = local_name

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
        if (days := data.get("due_within")) is not None:
            queryset = queryset.due_between(today, today + timedelta(days=days))
        if data.get("stale"):
            queryset = queryset.stale(timezone.now())
        return queryset.order_by(*SORTS.get(data.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


class StatusUpdateForm(forms.Form):
    """The in-place update of a commitment: status, confidence, the editable fields, a note."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    confidence = forms.ChoiceField(
        label=_("Delivery confidence"), choices=Confidence.choices, widget=forms.RadioSelect
    )
    next_step = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=Commitment._meta.get_field("next_step").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_date_reason = forms.CharField(
        label=_("Why this target date"),
        required=False,
        max_length=Commitment._meta.get_field("target_date_reason").max_length,
    )
    next_review_date = forms.DateField(
        label=_("Next review"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=StatusUpdate._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when moving to stalled, completed, superseded or dropped."),
    )
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500)
    # Not required here: the service refuses a save without it, with a message the user sees
    # (an error on a hidden field would be shown nowhere).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, commitment: Commitment, **kwargs):
        if "initial" not in kwargs and not args:
            kwargs["initial"] = self.initial_for(commitment)
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        allowed = {commitment.status, *commitment.allowed_statuses()}
        # Only the moves the lifecycle allows are offered; any status is accepted, because a
        # form loaded before someone else's move must reach the service, which explains the
        # conflict (or the refused move) instead of "Select a valid choice".
        self.fields["status"].widget.choices = [(s.value, s.label) for s in Status if s in allowed]

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


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "username"),
        required=False,
        empty_label=_("(nobody)"),
    )
    lead_division = forms.ModelChoiceField(
        label=_("Lead division"), queryset=Division.objects.all(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = user_name
        self.fields["lead_division"].label_from_instance = local_name


class FollowUpForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Pick the meeting where it came up.")},
    )
    outcome = forms.ChoiceField(label=_("What happened there"), choices=FollowUpOutcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=FollowUp._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    quote = forms.CharField(
        label=_("Quote from that readout"),
        required=False,
        max_length=FollowUp._meta.get_field("quote").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Readout import -----------------------------------------------------------------------------------
# The review screen of tracker/views/readouts.py; matching and saving are in tracker.readout_import.
# This section was appended as a whole while others edit the top of this file, so it brings its own
# imports.
import datetime  # noqa: E402
import zoneinfo  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from django.contrib.auth.models import AbstractBaseUser  # noqa: E402
from django.utils.translation import get_language  # noqa: E402

from .models import (  # noqa: E402
    MeetingFormat,
    MeetingKind,
    MeetingSeries,
    Strength,
    validate_time_zone,
)
from .readout_import import (  # noqa: E402
    FOLLOW_UP_REFUSAL,
    MAX_PARTICIPANTS,
    MAX_ROWS,
    MeetingData,
    ParticipantData,
    RowData,
    decode_readout_file,
    lead_division_refusal,
    lead_divisions,
    may_lead,
    validate_meeting_start,
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
        japanese = get_language() == "ja"
        return [
            (code, t.name_ja if japanese and t.name_ja else t.name)
            for code, t in self.themes.items()
        ]

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
            *((pk, local_name(d)) for pk, d in choices.divisions.items()),
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
