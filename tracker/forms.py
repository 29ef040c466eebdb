"""Forms of the staff workspace."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse_lazy
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
from .models.meetings import meeting_label
from .names import choose_name, format_user_name
from .widgets import QuickSelects, RowChoiceField, RowChoiceIterator

OPEN = "open"
# Ten years: the farthest "due within" a list is asked for.
DUE_WITHIN_MAX_DAYS = 3660


def limited_textarea(label, model, field_name: str, *, rows: int = 2, **options):
    """An optional text area that takes no more than the model field it fills can hold."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=model._meta.get_field(field_name).max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **options,
    )


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
# The sorts that the meetings' index on their start reads in order: a search scanned as the rows
# are read (`CommitmentQuerySet.search`) stops after its first page only in these.
SCANNED_SORTS = ("meeting", "-meeting")
# The origin meetings the list's filter offers at once, newest first; the others are found by
# typing in "Find a meeting" (MEETING_FIND), which narrows the offer.
MEETINGS_OFFERED = 30
# The longest text a search box takes; a longer one is refused (the list) or cut (as you type).
SEARCH_MAX_LENGTH = 200
MEETING_FIND = "meeting_q"
# As the dashboard says it; the number is models.STALE_AFTER_DAYS.
STALE_HELP = _("Open items with no update for 14 days or more.")


def _with_commitments(model, field: str):
    """The rows of `model` that some commitment points at through `field`: a semi-join on the
    foreign key's index, where a join with DISTINCT would read every commitment."""
    return model.objects.filter(Exists(Commitment.objects.filter(**{field: OuterRef("pk")})))


class FindField(forms.CharField):
    """Words that narrow what a select offers and filter nothing: a longer text is cut to
    SEARCH_MAX_LENGTH, as it is shown and as it is cleaned, never refused."""

    def to_python(self, value):
        return super().to_python(value)[:SEARCH_MAX_LENGTH]

    def bound_data(self, data, initial):
        return data[:SEARCH_MAX_LENGTH] if isinstance(data, str) else data


def offered_meetings(meetings, *, text: str, chosen):
    """Of `meetings`, the newest MEETINGS_OFFERED whose title, place or series contains `text`,
    and the `chosen` one whatever its age: hundreds of options on every page of the list would be
    most of its weight, and no one scrolls through them."""
    text = text.strip()[:SEARCH_MAX_LENGTH]
    found = meetings.search(text) if text else meetings
    offered = Q(pk__in=found.order_by("-starts_at").values("pk")[:MEETINGS_OFFERED])
    chosen = str(chosen or "")
    # Only a number can name a meeting; anything else chooses nothing (the form says why).
    if chosen.isascii() and chosen.isdigit() and len(chosen) <= 18:
        offered |= Q(pk=int(chosen))
    return meetings.filter(offered).order_by("-starts_at")


