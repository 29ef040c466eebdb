"""The notification settings form: per kind, how to deliver it; and the e-mail language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NotificationKind, delivery_choices, delivery_for


class NotificationSettingsForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, stored: dict[str, str], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=delivery_choices(kind),
                initial=delivery_for(kind, stored.get(kind.value)),
                widget=forms.RadioSelect,
            )

    def kind_fields(self):
        return [self[kind.value] for kind in NotificationKind]

    def deliveries(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in NotificationKind}
