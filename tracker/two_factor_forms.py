"""The forms of two-factor log-in: a code from the authenticator app, a recovery code, and the
removal of the app (confirmed with the password or a current code).

Codes are read the way people type them: spaces and hyphens are ignored, and full-width digits
and letters (what a Japanese input method types, "１２３ ４５６") count as their ASCII selves
(Unicode NFKC). Other scripts' digits are refused with a message, not guessed at.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Separators people put in codes: spaces, hyphens, dashes, the minus sign, and the long-vowel
# mark a Japanese input method may type for a hyphen.
_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015\u2212\u30fc]")
_TOTP = re.compile("[0-9]{6}")
# django-otp's StaticToken.random_token: eight characters of lower-case base32.
_RECOVERY = re.compile("[a-z2-7]{8}")
# Room for a code with separators, never a page of text.
CODE_MAX_LENGTH = 40


def normalise_code(value: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).lower()


def format_recovery_code(code: str) -> str:
    """How a recovery code is shown: abcd-2345 (the hyphen is ignored when typed back)."""
    return f"{code[:4]}-{code[4:]}"


class _CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", CODE_MAX_LENGTH)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        )


class TotpCodeForm(forms.Form):
    code = _CodeField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; they change every 30 seconds."),
        error_messages={"max_length": _("Enter the six-digit code your authenticator app shows.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not _TOTP.fullmatch(code):
            raise ValidationError(_("Enter the six-digit code your authenticator app shows."))
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = _CodeField(
        label=_("Recovery code"),
        help_text=_("One of the codes you saved when you set up two-factor log-in."),
        error_messages={
            "max_length": _("Enter one of your recovery codes: eight letters and digits.")
        },
    )

    def clean_recovery_code(self) -> str:
        code = normalise_code(self.cleaned_data["recovery_code"])
        if not _RECOVERY.fullmatch(code):
            raise ValidationError(
                _("Enter one of your recovery codes: eight letters and digits, like abcd-2345.")
            )
        return code


class TotpRemoveForm(forms.Form):
    """The removal is confirmed with the account's password or a current code."""

    password = forms.CharField(
        label=_("Your password"),
        required=False,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _CodeField(label=_("or a code from your authenticator app"), required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code and not _TOTP.fullmatch(code):
            raise ValidationError(_("Enter the six-digit code your authenticator app shows."))
        return code

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("password") and not cleaned.get("code"):
            raise ValidationError(
                _("Enter your password or a code from your authenticator app to confirm.")
            )
        return cleaned
