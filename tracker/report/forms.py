"""The report page's parameters: the week and the optional division and theme."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Division, Theme
from ..names import display_name
from .weeks import parse_iso_week, week_label


class _Filter(forms.ModelChoiceField):
    """An optional division or theme, by its code in the URL and its local name in the list."""

    def label_from_instance(self, obj) -> str:
        return display_name(obj)


def _filter(model, label, empty_label) -> _Filter:
    return _Filter(
        model.objects.all(),
        label=label,
        required=False,
        to_field_name="code",
        empty_label=empty_label,
    )


class ReportForm(forms.Form):
    week = forms.CharField(
        label=gettext_lazy("Week"),
        max_length=10,
        help_text=gettext_lazy("ISO week, e.g. 2026-W48 (Monday to Sunday)."),
        widget=forms.TextInput(attrs={"type": "week", "placeholder": "2026-W48"}),
    )
    division = _filter(Division, gettext_lazy("Division"), gettext_lazy("All divisions"))
    theme = _filter(Theme, gettext_lazy("Theme"), gettext_lazy("All themes"))

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean_week(self) -> str:
        try:
            start, _end = parse_iso_week(self.cleaned_data["week"])
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_week") from None
        if start > self.now:
            raise ValidationError(
                _("This week has not begun yet: choose a week up to the current one."),
                code="future_week",
            )
        return week_label(start.date())

    def query_string(self) -> str:
        params = {"week": self.cleaned_data["week"]}
        for name in ("division", "theme"):
            if self.cleaned_data.get(name):
                params[name] = self.cleaned_data[name].code
        return urlencode(params)


class IssueForm(ReportForm):
    # The revision the user confirmed; none on the first issue. A re-issue nobody confirmed, or
    # one confirmed while someone else issued that number, is asked about again.
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=32_767, widget=forms.HiddenInput
    )