class CommitmentFilterForm(QuickSelects, forms.Form):
    """The list's filters; every one is a GET parameter, so a filtered view is a shareable URL.

    Rendered on every page of the list, with hundreds of meetings to choose from: the selects
    render their options in Python (QuickSelect), and read only the columns their labels show.
    The meeting select offers the newest meetings and the chosen one, not all of them
    (`offered_meetings`); any meeting that has commitments is still a valid choice.
    """

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), (OPEN, _("All open")), *Status.choices],
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"), required=False, choices=[("", _("Any")), *Confidence.choices]
    )
    theme = RowChoiceField(
        label=_("Theme"),
        required=False,
        queryset=Theme.objects.all(),
        label_fields=("name", "name_ja"),
        label_from_row=choose_name,
        empty_label=_("Any"),
    )
    division = RowChoiceField(
        label=_("Division"),
        required=False,
        queryset=Division.objects.all(),
        label_fields=("name", "name_ja"),
        label_from_row=choose_name,
        empty_label=_("Any"),
    )
    owner = RowChoiceField(
        label=_("Owner"),
        required=False,
        queryset=_with_commitments(get_user_model(), "owner"),
        label_fields=("first_name", "last_name", "username"),
        label_from_row=format_user_name,
        empty_label=_("Any"),
    )
    meeting = RowChoiceField(
        label=_("Origin meeting"),
        required=False,
        queryset=_with_commitments(Meeting, "origin_meeting"),
        label_fields=("title", "starts_at", "time_zone"),
        label_from_row=meeting_label,
        empty_label=_("Any"),
    )
    # Narrows the meetings the select above offers (`offered_meetings`), as you type (htmx asks
    # `commitment-meeting-options`) or, without JS, when the form is sent. It filters no
    # commitment, so it never makes the form invalid: a longer text is cut.
    meeting_q = FindField(
        label=_("Find a meeting"),
        required=False,
        widget=forms.SearchInput(
            attrs={
                "maxlength": SEARCH_MAX_LENGTH,
                "autocomplete": "off",
                "placeholder": _("Title, place or series"),
                "aria-controls": "id_meeting",
                "data-option-finder": "",
                "hx-get": reverse_lazy("commitment-meeting-options"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-include": "#id_meeting",
                "hx-target": "#id_meeting",
                "hx-swap": "outerHTML",
                "hx-push-url": "false",
                "hx-sync": "this:replace",
            }
        ),
    )
    party = RowChoiceField(
        label=_("Party"),
        required=False,
        queryset=Country.objects.all(),
        label_fields=("name", "name_ja"),
        label_from_row=choose_name,
        empty_label=_("Any"),
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
    stale = forms.BooleanField(label=_("Stale only"), required=False, help_text=STALE_HELP)
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
        field = self.fields["meeting"]
        # Lazy: no query unless the select is rendered (the API and the exports never do).
        offered = RowChoiceIterator(field)
        offered.queryset = offered_meetings(
            field.queryset, text=self.data.get(MEETING_FIND, ""), chosen=self.data.get("meeting")
        )
        field.widget.choices = offered

    def filter(self, queryset, *, today, scan: bool = False):
        """Apply the valid filters; an invalid one is ignored (the form shows its error). `scan`:
        see `CommitmentQuerySet.search`."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if text := data.get("q", "").strip():
            queryset = queryset.search(text, scan=scan)
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
            queryset = queryset.due_between(today, today + datetime.timedelta(days=days))
        if data.get("stale"):
            queryset = queryset.stale(timezone.now())
        return queryset.order_by(*SORTS.get(data.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT]))


class StatusUpdateForm(QuickSelects, forms.Form):
    """The in-place update of a commitment: status, confidence, the editable fields, a note."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    confidence = forms.ChoiceField(
        label=_("Delivery confidence"), choices=Confidence.choices, widget=forms.RadioSelect
    )
    next_step = limited_textarea(_("Next step"), Commitment, "next_step")
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
    note = limited_textarea(
        _("Note"),
        StatusUpdate,
        "note",
        rows=3,
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

    def service_data(self) -> dict:
        """The keyword arguments of `services.commitment_set_status` that this form fills."""
        data = self.cleaned_data
        return {
            "status": data["status"],
            "confidence": data["confidence"],
            "note": data["note"],
            "evidence_url": data["evidence_url"],
            "fields": {name: data.get(name) for name in EDITABLE_FIELD_NAMES},
            "expected_version": data["loaded_version"],
        }

    @classmethod
    def after_conflict(cls, posted, base: dict, current: Commitment) -> StatusUpdateForm:
        """The form after a conflict: the current values, with what this editor changed on top.

        A field the editor left as they found it takes the other person's new value; a field
        they changed keeps their value; the note and evidence are always theirs. Based on the
        current version, so that saving it again applies their change on top of the other
        person's. Validated, so that its errors show at once.
        """
        data = {}
        for name, current_value in cls.initial_for(current).items():
            mine = posted.get(name, "")
            if name == "loaded_version":
                data[name] = str(current.version)
            elif name in base and mine == _form_value(base[name]):
                data[name] = _form_value(current_value)
            else:
                data[name] = mine
        data["note"] = posted.get("note", "")
        data["evidence_url"] = posted.get("evidence_url", "")
        form = cls(data, commitment=current)
        form.is_valid()
        return form


def _form_value(value) -> str:
    """A value as a form posts it back."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class ReassignForm(QuickSelects, forms.Form):
    """A new owner, lead division and note; `fields` keeps only some of them (the admin's bulk
    action asks for the owner alone) and `user_label` names the users in the picker from their
    first name, last name and log-in.

    On every commitment page: the pickers read their rows as tuples and write their options once
    per content (`RowChoiceField`), not a model instance and a label per user on every page."""

    owner = RowChoiceField(
        label=_("New owner"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "username"),
        required=False,
        label_fields=("first_name", "last_name", "username"),
        label_from_row=format_user_name,
        empty_label=_("(nobody)"),
    )
    lead_division = RowChoiceField(
        label=_("Lead division"),
        queryset=Division.objects.all(),
        required=False,
        label_fields=("name", "name_ja"),
        label_from_row=choose_name,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(
        self,
        *args,
        fields: Iterable[str] | None = None,
        user_label: Callable[[str, str, str], str] = format_user_name,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if fields is not None:
            for name in set(self.fields) - set(fields):
                del self.fields[name]
        self.fields["owner"].label_from_row = user_label


class FollowUpForm(QuickSelects, forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Pick the meeting where it came up.")},
    )
    outcome = forms.ChoiceField(label=_("What happened there"), choices=FollowUpOutcome.choices)
    note = limited_textarea(_("Note"), FollowUp, "note")
    quote = limited_textarea(_("Quote from that readout"), FollowUp, "quote")
