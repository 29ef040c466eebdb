"""The admin's commitment forms: the version the clerk started from, the quote's position found
in the readout, the journal note, and the bulk actions' questions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import limited_textarea
from ..models import Commitment, Status, StatusUpdate
from .saving import ServiceForm, form_data, warn_after_save


class VersionedCommitmentForm(ServiceForm):
    """Carries the version the clerk started from, so that a stale save is refused.

    The quote's position in the readout is found from the quote: the clerk is asked for it only
    when the quote occurs more than once, and warned (`quote_warning`) when it does not occur.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    quote_warning = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        if "quote_position" in self.fields:
            self.fields["quote_position"].help_text = _(
                "Leave empty: it is found from the quote in the meeting’s readout. Needed only "
                "when the quote occurs there more than once."
            )

    def has_changed(self) -> bool:
        # The version alone is not a change the clerk made.
        return bool(set(self.changed_data) - {"loaded_version"})

    def clean(self):
        cleaned = super().clean()
        if "quote_position" in self.fields and "quote_position" not in self.errors:
            adding = self.instance.pk is None
            if adding or {"quote", "quote_position", "origin_meeting"} & set(self.changed_data):
                cleaned["quote_position"] = self._quote_position(cleaned)
        return cleaned

    def _quote_position(self, cleaned: dict) -> int | None:
        given = cleaned.get("quote_position")
        quote = (cleaned.get("quote") or "").strip()
        meeting = cleaned.get("origin_meeting")
        if meeting is None and self.instance.origin_meeting_id:
            meeting = self.instance.origin_meeting
        readout = getattr(meeting, "readout_text", "") or ""
        if not quote or not readout:
            return given  # nothing to look the quote up in
        if given is not None and readout[given : given + len(quote)] == quote:
            return given
        found = services.quote_positions(readout=readout, quote=quote)
        if len(found) == 1:
            return found[0]
        if found:
            self.add_error(
                "quote_position",
                _(
                    "The quote occurs more than once in the meeting’s readout (at characters "
                    "%(positions)s): enter the position of the one meant."
                )
                % {"positions": ", ".join(str(p) for p in found)},
            )
            return given
        self.quote_warning = _(
            "The quote of “%(title)s” was not found word for word in the meeting’s readout, so "
            "its position was left empty: check the quote against the readout."
        ) % {"title": cleaned.get("title") or self.instance.title}
        return None

    def edit_data(self) -> dict:
        """The changed fields, as the edit service takes them."""
        data = form_data(self, services.COMMITMENT_EDIT_FIELDS, change=True)
        position = self.cleaned_data.get("quote_position")
        if "quote_position" in self.fields and position != self.initial.get("quote_position"):
            # Found from the quote rather than typed: not in changed_data, still a change.
            data["quote_position"] = position
        return data

    def new_data(self) -> dict:
        return form_data(self, services.COMMITMENT_EDIT_FIELDS, change=False)


def warn_quote(request, form: VersionedCommitmentForm) -> None:
    """Once the page is saved: the quote was not found in the readout, its position left empty."""
    if form.quote_warning:
        warn_after_save(request, form.quote_warning)


class JournalNoteMixin(forms.Form):
    journal_note = limited_textarea(
        _("note for the journal"),
        StatusUpdate,
        "note",
        help_text=_("Required when the status moves to stalled, completed, superseded or dropped."),
    )


class MeetingCommitmentForm(JournalNoteMixin, VersionedCommitmentForm):
    """A commitment on its meeting's page: a status move there is explained like anywhere."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            # A row sent without a status (a script, an older page) keeps the one it has, or
            # starts as not started, as before the status was offered here.
            self.fields["status"].required = False

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and not cleaned.get("status") and "status" not in self.errors:
            cleaned["status"] = self.initial.get("status") or Status.NOT_STARTED
        return cleaned


class CommitmentAdminForm(JournalNoteMixin, VersionedCommitmentForm):
    """Adds the journal note; the version the clerk started from comes with every change."""

    class Meta:
        model = Commitment
        fields = services.COMMITMENT_EDIT_FIELDS

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("loaded_version") is None:
            # Not a hidden-field error, which the admin would not show.
            self.add_error(
                None,
                _(
                    "This form was sent without the version you started from. Open the "
                    "commitment again and apply your change."
                ),
            )
        return cleaned


class SetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=Status.choices)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
