"""The list's bulk bar: which commitments (ticked one by one, or every one matching the filters)
and what to change on them."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import limited_textarea
from .models import Confidence, Status, StatusUpdate
from .names import format_user_name
from .services import MAX_BULK_ITEMS
from .widgets import QuickSelects, RowChoiceField

SELECTED = "selected"
MATCHING = "matching"
# The longest filter query the bar carries back to the list (an address stays well under it).
QUERY_MAX_LENGTH = 4000


def parse_item(token: str) -> tuple[int, int | None] | None:
    """A ticked row's value, "number:version" (or a bare number); None if it is neither."""
    number, _sep, version = token.strip().partition(":")
    # ASCII digits only: "²".isdigit() is true, but int() refuses it.
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        return None
    if version and not (version.isascii() and version.isdigit() and len(version) <= 9):
        return None
    return int(number), int(version) if version else None


class BulkEditForm(QuickSelects, forms.Form):
    """What to change: every field may be left as it is; the note goes into each item's journal.

    `items` (from the ticked rows) is read in `clean`: the number of the commitment and the
    version the user saw it at, so that an item saved by someone else since is refused.
    """

    scope = forms.ChoiceField(
        choices=[(SELECTED, _("The ticked rows")), (MATCHING, _("Every matching commitment"))],
        required=False,
        widget=forms.HiddenInput,
    )
    # The list's filters as the page showed them (an address's query string).
    query = forms.CharField(required=False, max_length=QUERY_MAX_LENGTH, widget=forms.HiddenInput)
    # When the list was shown, and the number of matching items the user agreed to change.
    selected_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    confirmed_count = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        # Not "Status": the list's filter form, on the same page, has a field of that name.
        label=_("Move to"),
        required=False,
        choices=[("", _("(unchanged)")), *Status.choices],
    )
    confidence = forms.ChoiceField(
        label=_("Delivery confidence"),
        required=False,
        choices=[("", _("(unchanged)")), *Confidence.choices],
    )
    # Rendered on every page of the list: the users' names read as rows, not model instances.
    owner = RowChoiceField(
        label=_("New owner"),
        required=False,
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "username"),
        label_fields=("first_name", "last_name", "username"),
        label_from_row=format_user_name,
        empty_label=_("(unchanged)"),
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = limited_textarea(
        _("Note"),
        StatusUpdate,
        "note",
        rows=2,
        help_text=_(
            "Written into each item’s journal. Required when moving to stalled, "
            "completed, superseded or dropped."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        # Its own ids: the list's filter form, on the same page, has fields of the same names.
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.user = user
        self.can_reassign = user.has_perm("tracker.reassign_commitment")
        self.items: dict[int, int | None] = {}

    def clean(self):
        data = super().clean()
        if data.get("owner") is not None and not self.can_reassign:
            # Said above the bar: the owner field is not shown to those who may not use it.
            self.add_error(None, _("Only managers may reassign owners."))
        changes = self.changes() if not self.errors else {}
        if not self.errors and not changes and not data.get("note", "").strip():
            raise forms.ValidationError(
                _(
                    "Nothing to apply: choose a status, confidence, owner or target date, or "
                    "write a note."
                )
            )
        if data.get("scope") != MATCHING:
            self._clean_items()
        return data

    def _clean_items(self) -> None:
        tokens = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        if len(tokens) > MAX_BULK_ITEMS:
            raise forms.ValidationError(too_many(len(tokens), MAX_BULK_ITEMS))
        for token in tokens:
            item = parse_item(token)
            if item is None:
                raise forms.ValidationError(
                    _(
                        "“%(value)s” does not name a commitment of the list. Reload the list and "
                        "select again."
                    ),
                    params={"value": token[:40]},
                )
            self.items[item[0]] = item[1]
        if not self.items:
            raise forms.ValidationError(_("Select at least one commitment."))

    def changes(self) -> dict:
        """The fields to change, as `services.commitments_bulk_edit` takes them."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("status", "confidence", "owner", "target_date")
            if data.get(name) not in (None, "")
        }


def too_many(count: int, limit: int) -> str:
    return ngettext(
        "At most %(max)s commitments can be changed at once; %(count)s was selected. Narrow "
        "the filters, or apply the change in parts.",
        "At most %(max)s commitments can be changed at once; %(count)s were selected. Narrow "
        "the filters, or apply the change in parts.",
        count,
    ) % {"max": limit, "count": count}
