"""The form that names a saved view and says whom it is shared with."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import SAVED_VIEW_QUERY_MAX, Division, SavedView
from .names import display_name
from .permissions import division_ids, is_manager
from .services import saved_view_query


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SavedView._meta.get_field("name").max_length)
    division = forms.ModelChoiceField(
        label=_("Shared with"),
        required=False,
        queryset=Division.objects.none(),
        empty_label=_("Nobody: only me"),
        help_text=_("Every member of the division sees a shared view in their Views menu."),
    )
    query = forms.CharField(
        required=False,
        max_length=SAVED_VIEW_QUERY_MAX,
        widget=forms.HiddenInput,
        error_messages={
            "max_length": _("This list’s filters are too long to save: shorten the search text.")
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # An editor shares with their own divisions; a manager with any (the service checks too).
        divisions = Division.objects.all()
        if not (user.is_superuser or is_manager(user)):
            divisions = divisions.filter(pk__in=division_ids(user))
        field = self.fields["division"]
        field.queryset = divisions
        field.label_from_instance = display_name

    def clean_query(self) -> str:
        # Kept as the list reads it: its parameters without the page or empty values.
        return saved_view_query(QueryDict(self.cleaned_data["query"]))
